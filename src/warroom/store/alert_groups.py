"""Alert groups: found by their sender's key while they take in alerts, or by id."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.store.models import AlertGroup


def taking_in(session: Session, open_key: str) -> AlertGroup | None:
    """The group that takes in alerts sent under this key, locked until the transaction ends
    (on PostgreSQL; SQLite has one writer)."""
    query = select(AlertGroup).where(AlertGroup.open_key == open_key).with_for_update()
    return session.scalar(query)


def get(session: Session, group_id: int, lock: bool = False) -> AlertGroup:
    query = select(AlertGroup).where(AlertGroup.id == group_id)
    return session.scalars(query.with_for_update() if lock else query).one()
