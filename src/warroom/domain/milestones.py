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


def figures(instants: Mapping[Milestone, datetime | None]) -> Figures:
    """Time to detect runs from the impact's start to its detection; to acknowledge, from
    detection (or the declaration) to an IC taking it; to mitigate and resolve, from the
    impact's start, which is the detection or the declaration when nobody recorded it."""
    start_from = next(
        m for m in (Milestone.IMPACT_STARTED, Milestone.DETECTED, Milestone.DECLARED) if instants[m]
    )
    start = instants[start_from]
    noticed = instants[Milestone.DETECTED] or instants[Milestone.DECLARED]

    def since(origin: datetime | None, moment: datetime | None) -> timedelta | None:
        return moment - origin if origin and moment else None

    return Figures(
        impact_start=start,
        impact_start_from=start_from,
        impact_end=instants[Milestone.MITIGATED] or instants[Milestone.RESOLVED],
        time_to_detect=since(instants[Milestone.IMPACT_STARTED], instants[Milestone.DETECTED]),
        time_to_acknowledge=since(noticed, instants[Milestone.ACKNOWLEDGED]),
        time_to_mitigate=since(start, instants[Milestone.MITIGATED]),
        time_to_resolve=since(start, instants[Milestone.RESOLVED]),
    )
