"""Many incidents, action items and reminders, written with bulk inserts (SQLAlchemy Core
`insert(table)` with lists of dicts): seconds for what the bot would take hours to create.

Reminder rows are a bulk insert equivalent to what `reminders.reschedule_incident` and
`reschedule_action` store (one `stale_update` row per open incident, one `action_overdue` row
per open item), except that `due_at` is chosen rather than derived, so that exactly the
wanted fraction is due (`make_due`). What a tick does with a due row - claim it, record the
send, move it to its next time - is the product's own code.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, literal, select, text, update

from warroom.domain.incident import Role, Severity, Status
from warroom.domain.nags import NagKind
from warroom.domain.timeline import EntryKind
from warroom.store.db import Database
from warroom.store.models import ActionItem, Incident, NagSent, Reminder, TimelineEntry

CHUNK = 5_000  # rows per INSERT statement batch
OWNER = "UBENCHOWNER"
OPEN_SEVERITIES = (Severity.SEV1, Severity.SEV2, Severity.SEV3)  # each has an update cadence


@dataclass(frozen=True)
class Scale:
    incidents: int
    items_per_incident: int

    @property
    def items(self) -> int:
        return self.incidents * self.items_per_incident

    @property
    def reminders(self) -> int:
        return self.incidents + self.items

    def __str__(self) -> str:
        return f"{self.incidents:,} incidents, {self.items:,} items"


def _chunks(rows: Sequence[dict]) -> Iterator[Sequence[dict]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert_all(db: Database, table, rows: Sequence[dict]) -> None:
    for chunk in _chunks(rows):
        with db.transaction() as session:
            session.execute(insert(table), chunk)


def add_incidents(db: Database, count: int, now: datetime) -> list[int]:
    """`count` open incidents declared two hours before `now`; their ids."""
    with db.transaction() as session:
        last_id = session.scalar(select(Incident.id).order_by(Incident.id.desc()).limit(1)) or 0
    declared = now - timedelta(hours=2)
    rows = [
        {
            "title": f"Bench incident {number}",
            "severity": OPEN_SEVERITIES[number % len(OPEN_SEVERITIES)],
            "status": Status.INVESTIGATING,
            "declared_by": OWNER,
            "declared_at": declared,
            "last_update_at": declared,
        }
        for number in range(count)
    ]
    _insert_all(db, Incident.__table__, rows)
    with db.transaction() as session:
        query = select(Incident.id).where(Incident.id > last_id).order_by(Incident.id)
        return list(session.scalars(query))


def populate(db: Database, scale: Scale, now: datetime) -> None:
    """The incidents, their open action items (due in a month), and one reminder row per
    incident and per item, none of them due yet."""
    incident_ids = add_incidents(db, scale.incidents, now)
    due_on = (now + timedelta(days=30)).date()
    items = [
        {
            "incident_id": incident_id,
            "text": f"Follow-up {number} of INC-{incident_id}",
            "owner_id": OWNER,
            "due_on": due_on,
            "status": "open",
            "created_by": OWNER,
            "created_at": now,
        }
        for incident_id in incident_ids
        for number in range(scale.items_per_incident)
    ]
    _insert_all(db, ActionItem.__table__, items)
    not_yet = now + timedelta(days=1)
    reminders = [
        {
            "kind": NagKind.STALE_UPDATE,
            "subject": f"incident:{incident_id}",
            "incident_id": incident_id,
            "action_item_id": None,
            "due_at": not_yet,
        }
        for incident_id in incident_ids
    ]
    with db.transaction() as session:
        item_rows = session.execute(select(ActionItem.id, ActionItem.incident_id)).all()
    reminders += [
        {
            "kind": NagKind.ACTION_OVERDUE,
            "subject": f"action:{item_id}",
            "incident_id": incident_id,
            "action_item_id": item_id,
            "due_at": not_yet,
        }
        for item_id, incident_id in item_rows
    ]
    _insert_all(db, Reminder.__table__, reminders)
    analyze(db)


def analyze(db: Database) -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would gather in production."""
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def make_due(db: Database, fraction: float, now: datetime) -> int:
    """Exactly `fraction` of the reminder rows due at `now` (every 1/fraction-th id), the rest
    not; forget the nags already sent, so each run claims afresh. How many are due."""
    step = round(1 / fraction)
    due_at = literal(now - timedelta(minutes=1), Reminder.due_at.type)
    not_yet = literal(now + timedelta(days=1), Reminder.due_at.type)
    table = Reminder.__table__
    with db.transaction() as session:
        session.execute(delete(NagSent.__table__))
        session.execute(update(table).where(table.c.due_at <= now).values(due_at=not_yet))
        session.execute(
            update(table).where(table.c.id % step == 0).values(due_at=due_at, last_sent_at=None)
        )
        return session.scalar(select(text("count(*)")).where(table.c.due_at <= now))


# --- one long timeline, for the postmortem ---------------------------------------------


def _timeline_row(incident_id: int, number: int, at: datetime, channel_id: str) -> dict:
    """Mostly channel messages (every 50th pinned); an update, a note, a role change or a
    severity change now and then, so every part of the draft has something to show."""
    row = {
        "incident_id": incident_id,
        "occurred_at": at,
        "kind": EntryKind.MESSAGE,
        "actor_id": f"UBENCH{number % 25:02d}",
        "text": f"Message {number}: checked the *dashboards*, <https://example.com|graph> ok",
        "highlighted": number % 50 == 0,
        "details": {},
        "slack_channel_id": channel_id,
        "slack_ts": f"{1_700_000_000 + number}.000100",
    }
    if number % 100 == 1:
        row |= {"kind": EntryKind.STATUS_UPDATE, "details": {"status": Status.IDENTIFIED}}
    elif number % 100 == 2:
        row |= {"kind": EntryKind.NOTE, "highlighted": True}
    elif number % 500 == 3:
        row |= {"kind": EntryKind.ROLE, "details": {"role": Role.IC, "user_id": row["actor_id"]}}
    elif number % 1000 == 4:
        details = {"from": Severity.SEV2, "to": Severity.SEV1, "reason": "more customers"}
        row |= {"kind": EntryKind.SEVERITY, "details": details, "highlighted": True}
    if row["kind"] != EntryKind.MESSAGE:
        row |= {"slack_channel_id": None, "slack_ts": None}
    return row


def add_long_timeline(db: Database, entries: int, now: datetime) -> int:
    """One incident with `entries` timeline entries a second apart; its id."""
    (incident_id,) = add_incidents(db, 1, now - timedelta(hours=entries / 3600))
    start = now - timedelta(seconds=entries)
    rows = [
        _timeline_row(incident_id, number, start + timedelta(seconds=number), "CBENCHLONG")
        for number in range(entries)
    ]
    _insert_all(db, TimelineEntry.__table__, rows)
    return incident_id
