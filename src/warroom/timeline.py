"""Recording and reading an incident's timeline."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.domain import EntryKind
from warroom.models import TimelineEntry


def record(
    session: Session,
    incident_id: int,
    kind: EntryKind,
    at: datetime,
    *,
    actor_id: str | None = None,
    text: str = "",
    highlighted: bool = False,
    details: dict | None = None,
) -> TimelineEntry:
    entry = TimelineEntry(
        incident_id=incident_id,
        kind=kind,
        occurred_at=at,
        actor_id=actor_id,
        text=text,
        highlighted=highlighted,
        details=details or {},
    )
    session.add(entry)
    return entry


def entries(session: Session, incident_id: int) -> list[TimelineEntry]:
    """The incident's entries in the order they happened."""
    query = (
        select(TimelineEntry)
        .where(TimelineEntry.incident_id == incident_id)
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    )
    return list(session.scalars(query))
