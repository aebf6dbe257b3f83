"""What is due, claimed exactly once, and when each nag falls due next.

Each nag that can still fall due has one row in `reminders`, whose `due_at` is derived from
the state of its incident or action item (the rules are in `warroom.domain.nags`):
`reschedule_*` rewrites it after every change, so a nag stops the moment its cause is gone.
A tick claims the rows whose time has come, moves each to its next due time and records the
send in one transaction (rows locked with SKIP LOCKED on PostgreSQL, so replicas never claim
the same row; SQLite has one writer). Because the next time counts from the send, a nag that
fell due during an outage is sent once at start, not once per missed tick.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from warroom.domain.nags import (
    INCIDENT_KINDS,
    History,
    NagKind,
    NagPolicy,
    action_due,
    incident_due,
)
from warroom.store import action_items
from warroom.store.db import insert_new
from warroom.store.models import ActionItem, Incident, NagSent, Reminder


@dataclass(frozen=True)
class Nag:
    """A claimed nag: what to send, about what, for which due time."""

    reminder_id: int
    kind: NagKind
    incident_id: int
    action_item_id: int | None
    due_at: datetime


def _history(row: Reminder | None) -> History:
    return History(row.last_sent_at, row.snoozed_until) if row else History()


def reschedule_incident(session: Session, incident: Incident, policy: NagPolicy) -> None:
    """Bring the incident's nags in line with its state (after any change to it)."""
    subject = f"incident:{incident.id}"
    has_items = action_items.has_open(session, incident.id)
    for kind in INCIDENT_KINDS:
        row = _row(session, kind, subject)
        due = incident_due(kind, incident, _history(row), policy, has_items)
        _store(session, row, kind, subject, incident.id, None, due)


def reschedule_action(session: Session, item: ActionItem, policy: NagPolicy) -> None:
    subject = f"action:{item.id}"
    row = _row(session, NagKind.ACTION_OVERDUE, subject)
    due = action_due(item, _history(row), policy)
    _store(session, row, NagKind.ACTION_OVERDUE, subject, item.incident_id, item.id, due)


def still_due(session: Session, nag: Nag, policy: NagPolicy) -> bool:
    """Whether a nag claimed earlier is still warranted now: its cause may have gone (an IC
    took over, an update was posted) while it waited to be sent."""
    row = session.get(Reminder, nag.reminder_id)
    history = History(None, row.snoozed_until if row else None)
    if nag.action_item_id is not None:
        due = action_due(session.get(ActionItem, nag.action_item_id), history, policy)
    else:
        incident = session.get(Incident, nag.incident_id, options=[selectinload(Incident.roles)])
        has_items = action_items.has_open(session, incident.id)
        due = incident_due(nag.kind, incident, history, policy, has_items)
    return due is not None and due <= nag.due_at


def _row(session: Session, kind: NagKind, subject: str) -> Reminder | None:
    return session.scalar(
        select(Reminder).where(Reminder.kind == kind, Reminder.subject == subject)
    )


def _store(session, row, kind, subject, incident_id, action_item_id, due) -> None:
    if due is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(
            Reminder(
                kind=kind,
                subject=subject,
                incident_id=incident_id,
                action_item_id=action_item_id,
                due_at=due,
            )
        )
    else:
        row.due_at = due


def snooze(session: Session, reminder_id: int, now: datetime, policy: NagPolicy) -> Reminder | None:
    """Hold a nag; None when it has already stopped."""
    row = session.get(Reminder, reminder_id)
    if row is None:
        return None
    row.snoozed_until = now + policy.snooze_for(NagKind(row.kind))
    row.due_at = max(row.due_at, row.snoozed_until)
    return row


def claim_due(session: Session, now: datetime, policy: NagPolicy, limit: int = 500) -> list[Nag]:
    """The nags due at `now`, each claimed by this caller alone and moved to its next time.

    A handful of statements whatever is due: the rows, their incidents and items, one
    multi-row insert of the sends, and the rows' updates in one batch.
    """
    query = select(Reminder).where(Reminder.due_at <= now).order_by(Reminder.due_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = session.scalars(query).all()
    if not rows:
        return []
    first_time = _record_sends(session, rows, now)
    claimed = [
        Nag(row.id, NagKind(row.kind), row.incident_id, row.action_item_id, row.due_at)
        for row in rows
        if (row.kind, row.subject, row.due_at) in first_time
    ]
    _advance(session, rows, now, policy)
    return claimed


def _record_sends(session: Session, rows: Sequence[Reminder], now: datetime) -> set[tuple]:
    """Record one send per row and due time; the (kind, subject, due_at) recorded just now,
    without those another replica or an earlier tick already recorded."""
    sends = [
        {"kind": row.kind, "subject": row.subject, "due_at": row.due_at, "sent_at": now}
        for row in rows
    ]
    recorded = insert_new(session, NagSent, sends, returning=("kind", "subject", "due_at"))
    return {tuple(sent) for sent in recorded}


def _advance(session: Session, rows: Sequence[Reminder], now: datetime, policy) -> None:
    """Move each sent row to its next due time, or drop it when its nag can no longer fall due.

    One bulk UPDATE and one DELETE rather than the unit of work's per-object bookkeeping,
    which was half of a tick.
    """
    items = _by_id(session, ActionItem, {row.action_item_id for row in rows} - {None})
    incident_ids = {row.incident_id for row in rows if row.action_item_id is None}
    incidents = _by_id(session, Incident, incident_ids, selectinload(Incident.roles))
    moved, stopped = [], []
    for row in rows:
        history = History(now, row.snoozed_until)
        if row.action_item_id is not None:
            due = action_due(items[row.action_item_id], history, policy)
        else:
            due = incident_due(NagKind(row.kind), incidents[row.incident_id], history, policy, True)
        if due is None:
            stopped.append(row.id)
        else:
            moved.append({"id": row.id, "due_at": due, "last_sent_at": now})
    if moved:
        session.execute(update(Reminder), moved)
    if stopped:
        session.execute(delete(Reminder).where(Reminder.id.in_(stopped)))


def _by_id(session: Session, model, ids: set[int], *options) -> dict:
    if not ids:
        return {}
    query = select(model).where(model.id.in_(ids)).options(*options)
    return {found.id: found for found in session.scalars(query)}
