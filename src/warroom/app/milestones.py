"""Recording when the impact started, was detected, acknowledged, mitigated or resolved:
each edit checked against the other milestones, and kept on the timeline as who changed
what from what."""

from datetime import datetime

from warroom.app.core import Core
from warroom.app.incidents import emitted, record
from warroom.domain import events
from warroom.domain.incident import IncidentError
from warroom.domain.milestones import Milestone, MilestoneError, check
from warroom.domain.timeline import EntryKind

# Reached through the lifecycle (`/incident mitigated`, `resolve`), then only corrected.
LIFECYCLE = {Milestone.MITIGATED: "mitigated", Milestone.RESOLVED: "resolve"}
# Facts warroom can restate but nobody may forget once reached.
CANNOT_CLEAR = {Milestone.DECLARED, *LIFECYCLE}


def set_milestone(
    core: Core, incident_id: int, milestone: Milestone, at: datetime | None, *, by: str
) -> events.MilestoneSet:
    """Set (or, with None, clear) one milestone of the incident."""
    with core.change(incident_id) as change:
        incident = change.incident
        previous = getattr(incident, milestone.column)
        _refuse_nonsense(milestone, previous, at)
        instants = incident.milestones | {milestone: at}
        try:
            check(instants, change.at)
        except MilestoneError as error:
            raise IncidentError(str(error)) from None
        setattr(incident, milestone.column, at)
        entry = record(
            change,
            EntryKind.MILESTONE,
            by,
            f"{milestone.label}: {at:%Y-%m-%d %H:%M} UTC" if at else f"{milestone.label} cleared",
            details={
                "milestone": milestone.value,
                "at": at.isoformat() if at else None,
                "previous": previous.isoformat() if previous else None,
            },
        )
        return emitted(change, events.MilestoneSet, entry, by, milestone=milestone, at=at)


def _refuse_nonsense(milestone: Milestone, previous: datetime | None, at: datetime | None):
    if milestone is Milestone.DECLARED:
        raise IncidentError(
            "warroom recorded the declaration itself, so its time stays. If the incident "
            "began earlier, set `impact-started` or `detected` instead."
        )
    if milestone in LIFECYCLE and previous is None:
        raise IncidentError(
            f"The incident is not {milestone.label.lower()} yet: use `/incident "
            f"{LIFECYCLE[milestone]}` first, then correct its time here if need be."
        )
    if at is None and milestone in CANNOT_CLEAR:
        raise IncidentError(f"{milestone.label} cannot be cleared, only moved to another time.")
    if at is None and previous is None:
        raise IncidentError(f"{milestone.label} is not set, so there is nothing to clear.")
    if at is not None and at == previous:
        raise IncidentError(f"{milestone.label} is already {at:%Y-%m-%d %H:%M} UTC.")
