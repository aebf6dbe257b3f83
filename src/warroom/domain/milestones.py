"""The instants of an incident's life, and the figures people judge a response by.

Impact started, detected (the first alert or report), declared, acknowledged (an IC took
it), mitigated (users no longer hurt) and resolved. Time to detect, acknowledge, mitigate and
resolve are measured between them, and the impact lasts from its start to its mitigation:
an incident noticed an hour late is not an hour shorter.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Milestone(StrEnum):
    IMPACT_STARTED = "impact_started"
    DETECTED = "detected"
    DECLARED = "declared"
    ACKNOWLEDGED = "acknowledged"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def word(self) -> str:
        """As typed in `/incident milestone <word>`."""
        return self.value.replace("_", "-")

    @property
    def column(self) -> str:
        return f"{self.value}_at"


# Other words people type for them.
MILESTONE_WORDS = {
    **{milestone.word: milestone for milestone in Milestone},
    "impact": Milestone.IMPACT_STARTED,
    "started": Milestone.IMPACT_STARTED,
    "start": Milestone.IMPACT_STARTED,
    "impact-start": Milestone.IMPACT_STARTED,
    "ack": Milestone.ACKNOWLEDGED,
    "acked": Milestone.ACKNOWLEDGED,
    "mitigate": Milestone.MITIGATED,
    "resolve": Milestone.RESOLVED,
}

# Which instant cannot come after which, when both are known.
NOT_AFTER = (
    (Milestone.IMPACT_STARTED, Milestone.DETECTED),
    (Milestone.DETECTED, Milestone.DECLARED),
    (Milestone.IMPACT_STARTED, Milestone.MITIGATED),
    (Milestone.DECLARED, Milestone.RESOLVED),
    (Milestone.MITIGATED, Milestone.RESOLVED),
)
# A clock a few seconds ahead of ours is no reason to refuse a time.
FUTURE_TOLERANCE = timedelta(minutes=1)


class MilestoneError(ValueError):
    """A milestone time that cannot be right, explained."""


def hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M UTC")


def check(instants: Mapping[Milestone, datetime | None], now: datetime) -> None:
    """MilestoneError when the instants contradict each other or lie in the future."""
    for milestone, moment in instants.items():
        if moment is not None and moment > now + FUTURE_TOLERANCE:
            raise MilestoneError(
                f"{milestone.label} at {hhmm(moment)} is in the future (it is {hhmm(now)} "
                "now). Times are in UTC."
            )
    for earlier, later in NOT_AFTER:
        first, then = instants.get(earlier), instants.get(later)
        if first is not None and then is not None and first > then:
            raise MilestoneError(
                f"{earlier.label} ({first:%Y-%m-%d %H:%M} UTC) cannot come after "
                f"{later.label.lower()} ({then:%Y-%m-%d %H:%M} UTC). Times are in UTC."
            )


@dataclass(frozen=True)
class Figures:
    """What the milestones say, with where each end came from when one was not recorded."""

    impact_start: datetime
    impact_start_from: Milestone
    impact_end: datetime | None
    time_to_detect: timedelta | None
    time_to_acknowledge: timedelta | None
    time_to_mitigate: timedelta | None
    time_to_resolve: timedelta | None

    @property
    def impact_duration(self) -> timedelta | None:
        return self.impact_end - self.impact_start if self.impact_end else None


# The impact's start, when nobody recorded it, is its detection, or else the declaration.
IMPACT_ORIGINS = (Milestone.IMPACT_STARTED, Milestone.DETECTED, Milestone.DECLARED)
# Each figure: the instant it runs to, and the instants it runs from (the first recorded).
# Time to detect needs a recorded impact start; to acknowledge runs from the detection (or
# the declaration); to mitigate and resolve, from the impact's start.
DURATIONS = {
    "detect": (Milestone.DETECTED, (Milestone.IMPACT_STARTED,)),
    "acknowledge": (Milestone.ACKNOWLEDGED, (Milestone.DETECTED, Milestone.DECLARED)),
    "mitigate": (Milestone.MITIGATED, IMPACT_ORIGINS),
    "resolve": (Milestone.RESOLVED, IMPACT_ORIGINS),
}


def duration(instants: Mapping[Milestone, datetime | None], measure: str) -> timedelta | None:
    """One of the `DURATIONS`, or None while either end is unknown."""
    end, origins = DURATIONS[measure]
    origin = next((instants[m] for m in origins if instants[m]), None)
    return instants[end] - origin if origin and instants[end] else None


def figures(instants: Mapping[Milestone, datetime | None]) -> Figures:
    """The `DURATIONS`, and the impact from its start to its mitigation (or resolution)."""
    start_from = next(m for m in IMPACT_ORIGINS if instants[m])
    return Figures(
        impact_start=instants[start_from],
        impact_start_from=start_from,
        impact_end=instants[Milestone.MITIGATED] or instants[Milestone.RESOLVED],
        time_to_detect=duration(instants, "detect"),
        time_to_acknowledge=duration(instants, "acknowledge"),
        time_to_mitigate=duration(instants, "mitigate"),
        time_to_resolve=duration(instants, "resolve"),
    )
