"""The use cases of running an incident. Plain values in, rows out; nothing here knows Slack."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from warroom import timeline
from warroom.domain import EntryKind, Severity
from warroom.models import Incident


class IncidentNotFound(LookupError):
    pass


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
        is_private=is_private,
        declared_by=declared_by,
        declared_at=at,
    )
    session.add(incident)
    session.flush()  # the id is the human number the declarer is told right away
    timeline.record(
        session,
        incident.id,
        EntryKind.DECLARED,
        at,
        actor_id=declared_by,
        text=title,
        highlighted=True,
        details={"description": description} if description else None,
    )
    timeline.record(
        session,
        incident.id,
        EntryKind.SEVERITY,
        at,
        actor_id=declared_by,
        text=f"Severity set to {severity.label}",
        details={"severity": severity.value},
    )
    return incident


def get(session: Session, incident_id: int) -> Incident:
    """The incident with its roles loaded, so it can be rendered after the session closes."""
    incident = session.get(Incident, incident_id, options=[selectinload(Incident.roles)])
    if incident is None:
        raise IncidentNotFound(f"There is no incident INC-{incident_id}.")
    return incident


def find_by_channel(session: Session, channel_id: str) -> Incident | None:
    return session.scalar(select(Incident).where(Incident.channel_id == channel_id))


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
