"""Alerts from monitoring, as warroom reads them whatever sent them: grouped as the sender
grouped them, with a severity and a service read off their labels, and the rules that turn
some of them into incidents without waiting for a person.

A group takes in what its sender sends under the same key while any of its alerts fires,
while its incident is open, or until it has been quiet for a window: a repeat of the same
notification adds nothing, a new alert or a resolution is news.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from warroom.domain.incident import Severity


class AlertStatus(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class Alert:
    fingerprint: str  # the same alert, however often it is sent
    status: AlertStatus
    starts_at: datetime
    summary: str
    link: str | None = None


@dataclass(frozen=True)
class AlertBatch:
    """One notification: some alerts of one group."""

    source: str  # "alertmanager", "grafana", "generic"
    group_key: str
    title: str
    labels: dict[str, str]  # those every alert of the group has
    alerts: tuple[Alert, ...]
    link: str | None = None

    @property
    def open_key(self) -> str:
        """The group's key, short enough for a unique index whatever its sender made it."""
        return hashlib.sha256(f"{self.source}\n{self.group_key}".encode()).hexdigest()


# What monitoring calls its levels, and the severity each suggests (`severity` or `priority`
# labels, as Prometheus rules and Grafana conventionally name them).
_LEVELS = {
    Severity.SEV1: {"critical", "page", "p1", "sev1", "emergency", "disaster"},
    Severity.SEV2: {"high", "error", "major", "p2", "sev2"},
    Severity.SEV3: {"warning", "warn", "medium", "minor", "p3", "sev3"},
    Severity.SEV4: {"info", "low", "p4", "p5", "sev4", "none"},
}
SEVERITY_LABELS = ("severity", "priority")


def severity_suggested(labels: dict[str, str], default: Severity) -> Severity:
    for name in SEVERITY_LABELS:
        level = labels.get(name, "").strip().lower()
        for severity, names in _LEVELS.items():
            if level in names:
                return severity
    return default


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class AutoDeclare:
    """`severity=critical:sev1`: a new group whose alerts all carry that label is declared
    at once, as a SEV1."""

    label: str
    value: str
    severity: Severity

    @classmethod
    def parse(cls, text: str) -> "AutoDeclare":
        condition, _, severity = text.strip().rpartition(":")
        label, equals, value = condition.partition("=")
        chosen = next((s for s in Severity if s.value == severity.strip().lower()), None)
        if not equals or not label.strip() or not value.strip() or chosen is None:
            raise RuleError(
                f"{text.strip()!r} is not a rule: write label=value:severity, "
                "such as severity=critical:sev1"
            )
        return cls(label.strip(), value.strip(), chosen)

    def matches(self, labels: dict[str, str]) -> bool:
        return labels.get(self.label) == self.value

    def __str__(self) -> str:
        return f"{self.label}={self.value}:{self.severity.value}"


@dataclass(frozen=True)
class AlertPolicy:
    rules: tuple[AutoDeclare, ...]
    window: timedelta  # how long a quiet, resolved group still takes in its repeats
    default_severity: Severity  # suggested when the labels say nothing


def auto_declared(rules: tuple[AutoDeclare, ...], labels: dict[str, str]) -> AutoDeclare | None:
    """The first rule the group's labels match, if any does."""
    return next((rule for rule in rules if rule.matches(labels)), None)


@dataclass(frozen=True)
class News:
    """What a notification changed of its group: alerts that began or went on firing anew,
    and alerts that resolved."""

    fired: tuple[Alert, ...]
    resolved: tuple[Alert, ...]

    def __bool__(self) -> bool:
        return bool(self.fired or self.resolved)


def merge(known: dict[str, dict], alerts: tuple[Alert, ...]) -> tuple[dict[str, dict], News]:
    """The group's alerts (by fingerprint, as stored) with a notification's taken in, and
    what was news: an alert is news when it is new, or its status or start changed."""
    merged, fired, resolved = dict(known), [], []
    for alert in alerts:
        before = known.get(alert.fingerprint)
        stored = _stored(alert)
        if before and (before["status"], before["starts_at"]) == (
            stored["status"],
            stored["starts_at"],
        ):
            continue
        if alert.status is AlertStatus.RESOLVED and before is None:
            continue  # resolved before warroom heard it fire: nothing anyone needs to see
        merged[alert.fingerprint] = stored
        (fired if alert.status is AlertStatus.FIRING else resolved).append(alert)
    return merged, News(tuple(fired), tuple(resolved))


def _stored(alert: Alert) -> dict:
    return {
        "status": alert.status.value,
        "starts_at": alert.starts_at.isoformat(),
        "summary": alert.summary,
        "link": alert.link,
    }


def takes_in(
    firing: bool, incident_open: bool, last_seen_at: datetime, now: datetime, window: timedelta
) -> bool:
    """Whether a group still takes in what its sender sends under its key, or a new group
    (a new prompt) should begin."""
    return firing or incident_open or now - last_seen_at < window
