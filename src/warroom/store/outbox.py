"""The outbox table: domain events written with their change, claimed and settled by the
deliverer.

A destination gets the events of a stream (an incident's, or an alert group's before it is
an incident) in the order of their ids. Only the oldest pending delivery of each (stream,
destination) can be claimed, so a later one waits while an earlier one is leased, failing
or being retried. On PostgreSQL the claim skips rows other replicas hold (`FOR UPDATE SKIP
LOCKED`) and a lease keeps a claimed row from everyone else until it is settled or its
holder is presumed dead; SQLite has one writer.

Ids follow commit order per stream because every change locks its incident's (or its alert
group's) row before writing (see `warroom.app.core`): a later change cannot take a smaller id
than one that committed before it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from warroom.domain.events import EVENT, Event
from warroom.store.models import OutboxDelivery


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # refused for good, or for too long


@dataclass(frozen=True)
class Claimed:
    """A delivery claimed by this caller until `leased_until`."""

    id: int
    stream: str
    incident_id: int | None  # None: the event is no incident's (yet)
    destination: str
    event: Event
    attempt: int  # 1 for the first; each claim counts
    created_at: datetime
    progress: tuple[str, ...]
    result: dict
    warning_id: int | None
    interrupted: bool  # claimed before and never settled: its holder stopped in the middle


def add(session: Session, deliveries: Sequence[tuple[str, Event]], now: datetime) -> None:
    """Write (destination, event) deliveries, due now, in one statement."""
    session.execute(insert(OutboxDelivery), [_row(d, e, now) for d, e in deliveries])


def add_one(session: Session, destination: str, event: Event, now: datetime) -> int:
    """Write one delivery, due now; its id."""
    return session.scalar(
        insert(OutboxDelivery).returning(OutboxDelivery.id), _row(destination, event, now)
    )


def _row(destination: str, event: Event, now: datetime) -> dict:
    return {
        "stream": event.stream,
        "incident_id": event.incident_id,
        "destination": destination,
        "event": event.model_dump(mode="json"),
        "state": DeliveryState.PENDING,
        "attempts": 0,
        "created_at": now,
        "due_at": now,
        "progress": [],
        "result": {},
    }


def _heads():
    """Pending deliveries with none pending before them for their stream and destination."""
    earlier = aliased(OutboxDelivery)
    behind_another = exists().where(
        earlier.stream == OutboxDelivery.stream,
        earlier.destination == OutboxDelivery.destination,
        earlier.id < OutboxDelivery.id,
        earlier.state == DeliveryState.PENDING,
    )
    return and_(OutboxDelivery.state == DeliveryState.PENDING, ~behind_another)


def claim(session: Session, now: datetime, lease: timedelta, limit: int) -> list[Claimed]:
    """The deliveries due now that head their (stream, destination), leased to the caller."""
    query = (
        select(OutboxDelivery)
        .where(_heads(), OutboxDelivery.due_at <= now)
        .where((OutboxDelivery.leased_until.is_(None)) | (OutboxDelivery.leased_until <= now))
        .order_by(OutboxDelivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OutboxDelivery)
    rows = session.scalars(query).all()
    # Every settling clears the lease: one still set ran out on a holder that never settled.
    interrupted = {row.id: row.leased_until is not None for row in rows}
    for row in rows:
        row.attempts += 1
        row.leased_until = now + lease
    return [
        Claimed(
            id=row.id,
            stream=row.stream,
            incident_id=row.incident_id,
            destination=row.destination,
            event=EVENT.validate_python(row.event),
            attempt=row.attempts,
            created_at=row.created_at,
            progress=tuple(row.progress),
            result=dict(row.result),
            warning_id=row.warning_id,
            interrupted=interrupted[row.id],
        )
        for row in rows
    ]


def _held(claimed: Claimed):
    """Only the holder of the latest claim settles a delivery: a holder presumed dead that
    comes back late changes nothing."""
    return and_(OutboxDelivery.id == claimed.id, OutboxDelivery.attempts == claimed.attempt)


def delivered(session: Session, claimed: Claimed, now: datetime, result: dict) -> bool:
    """Settle a delivery as done; False if the claim was lost meanwhile."""
    done = session.execute(
        update(OutboxDelivery)
        .where(_held(claimed))
        .values(state=DeliveryState.DELIVERED, finished_at=now, leased_until=None, result=result)
    )
    return done.rowcount == 1


def retry_later(
    session: Session,
    claimed: Claimed,
    due_at: datetime,
    error: str,
    progress: Sequence[str],
    result: dict,
) -> None:
    """Leave a failed attempt's delivery for a retry at `due_at`, with what it managed."""
    session.execute(
        update(OutboxDelivery)
        .where(_held(claimed))
        .values(
            due_at=due_at,
            leased_until=None,
            last_error=error,
            progress=list(progress),
            result=result,
        )
    )


def failed(session: Session, claimed: Claimed, now: datetime, error: str) -> None:
    """Settle a delivery as given up on: the incident's later events go on without it."""
    session.execute(
        update(OutboxDelivery)
        .where(_held(claimed))
        .values(state=DeliveryState.FAILED, finished_at=now, leased_until=None, last_error=error)
    )


def set_warning(session: Session, delivery_id: int, warning_id: int) -> None:
    session.execute(
        update(OutboxDelivery).where(OutboxDelivery.id == delivery_id).values(warning_id=warning_id)
    )


def get(session: Session, delivery_id: int) -> OutboxDelivery | None:
    return session.get(OutboxDelivery, delivery_id)


def pending(session: Session, incident_id: int | None = None) -> list[OutboxDelivery]:
    """Deliveries not settled yet, oldest first (of one incident, or of all)."""
    query = select(OutboxDelivery).where(OutboxDelivery.state == DeliveryState.PENDING)
    if incident_id is not None:
        query = query.where(OutboxDelivery.incident_id == incident_id)
    return list(session.scalars(query.order_by(OutboxDelivery.id)))


def incidents_pending(session: Session, destination: str) -> set[int]:
    """The incidents with deliveries to `destination` not settled yet."""
    query = select(OutboxDelivery.incident_id).where(
        OutboxDelivery.state == DeliveryState.PENDING,
        OutboxDelivery.destination == destination,
        OutboxDelivery.incident_id.is_not(None),
    )
    return set(session.scalars(query.distinct()))


def pending_counts(session: Session) -> dict[str, int]:
    """Deliveries not settled yet, by destination."""
    query = (
        select(OutboxDelivery.destination, func.count())
        .where(OutboxDelivery.state == DeliveryState.PENDING)
        .group_by(OutboxDelivery.destination)
    )
    return dict(session.execute(query).all())


def next_due(session: Session) -> datetime | None:
    """When the next delivery falls due: the earliest due time of those that head their
    stream and destination (one being delivered right now counts as due)."""
    return session.scalar(select(func.min(OutboxDelivery.due_at)).where(_heads()))


def prune(session: Session, before: datetime) -> int:
    """Forget settled deliveries finished before `before`; how many."""
    gone = session.execute(
        delete(OutboxDelivery).where(
            OutboxDelivery.state != DeliveryState.PENDING, OutboxDelivery.finished_at < before
        )
    )
    return gone.rowcount
