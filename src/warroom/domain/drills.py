"""Game-day scenarios: what a drill is about, and what happens next, minute by minute, for
its responders to find out and act on (`warroom drill`)."""

from dataclasses import dataclass
from datetime import timedelta

from warroom.domain.incident import Severity


@dataclass(frozen=True)
class Inject:
    after: timedelta  # since the previous inject (or the declare)
    text: str


@dataclass(frozen=True)
class Scenario:
    title: str
    severity: Severity
    injects: tuple[Inject, ...]


def _minutes(minutes: int, text: str) -> Inject:
    return Inject(timedelta(minutes=minutes), text)


SCENARIOS = {
    "checkout": Scenario(
        title="Checkout failing for card payments",
        severity=Severity.SEV2,
        injects=(
            _minutes(1, "Support: three customers say their card was declined twice."),
            _minutes(3, "Dashboards: checkout errors at 14% (normally under 0.5%)."),
            _minutes(4, "A deploy of payments went out 20 minutes before the first error."),
            _minutes(5, "Rolling back that deploy brings errors down to 1%: is it over?"),
            _minutes(5, "Errors are back under 0.5%. Who tells customers, and what?"),
        ),
    ),
    "database": Scenario(
        title="Primary database unreachable",
        severity=Severity.SEV1,
        injects=(
            _minutes(1, "Every service's health check fails its database probe."),
            _minutes(2, "The cloud console shows the primary's host as impaired."),
            _minutes(4, "The replica is 40 seconds behind: promoting it loses writes."),
            _minutes(5, "The replica is promoted; writes work again, slowly."),
            _minutes(6, "Latency is normal. What goes in the postmortem's timeline?"),
        ),
    ),
}
