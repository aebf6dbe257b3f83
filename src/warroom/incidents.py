"""The use cases of running an incident. Plain values in, rows out; nothing here knows Slack.

Every change returns the timeline entry that records it: the adapters publish changes to
Slack from that entry, so what people see and what is recorded cannot drift apart.
"""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from warroom import timeline
from warroom.domain.incident import Role, Severity, Status, incident_reference
from warroom.domain.timeline import EntryKind
from warroom.store.models import Incident, RoleAssignment, TimelineEntry


class IncidentError(ValueError):
    """A change that does not apply to the incident as it stands, explained in a sentence."""


class IncidentNotFound(IncidentError, LookupError):
    pass


class RoleAlreadyHeld(IncidentError):
    def __init__(self, role: Role, holder: str):
        self.role, self.holder = role, holder
        super().__init__(f"{role.title} is already held by {holder}.")


def open_incident(
    session: Session,
    *,
    title: str,
    severity: Severity,
    declared_by: str,
    at: datetime,
    description: str = "",
    is_private: bool = False,
) -> Incident:
    """Record a newly declared incident and the first entries of its timeline."""
    incident = Incident(
        title=title,
        description=description,
        severity=severity,
        status=Status.INVESTIGATING,
        is_private=is_private,
        declared_by=declared_by,
        declared_at=at,
    )
    session.add(incident)
    session.flush()  # the id is the human number the declarer is told right away
    details = {"description": description} if description else None
    timeline.record(
        session,
        incident.id,
        EntryKind.DECLARED,
        at,
        actor_id=declared_by,
        text=title,
        highlighted=True,
        details=details,
    )
    timeline.record(
        session,
        incident.id,
        EntryKind.SEVERITY,
        at,
        actor_id=declared_by,
        text=f"Severity set to {severity.label}",
        details={"to": severity.value},
    )
    return incident


def get(session: Session, incident_id: int) -> Incident:
    """The incident with its roles loaded, so it can be rendered after the session closes."""
    incident = session.get(Incident, incident_id, options=[selectinload(Incident.roles)])
    if incident is None:
        raise IncidentNotFound(f"There is no incident {incident_reference(incident_id)}.")
    return incident


def find_by_channel(session: Session, channel_id: str) -> Incident | None:
    query = select(Incident).where(Incident.channel_id == channel_id)
    return session.scalar(query.options(selectinload(Incident.roles)))


def id_for_channel(session: Session, channel_id: str) -> int | None:
    """The incident whose channel this is (one indexed lookup, nothing loaded)."""
    return session.scalar(select(Incident.id).where(Incident.channel_id == channel_id))


def open_incidents(session: Session) -> list[Incident]:
    """Open incidents, most severe first, then newest first."""
    query = (
        select(Incident)
        .where(Incident.status != Status.RESOLVED)
        .options(selectinload(Incident.roles))
        .order_by(Incident.severity, Incident.declared_at.desc())
    )
    return list(session.scalars(query))


def link_channel(session: Session, incident_id: int, channel_id: str, name: str) -> None:
    incident = get(session, incident_id)
    incident.channel_id, incident.channel_name = channel_id, name


def link_headline(session: Session, incident_id: int, ts: str) -> None:
    get(session, incident_id).headline_ts = ts


def link_announcement(session: Session, incident_id: int, channel_id: str, ts: str) -> None:
    incident = get(session, incident_id)
    incident.announcement_channel_id, incident.announcement_ts = channel_id, ts


def record_setup_failure(session: Session, incident_id: int, what: str, at: datetime) -> None:
    """Slack could not finish setting the incident up; say so on the row and the timeline."""
    get(session, incident_id).setup_failure = what
    timeline.record(session, incident_id, EntryKind.SETUP_FAILED, at, text=what)


def assign_role(
    session: Session,
    incident_id: int,
    role: Role,
    user_id: str | None,
    *,
    by: str,
    at: datetime,
    only_if_free: bool = False,
) -> TimelineEntry:
    """Give `role` to `user_id` (None releases it), ending the current holder's term.

    With `only_if_free` (an "I'll take it" click) a held role is not taken over. The unique
    index on the current holder settles races: of two simultaneous claims, one wins.
    """
    incident = get(session, incident_id)
    current = _current_assignment(session, incident_id, role)
    if current is not None and (only_if_free or current.user_id == user_id):
        raise RoleAlreadyHeld(role, current.user_id)
    if current is None and user_id is None:
        raise IncidentError(f"Nobody holds the {role.title} role, so there is nothing to release.")
    try:
        with session.begin_nested():
            if current is not None:
                current.ended_at = at
                session.flush()
            if user_id is not None:
                session.add(
                    RoleAssignment(
                        incident_id=incident.id,
                        role=role,
                        user_id=user_id,
                        assigned_by=by,
                        started_at=at,
                    )
                )
                session.flush()
    except IntegrityError:
        winner = _current_assignment(session, incident_id, role)
        raise RoleAlreadyHeld(role, winner.user_id if winner else "someone else") from None
    session.expire(incident, ["roles"])
    previous = current.user_id if current is not None else None
    return timeline.record(
        session,
        incident.id,
        EntryKind.ROLE,
        at,
        actor_id=by,
        text=f"{role.title}: {user_id or 'released'}",
        details={"role": role.value, "user_id": user_id, "previous_user_id": previous},
    )


