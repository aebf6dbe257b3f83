"""Incidents in the database: finding them, and recording what exists of them in Slack."""

from datetime import datetime

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session, selectinload

from warroom.domain.incident import IncidentNotFound, Role, Severity, Status, incident_reference
from warroom.domain.timeline import EntryKind
from warroom.store import timeline
from warroom.store.models import ActionItem, Incident, RoleAssignment, TimelineEntry

# What rendering an incident reads, loaded with it so it can be shown after the session ends.
RENDERED = (selectinload(Incident.roles), selectinload(Incident.affected))


def get(session: Session, incident_id: int, *, lock: bool = False) -> Incident:
    """The incident with its roles and services loaded, to render after the session closes.
    With `lock`, its row is held until the transaction ends: changes to one incident then
    happen one after the other (on SQLite every transaction already does)."""
    incident = session.get(Incident, incident_id, options=RENDERED, with_for_update=lock)
    if incident is None:
        raise IncidentNotFound(f"There is no incident {incident_reference(incident_id)}.")
    return incident


def find_by_channel(session: Session, channel_id: str) -> Incident | None:
    query = select(Incident).where(Incident.channel_id == channel_id)
    return session.scalar(query.options(*RENDERED))


def id_for_channel(session: Session, channel_id: str) -> int | None:
    """The incident whose channel this is (one indexed lookup, nothing loaded)."""
    return session.scalar(select(Incident.id).where(Incident.channel_id == channel_id))


def open_incidents(session: Session) -> list[Incident]:
    """Open incidents, most severe first, then newest first."""
    query = (
        select(Incident)
        .where(Incident.status != Status.RESOLVED)
        .options(*RENDERED)
        .order_by(Incident.severity, Incident.declared_at.desc())
    )
    return list(session.scalars(query))


def current_assignment(session: Session, incident_id: int, role: Role) -> RoleAssignment | None:
    query = select(RoleAssignment).where(
        RoleAssignment.incident_id == incident_id,
        RoleAssignment.role == role,
        RoleAssignment.ended_at.is_(None),
    )
    return session.scalar(query)


def terms(session: Session, incident_id: int) -> list[RoleAssignment]:
    """Every role held in the incident, in the order people took them."""
    query = (
        select(RoleAssignment)
        .where(RoleAssignment.incident_id == incident_id)
        .order_by(RoleAssignment.started_at, RoleAssignment.id)
    )
    return list(session.scalars(query))


def people(session: Session, incident_id: int) -> set[str]:
    """Who wrote on the incident's timeline, held one of its roles or owns one of its items."""
    queries = (
        select(TimelineEntry.actor_id).where(TimelineEntry.incident_id == incident_id),
        select(RoleAssignment.user_id).where(RoleAssignment.incident_id == incident_id),
        select(ActionItem.owner_id).where(ActionItem.incident_id == incident_id),
    )
    found = session.scalars(union(*queries))
    return {user_id for user_id in found if user_id}


def link_channel(session: Session, incident_id: int, channel_id: str, name: str) -> None:
    incident = get(session, incident_id)
    incident.channel_id, incident.channel_name = channel_id, name


def link_headline(session: Session, incident_id: int, ts: str) -> None:
    get(session, incident_id).headline_ts = ts


def link_announcement(session: Session, incident_id: int, channel_id: str, ts: str) -> None:
    incident = get(session, incident_id)
    incident.announcement_channel_id, incident.announcement_ts = channel_id, ts


def record_setup_failure(session: Session, incident_id: int, what: str, at: datetime) -> None:
    """Slack refused part of the incident's setup; say so on the row and the timeline."""
    get(session, incident_id).setup_failure = what
    timeline.record(session, incident_id, EntryKind.SETUP_FAILED, at, text=what)


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
