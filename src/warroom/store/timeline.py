"""Recording and reading an incident's timeline.

Entries that mirror a Slack message are keyed by (channel, ts), so the same message arriving
twice, or being fetched again by a backfill, stays one entry.
"""

from datetime import datetime

from sqlalchemy import Connection, Row, func, select, update
from sqlalchemy.orm import Session

from warroom.domain.timeline import EntryKind
from warroom.store.db import insert_new, insert_unless_present
from warroom.store.models import ProcessedEvent, TimelineEntry

# An entry as reports read it: a row of the entry's columns (see `entries`), or the entry.
Entry = Row | TimelineEntry


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
    """An entry warroom itself is the source of (declared, severity changed...)."""
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


def add_details(session: Session, entry_id: int, **details) -> None:
    entry = session.get(TimelineEntry, entry_id)
    entry.details = {**entry.details, **details}


def claim_event(session: Session, event_id: str, at: datetime) -> bool:
    """True the first time an event id is seen; False for every re-delivery."""
    return insert_unless_present(session, ProcessedEvent, event_id=event_id, received_at=at)


def text_of(session: Session, entry_id: int) -> str:
    return session.scalar(select(TimelineEntry.text).where(TimelineEntry.id == entry_id))


def message_row(
    incident_id: int,
    *,
    channel_id: str,
    ts: str,
    at: datetime,
    actor_id: str | None,
    text: str,
    kind: EntryKind = EntryKind.MESSAGE,
    details: dict | None = None,
    deleted_at: datetime | None = None,
) -> dict:
    """The entry for one Slack message, as `record_messages` takes it."""
    return {
        "incident_id": incident_id,
        "kind": kind,
        "occurred_at": at,
        "actor_id": actor_id,
        "text": text,
        "highlighted": False,
        "details": details or {},
        "slack_channel_id": channel_id,
        "slack_ts": ts,
        "deleted_at": deleted_at,
    }


def record_messages(executor: Session | Connection, rows: list[dict]) -> None:
    """Record Slack messages (`message_row`s) in one statement; a message already recorded,
    by an earlier delivery or a copy in the same batch, is left as it is."""
    insert_new(executor, TimelineEntry, rows, returning=("id",))


def message_entry(session: Session, channel_id: str, ts: str) -> TimelineEntry | None:
    query = select(TimelineEntry).where(
        TimelineEntry.slack_channel_id == channel_id, TimelineEntry.slack_ts == ts
    )
    return session.scalar(query)


def attached_to(session: Session, channel_id: str, ts: str, at: datetime) -> int | None:
    """The incident a message posted at `at` was attached to, if any."""
    query = select(TimelineEntry).where(
        TimelineEntry.kind == EntryKind.ATTACHED, TimelineEntry.occurred_at == at
    )
    for entry in session.scalars(query):
        if (entry.details.get("channel"), entry.details.get("ts")) == (channel_id, ts):
            return entry.incident_id
    return None


def edit_message(session: Session, channel_id: str, ts: str, text: str, at: datetime) -> bool:
    """Apply an edit, keeping the text as first written; False if the message is unknown."""
    entry = message_entry(session, channel_id, ts)
    if entry is None:
        return False
    if entry.text != text:
        if entry.original_text is None:
            entry.original_text = entry.text
        entry.text, entry.edited_at = text, at
    return True


def delete_message(session: Session, channel_id: str, ts: str, at: datetime) -> bool:
    """Mark a message deleted (kept for the record, left out of reports)."""
    result = session.execute(
        update(TimelineEntry)
        .where(TimelineEntry.slack_channel_id == channel_id, TimelineEntry.slack_ts == ts)
        .where(TimelineEntry.deleted_at.is_(None))
        .values(deleted_at=at)
    )
    return result.rowcount == 1


def set_highlight(session: Session, channel_id: str, ts: str, source: str, on: bool) -> bool:
    """Mark or unmark a message as a key event. A pin and a reaction are separate sources:
    the entry stays highlighted while any source remains."""
    entry = message_entry(session, channel_id, ts)
    if entry is None:
        return False
    sources = set(entry.details.get("highlighted_by", []))
    sources = sources | {source} if on else sources - {source}
    entry.details = {**entry.details, "highlighted_by": sorted(sources)}
    entry.highlighted = bool(sources)
    return True


def last_message_ts(session: Session, channel_id: str) -> str | None:
    """The newest message recorded from a channel, where a backfill picks up."""
    query = select(TimelineEntry.slack_ts).where(TimelineEntry.slack_channel_id == channel_id)
    return session.scalar(query.order_by(TimelineEntry.occurred_at.desc()).limit(1))


def entries(
    session: Session,
    incident_id: int,
    *,
    highlighted_only: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[Entry]:
    """The incident's entries in the order they happened, deleted ones left out (`limit` of
    them from `offset`, for a page).

    Read-only rows with the entry's columns as attributes: reports read thousands of entries,
    and building ORM objects was most of a 10,000-entry postmortem.
    """
    query = (
        select(*TimelineEntry.__table__.columns)
        .where(*_shown(incident_id, highlighted_only))
        .order_by(TimelineEntry.occurred_at, TimelineEntry.slack_ts, TimelineEntry.id)
    )
    return session.connection().execute(query.limit(limit).offset(offset)).all()


def count(session: Session, incident_id: int, *, highlighted_only: bool = False) -> int:
    query = select(func.count()).select_from(TimelineEntry)
    return session.scalar(query.where(*_shown(incident_id, highlighted_only)))


def _shown(incident_id: int, highlighted_only: bool) -> list:
    shown = [TimelineEntry.incident_id == incident_id, TimelineEntry.deleted_at.is_(None)]
    return shown + [TimelineEntry.highlighted] if highlighted_only else shown


def details_of(session: Session, incident_id: int, kind: str) -> list[dict]:
    """The details of the incident's entries of one kind, oldest first."""
    return [details for _, details in kinds_and_details(session, incident_id, [kind])]


def kinds_and_details(
    session: Session, incident_id: int, kinds: list[str]
) -> list[tuple[str, dict]]:
    """The kind and details of the incident's entries of these kinds, oldest first."""
    query = (
        select(TimelineEntry.kind, TimelineEntry.details)
        .where(TimelineEntry.incident_id == incident_id, TimelineEntry.kind.in_(kinds))
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    )
    return [tuple(row) for row in session.execute(query)]