def _current_assignment(session: Session, incident_id: int, role: Role) -> RoleAssignment | None:
    query = select(RoleAssignment).where(
        RoleAssignment.incident_id == incident_id,
        RoleAssignment.role == role,
        RoleAssignment.ended_at.is_(None),
    )
    return session.scalar(query)


def post_update(
    session: Session, incident_id: int, status: Status | None, text: str, *, by: str, at: datetime
) -> TimelineEntry:
    incident = _open(session, incident_id, "post an update")
    incident.status = status or incident.status
    incident.last_update_at = at
    return timeline.record(
        session,
        incident.id,
        EntryKind.STATUS_UPDATE,
        at,
        actor_id=by,
        text=text,
        highlighted=True,
        details={"status": incident.status},
    )


def change_severity(
    session: Session, incident_id: int, severity: Severity, reason: str, *, by: str, at: datetime
) -> TimelineEntry:
    incident = get(session, incident_id)
    if incident.severity == severity:
        raise IncidentError(f"{incident.reference} is already {severity.label}.")
    previous, incident.severity = incident.severity, severity
    text = f"Severity changed from {Severity(previous).label} to {severity.label}"
    return timeline.record(
        session,
        incident.id,
        EntryKind.SEVERITY,
        at,
        actor_id=by,
        text=f"{text}: {reason}" if reason else text,
        highlighted=True,
        details={"from": previous, "to": severity.value, "reason": reason},
    )


def rename(
    session: Session, incident_id: int, title: str, *, by: str, at: datetime
) -> TimelineEntry:
    incident = get(session, incident_id)
    if incident.title == title:
        raise IncidentError(f"{incident.reference} already has that title.")
    previous, incident.title = incident.title, title
    return timeline.record(
        session,
        incident.id,
        EntryKind.RENAMED,
        at,
        actor_id=by,
        text=f"Renamed to {title}",
        details={"from": previous, "to": title},
    )


def mark_mitigated(
    session: Session, incident_id: int, note: str, *, by: str, at: datetime
) -> TimelineEntry:
    incident = _open(session, incident_id, "mark it mitigated")
    if incident.mitigated_at is not None:
        raise IncidentError(
            f"{incident.reference} was already marked mitigated at "
            f"{incident.mitigated_at:%H:%M} UTC."
        )
    incident.mitigated_at = at
    return timeline.record(
        session,
        incident.id,
        EntryKind.MITIGATED,
        at,
        actor_id=by,
        text=note or "Impact mitigated",
        highlighted=True,
    )


def resolve(
    session: Session, incident_id: int, summary: str, *, by: str, at: datetime
) -> TimelineEntry:
    """Users are no longer affected. The impact stopped by now at the latest."""
    incident = _open(session, incident_id, "resolve it")
    incident.status, incident.resolved_at = Status.RESOLVED, at
    incident.mitigated_at = incident.mitigated_at or at
    duration = (at - incident.declared_at).total_seconds()
    return timeline.record(
        session,
        incident.id,
        EntryKind.RESOLVED,
        at,
        actor_id=by,
        text=summary or "Resolved",
        highlighted=True,
        details={"summary": summary, "duration_seconds": duration},
    )


def reopen(session: Session, incident_id: int, *, by: str, at: datetime) -> TimelineEntry:
    incident = get(session, incident_id)
    if incident.is_open:
        raise IncidentError(f"{incident.reference} is not resolved, so it cannot be reopened.")
    incident.status, incident.resolved_at = Status.INVESTIGATING, None
    return timeline.record(
        session,
        incident.id,
        EntryKind.REOPENED,
        at,
        actor_id=by,
        text="Reopened",
        highlighted=True,
    )


def _open(session: Session, incident_id: int, action: str) -> Incident:
    incident = get(session, incident_id)
    if not incident.is_open:
        raise IncidentError(
            f"{incident.reference} is resolved; `/incident reopen` it first to {action}."
        )
    return incident


def open_counts(session: Session) -> dict[str, tuple[int, int]]:
    """Open incidents per severity, as (public, private) counts: never their names."""
    counts = {severity.value: [0, 0] for severity in Severity}
    query = (
        select(Incident.severity, Incident.is_private, func.count())
        .where(Incident.status != Status.RESOLVED)
        .group_by(Incident.severity, Incident.is_private)
    )
    for severity, is_private, number in session.execute(query):
        counts[severity][int(is_private)] = number
    return {severity: (public, private) for severity, (public, private) in counts.items()}
