"""Status page updates: what was published, read back for the page and for the next form."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.store.models import Incident, StatusUpdate

# A private incident's updates, or a drill's, are never read out.
PUBLIC = Incident.is_private.is_(False) & Incident.is_drill.is_(False)


def add(session: Session, **update) -> StatusUpdate:
    row = StatusUpdate(**update)
    session.add(row)
    session.flush()
    return row


def last_of(session: Session, incident_id: int) -> StatusUpdate | None:
    query = select(StatusUpdate).where(StatusUpdate.incident_id == incident_id)
    return session.scalar(query.order_by(StatusUpdate.id.desc()).limit(1))


def latest_of_each(session: Session) -> list[StatusUpdate]:
    """The latest update of every public incident that has one."""
    newest = select(func.max(StatusUpdate.id)).group_by(StatusUpdate.incident_id)
    query = select(StatusUpdate).join(Incident).where(PUBLIC, StatusUpdate.id.in_(newest))
    return list(session.scalars(query))


def of_incidents(session: Session, incident_ids: list[int]) -> list[StatusUpdate]:
    """Every update of these incidents, newest first."""
    query = select(StatusUpdate).where(StatusUpdate.incident_id.in_(incident_ids))
    return list(
        session.scalars(query.order_by(StatusUpdate.published_at.desc(), StatusUpdate.id.desc()))
    )


def newest(session: Session, limit: int) -> list[StatusUpdate]:
    """The last `limit` public updates, newest first."""
    query = select(StatusUpdate).join(Incident).where(PUBLIC)
    return list(
        session.scalars(
            query.order_by(StatusUpdate.published_at.desc(), StatusUpdate.id.desc()).limit(limit)
        )
    )
