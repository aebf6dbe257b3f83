"""Running an incident: declaring it, its roles, updates, severity, title, mitigation,
resolution, notes and attached messages. Each change is recorded on the timeline and
returned as the event that tells the world of it."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from warroom.app.core import Change, Core
from warroom.domain import events
from warroom.domain.incident import IncidentError, Role, RoleAlreadyHeld, Severity, Status
from warroom.domain.milestones import Milestone, MilestoneError, check
from warroom.domain.postmortem import PostmortemStatus
from warroom.domain.timeline import EntryKind
from warroom.store import incidents, timeline
from warroom.store.models import AffectedService, Incident, RoleAssignment


def declare(core: Core, **declared) -> events.IncidentDeclared:
    """Record a newly declared incident (what `opened` takes) and the first entries of its
    timeline."""
    with core.change() as change:
        return opened(change, **declared)


def opened(
    change: Change,
    *,
    title: str,
    severity: Severity,
    by: str,
    description: str = "",
    is_private: bool = False,
    is_drill: bool = False,
    impact_started_at: datetime | None = None,
    services: Sequence[str] = (),
    reply_to: dict[str, str] | None = None,
    rule: str | None = None,
) -> events.IncidentDeclared:
    """An incident declared as part of `change`; the impact may have started well before
    (`impact_started_at`); `services` are catalog names; `rule` is the alert rule that
    declared it, if no person did."""
    try:
        check({Milestone.IMPACT_STARTED: impact_started_at}, change.at)
    except MilestoneError as error:
        raise IncidentError(str(error)) from None
    incident = Incident(
        title=title,
        description=description,
        severity=severity,
        status=Status.INVESTIGATING,
        is_private=is_private,
        is_drill=is_drill,
        declared_by=by,
        declared_at=change.at,
        impact_started_at=impact_started_at,
        affected=[
            AffectedService(service=name, position=position)
            for position, name in enumerate(dict.fromkeys(services))
        ],
    )
    change.session.add(incident)
    change.session.flush()  # the id is the human number the declarer is told right away
    change.incident = incident
    record(
        change,
        EntryKind.DECLARED,
        by,
        title,
        highlighted=True,
        details={
            name: value
            for name, value in (("description", description), ("services", incident.services))
            if value
        },
    )
    record(
        change,
        EntryKind.SEVERITY,
        by,
        f"Severity set to {severity.label}",
        details={"to": severity.value},
    )
    return change.emit(
        events.IncidentDeclared(incident_id=incident.id, by=by, reply_to=reply_to or {}, rule=rule)
    )


def assign_role(
    core: Core,
    incident_id: int,
    role: Role,
    user_id: str | None,
    *,
    by: str,
    only_if_free: bool = False,
) -> events.RoleAssigned:
    """Give `role` to `user_id` (None releases it), ending the current holder's term.

    With `only_if_free` (an "I'll take it" click) a held role is not taken over. The unique
    index on the current holder settles races: of two simultaneous claims, one wins.
    """
    with core.change(incident_id) as change:
        session = change.session
        current = incidents.current_assignment(session, incident_id, role)
        if current is not None and (only_if_free or current.user_id == user_id):
            raise RoleAlreadyHeld(role, current.user_id)
        if current is None and user_id is None:
            raise IncidentError(
                f"Nobody holds the {role.title} role, so there is nothing to release."
            )
        try:
            with session.begin_nested():
                if current is not None:
                    current.ended_at = change.at
                    session.flush()
                if user_id is not None:
                    session.add(
                        RoleAssignment(
                            incident_id=incident_id,
                            role=role,
                            user_id=user_id,
                            assigned_by=by,
                            started_at=change.at,
                        )
                    )
                    session.flush()
        except IntegrityError:
            winner = incidents.current_assignment(session, incident_id, role)
            raise RoleAlreadyHeld(role, winner.user_id if winner else "someone else") from None
        previous = current.user_id if current is not None else None
        if role is Role.IC and user_id is not None:
            change.incident.acknowledged_at = change.incident.acknowledged_at or change.at
        entry = record(
            change,
            EntryKind.ROLE,
            by,
            f"{role.title}: {user_id or 'released'}",
            details={"role": role.value, "user_id": user_id, "previous_user_id": previous},
        )
        return emitted(
            change,
            events.RoleAssigned,
            entry,
            by,
            role=role,
            user_id=user_id,
            previous_user_id=previous,
        )


def post_update(
    core: Core, incident_id: int, status: Status | None, text: str, *, by: str
) -> events.StatusUpdated:
    with core.change(incident_id) as change:
        incident = still_open(change, "post an update")
        incident.status = status or incident.status
        incident.last_update_at = change.at
        entry = record(
            change,
            EntryKind.STATUS_UPDATE,
            by,
            text,
            highlighted=True,
            details={"status": incident.status},
        )
        return emitted(change, events.StatusUpdated, entry, by, status=incident.status)


def change_severity(
    core: Core, incident_id: int, severity: Severity, reason: str, *, by: str
) -> events.SeverityChanged:
    with core.change(incident_id) as change:
        incident = change.incident
        if incident.severity == severity:
            raise IncidentError(f"{incident.reference} is already {severity.label}.")
        previous, incident.severity = Severity(incident.severity), severity
        text = f"Severity changed from {previous.label} to {severity.label}"
        entry = record(
            change,
            EntryKind.SEVERITY,
            by,
            f"{text}: {reason}" if reason else text,
            highlighted=True,
            details={"from": previous.value, "to": severity.value, "reason": reason},
        )
        return emitted(
            change, events.SeverityChanged, entry, by, severity=severity, previous=previous
        )


def rename(core: Core, incident_id: int, title: str, *, by: str) -> events.IncidentRenamed:
    with core.change(incident_id) as change:
        incident = change.incident
        if incident.title == title:
            raise IncidentError(f"{incident.reference} already has that title.")
        previous, incident.title = incident.title, title
        entry = record(
            change,
            EntryKind.RENAMED,
            by,
            f"Renamed to {title}",
            details={"from": previous, "to": title},
        )
        return emitted(change, events.IncidentRenamed, entry, by)


def mark_mitigated(core: Core, incident_id: int, note: str, *, by: str) -> events.IncidentMitigated:
    with core.change(incident_id) as change:
        incident = still_open(change, "mark it mitigated")
        if incident.mitigated_at is not None:
            raise IncidentError(
                f"{incident.reference} was already marked mitigated at "
                f"{incident.mitigated_at:%H:%M} UTC."
            )
        incident.mitigated_at = change.at
        entry = record(
            change, EntryKind.MITIGATED, by, note or "Impact mitigated", highlighted=True
        )
        return emitted(change, events.IncidentMitigated, entry, by)


def resolve(core: Core, incident_id: int, summary: str, *, by: str) -> events.IncidentResolved:
    """Users are no longer affected; the impact stopped by now at the latest. The
    postmortem is drafted from the record."""
    with core.change(incident_id) as change:
        incident = still_open(change, "resolve it")
        incident.status, incident.resolved_at = Status.RESOLVED, change.at
        incident.mitigated_at = incident.mitigated_at or change.at
        duration = (change.at - incident.declared_at).total_seconds()
        entry = record(
            change,
            EntryKind.RESOLVED,
            by,
            summary or "Resolved",
            highlighted=True,
            details={"summary": summary, "duration_seconds": duration},
        )
        resolved = emitted(change, events.IncidentResolved, entry, by)
        status = PostmortemStatus(incident.postmortem_status).after(PostmortemStatus.DRAFT)
        incident.postmortem_status = status
        change.emit(events.PostmortemChanged(incident_id=incident_id, status=status))
        return resolved


def reopen(core: Core, incident_id: int, *, by: str) -> events.IncidentReopened:
    with core.change(incident_id) as change:
        incident = change.incident
        if incident.is_open:
            raise IncidentError(f"{incident.reference} is not resolved, so it cannot be reopened.")
        incident.status, incident.resolved_at = Status.INVESTIGATING, None
        entry = record(change, EntryKind.REOPENED, by, "Reopened", highlighted=True)
        return emitted(change, events.IncidentReopened, entry, by)


def add_note(core: Core, incident_id: int, text: str, *, by: str) -> events.NoteAdded:
    """A key event someone wrote down (`/incident note`)."""
    with core.change(incident_id) as change:
        entry = record(change, EntryKind.NOTE, by, text, highlighted=True)
        return emitted(change, events.NoteAdded, entry, by)


def attach_message(
    core: Core,
    incident_id: int,
    *,
    text: str,
    author_id: str | None,
    at,
    by: str,
    channel: str,
    ts: str,
) -> events.MessageAttached:
    """A message from another channel, attached by `by` as a key event at its own time."""
    with core.change(incident_id) as change:
        entry = timeline.record(
            change.session,
            incident_id,
            EntryKind.ATTACHED,
            at,
            actor_id=author_id,
            text=text,
            highlighted=True,
            details={"attached_by": by, "channel": channel, "ts": ts},
        )
        change.session.flush()
        return emitted(
            change, events.MessageAttached, entry, by, source_channel=channel, source_ts=ts
        )


def emitted(change: Change, event: type[events.EntryRecorded], entry, by, **fields):
    """The event of a change that `entry` records, emitted."""
    return change.emit(event(incident_id=change.incident.id, entry_id=entry.id, by=by, **fields))


def record(change: Change, kind: EntryKind, by: str, text: str, **options):
    """An entry of the change's incident at the change's moment, with its id assigned."""
    entry = timeline.record(
        change.session, change.incident.id, kind, change.at, actor_id=by, text=text, **options
    )
    change.session.flush()
    return entry


def still_open(change: Change, action: str) -> Incident:
    if not change.incident.is_open:
        raise IncidentError(
            f"{change.incident.reference} is resolved; `/incident reopen` it first to {action}."
        )
    return change.incident
