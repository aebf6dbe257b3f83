"""Recording and reading an incident's timeline.

Entries that mirror a Slack message are keyed by (channel, ts), so the same message arriving
twice, or being fetched again by a backfill, stays one entry.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from warroom.domain.durations import format_duration
from warroom.domain.incident import Role, Severity, Status
from warroom.domain.markup import plain_text
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


def add_note(session: Session, incident_id: int, text: str, *, by: str, at: datetime):
    """A key event someone wrote down (`/incident note`)."""
    return record(
        session, incident_id, EntryKind.NOTE, at, actor_id=by, text=text, highlighted=True
    )


def attach(
    session: Session,
    incident_id: int,
    *,
    text: str,
    author_id: str | None,
    at: datetime,
    by: str,
    source: dict,
) -> TimelineEntry:
    """A message from another channel, attached by `by` as a key event at its own time.
    `source` says where it came from (channel, ts, and its permalink once known)."""
    return record(
        session,
        incident_id,
        EntryKind.ATTACHED,
        at,
        actor_id=author_id,
        text=text,
        highlighted=True,
        details={"attached_by": by, **source},
    )


def add_details(session: Session, entry_id: int, **details) -> None:
    entry = session.get(TimelineEntry, entry_id)
    entry.details = {**entry.details, **details}


def claim_event(session: Session, event_id: str, at: datetime) -> bool:
    """True the first time an event id is seen; False for every re-delivery."""
    return insert_unless_present(session, ProcessedEvent, event_id=event_id, received_at=at)


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


def record_messages(session: Session, rows: list[dict]) -> None:
    """Record Slack messages (`message_row`s) in one statement; a message already recorded,
    by an earlier delivery or a copy in the same batch, is left as it is."""
    insert_new(session, TimelineEntry, rows, returning=("id",))


def message_entry(session: Session, channel_id: str, ts: str) -> TimelineEntry | None:
    query = select(TimelineEntry).where(
        TimelineEntry.slack_channel_id == channel_id, TimelineEntry.slack_ts == ts
    )
    return session.scalar(query)


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


def entries(session: Session, incident_id: int, *, highlighted_only: bool = False) -> list[Entry]:
    """The incident's entries in the order they happened, deleted ones left out.

    Read-only rows with the entry's columns as attributes: reports read thousands of entries,
    and building ORM objects was most of a 10,000-entry postmortem.
    """
    query = (
        select(*TimelineEntry.__table__.columns)
        .where(TimelineEntry.incident_id == incident_id, TimelineEntry.deleted_at.is_(None))
        .order_by(TimelineEntry.occurred_at, TimelineEntry.slack_ts, TimelineEntry.id)
    )
    if highlighted_only:
        query = query.where(TimelineEntry.highlighted)
    return session.connection().execute(query).all()


Person = Callable[[str | None], str]
Quote = Callable[[str], str]


def describe(entry: Entry, person: Person, quote: Quote) -> str:
    """An entry as a sentence. `person` renders a user id and `quote` renders text people
    wrote, so each front end (Slack, Markdown) can make them safe in its own way."""
    sentence = _SENTENCES.get(entry.kind, _message)
    return sentence(entry, person(entry.actor_id), entry.details, person, quote)


def _role(entry, by, details, person, quote) -> str:
    role = Role(details["role"])
    if details["user_id"] is None:
        return f"{by} released the {role.title} role."
    assigned = "" if details["user_id"] == entry.actor_id else f" (assigned by {by})"
    return f"{person(details['user_id'])} is now {role.title}{assigned}."


def _severity(entry, by, details, person, quote) -> str:
    if "from" not in details:
        return quote(entry.text)  # the severity set when declaring
    reason = f": {quote(details['reason'])}" if details.get("reason") else "."
    return (
        f"{by} changed the severity from {Severity(details['from']).label} to "
        f"{Severity(details['to']).label}{reason}"
    )


def _resolved(entry, by, details, person, quote) -> str:
    duration = format_duration(timedelta(seconds=details["duration_seconds"]))
    summary = f" {quote(details['summary'])}" if details.get("summary") else ""
    return f"{by} resolved the incident after {duration}.{summary}"


def _attached(entry, by, details, person, quote) -> str:
    link = f" {details['permalink']}" if details.get("permalink") else ""
    who = person(details.get("attached_by"))
    return f"{who} attached a message by {by}: {quote(plain_text(entry.text))}{link}"


def _file(entry, by, details, person, quote) -> str:
    files = (f"{file['name']} ({file.get('filetype') or 'file'})" for file in details["files"])
    return f"{by} shared " + ", ".join(quote(name) for name in files)


def _message(entry, by, details, person, quote) -> str:
    return f"{by}: {quote(plain_text(entry.text))}"


_SENTENCES = {
    EntryKind.ROLE: _role,
    EntryKind.SEVERITY: _severity,
    EntryKind.RESOLVED: _resolved,
    EntryKind.ATTACHED: _attached,
    EntryKind.FILE: _file,
    EntryKind.DECLARED: lambda e, by, d, p, q: f"{by} declared the incident: {q(e.text)}",
    EntryKind.RENAMED: lambda e, by, d, p, q: f"{by} renamed the incident to {q(d['to'])}.",
    EntryKind.STATUS_UPDATE: lambda e, by, d, p, q: (
        f"{by} posted an update ({Status(d['status']).label}): {q(e.text)}"
    ),
    EntryKind.MITIGATED: lambda e, by, d, p, q: f"{by} marked the impact mitigated: {q(e.text)}",
    EntryKind.REOPENED: lambda e, by, d, p, q: f"{by} reopened the incident.",
    EntryKind.NOTE: lambda e, by, d, p, q: f"{by} noted: {q(e.text)}",
    EntryKind.JOINED: lambda e, by, d, p, q: f"{by} joined the channel.",
    EntryKind.LEFT: lambda e, by, d, p, q: f"{by} left the channel.",
    EntryKind.SETUP_FAILED: lambda e, by, d, p, q: f"Slack setup failed: {q(e.text)}",
}
