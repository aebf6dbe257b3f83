"""What is due, claimed exactly once, and when each nag falls due next.

Each nag that can still fall due has one row in `reminders`, whose `due_at` is derived from
the state of its incident or action item: `reschedule_*` rewrites it after every change, so
a nag stops the moment its cause is gone. A tick claims the rows whose time has come,
moves each to its next due time and records the send in one transaction (rows locked with
SKIP LOCKED on PostgreSQL, so replicas never claim the same row; SQLite has one writer).
Because the next time counts from the send, a nag that fell due during an outage is sent
once at start, not once per missed tick.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from warroom.domain.incident import Role, Severity, Status
from warroom.store.db import insert_new
from warroom.store.models import ActionItem, Incident, NagSent, Reminder


class NagKind(StrEnum):
    STALE_UPDATE = "stale_update"
    NO_IC = "no_ic"
    POSTMORTEM_OVERDUE = "postmortem_overdue"
    ACTION_OVERDUE = "action_overdue"
    ACTION_DIGEST = "action_digest"


@dataclass(frozen=True)
class NagPolicy:
    update_cadence: dict[Severity, timedelta | None]
    no_ic_after: timedelta
    action_reminder_interval: timedelta
    postmortem_due: dict[Severity, timedelta | None]
    snooze: timedelta
    digest_interval: timedelta = timedelta(days=7)
    postmortem_repeat: timedelta = timedelta(days=1)
    action_reminder_time: time = time(9, 0, tzinfo=UTC)  # on the due date


@dataclass(frozen=True)
class Nag:
    """A claimed nag: what to send, about what, for which due time."""

    reminder_id: int
    kind: NagKind
    incident_id: int
    action_item_id: int | None
    due_at: datetime


class History(NamedTuple):
    """What a nag's row remembers of it."""

    last_sent_at: datetime | None = None
    snoozed_until: datetime | None = None

    @classmethod
    def of(cls, row: Reminder | None) -> "History":
        return cls(row.last_sent_at, row.snoozed_until) if row else cls()


def _later(*moments: datetime | None) -> datetime:
    return max(moment for moment in moments if moment is not None)


def _incident_due(kind: NagKind, incident: Incident, history: History, policy, has_items):
    """When an incident-level nag falls due next, or None when it cannot."""
    last, snoozed = history
    severity = Severity(incident.severity)
    if kind == NagKind.STALE_UPDATE:
        cadence = policy.update_cadence.get(severity)
        if not incident.is_open or cadence is None:
            return None
        return _later(
            _later(incident.last_update_at, incident.declared_at, last) + cadence, snoozed
        )
    if kind == NagKind.NO_IC:
        if not incident.is_open or not severity.requires_ic or incident.holder(Role.IC):
            return None
        return _later(_later(incident.declared_at, last) + policy.no_ic_after, snoozed)
    if kind == NagKind.POSTMORTEM_OVERDUE:
        delay = policy.postmortem_due.get(severity)
        if incident.status != Status.RESOLVED or delay is None:
            return None
        if incident.postmortem_status == "published":
            return None
        repeat = last + policy.postmortem_repeat if last else None
        return _later(incident.resolved_at + delay, repeat, snoozed)
    if kind == NagKind.ACTION_DIGEST:
        if not has_items:
            return None
        return _later((last or incident.declared_at) + policy.digest_interval, snoozed)
    raise ValueError(kind)


INCIDENT_KINDS = (
    NagKind.STALE_UPDATE,
    NagKind.NO_IC,
    NagKind.POSTMORTEM_OVERDUE,
    NagKind.ACTION_DIGEST,
)


def reschedule_incident(session: Session, incident: Incident, policy: NagPolicy) -> None:
    """Bring the incident's nags in line with its state (after any change to it)."""
    subject = f"incident:{incident.id}"
    has_items = (
        session.scalar(
            select(ActionItem.id)
            .where(ActionItem.incident_id == incident.id, ActionItem.status == "open")
            .limit(1)
        )
        is not None
    )
    for kind in INCIDENT_KINDS:
        row = _row(session, kind, subject)
        due = _incident_due(kind, incident, History.of(row), policy, has_items)
        _store(session, row, kind, subject, incident.id, None, due)


def reschedule_action(session: Session, item: ActionItem, policy: NagPolicy) -> None:
    subject = f"action:{item.id}"
    row = _row(session, NagKind.ACTION_OVERDUE, subject)
    due = _action_due(item, History.of(row), policy)
    _store(session, row, NagKind.ACTION_OVERDUE, subject, item.incident_id, item.id, due)


def _action_due(item: ActionItem, history: History, policy: NagPolicy) -> datetime | None:
    """When an action item's overdue nag falls due next, or None when it cannot."""
    if not item.is_open:
        return None
    last, snoozed = history
    on_due_date = datetime.combine(item.due_on, policy.action_reminder_time)
    repeat = last + policy.action_reminder_interval if last else None
    return _later(on_due_date, repeat, snoozed)


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


# Nags about the next minutes snooze briefly; nags about the next days wait a day.
SNOOZED_BRIEFLY = {NagKind.STALE_UPDATE, NagKind.NO_IC}


def snooze(session: Session, reminder_id: int, now: datetime, policy: NagPolicy) -> Reminder | None:
    """Hold a nag; None when it has already stopped."""
    row = session.get(Reminder, reminder_id)
    if row is None:
        return None
    brief = row.kind in SNOOZED_BRIEFLY
    row.snoozed_until = now + (policy.snooze if brief else policy.action_reminder_interval)
    row.due_at = _later(row.due_at, row.snoozed_until)
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
            due = _action_due(items[row.action_item_id], history, policy)
        else:
            due = _incident_due(
                NagKind(row.kind), incidents[row.incident_id], history, policy, True
            )
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


def retry_soon(session: Session, reminder_id: int, now: datetime) -> None:
    """Sending failed: try again in a minute rather than wait for the next period."""
    row = session.get(Reminder, reminder_id)
    if row is not None:
        row.due_at = now + timedelta(minutes=1)
