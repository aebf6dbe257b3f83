"""Action items in the database: finding them."""

from datetime import date, datetime

from sqlalchemy import nulls_last, or_, select
from sqlalchemy.orm import Session

from warroom.domain.action_items import ActionStatus
from warroom.domain.incident import IncidentError
from warroom.store.models import ActionItem


def find(session: Session, item_id: int) -> ActionItem:
    item = session.get(ActionItem, item_id)
    if item is None:
        raise IncidentError(f"There is no action item #{item_id}.")
    return item


def with_ticket(session: Session, url: str) -> ActionItem | None:
    return session.scalar(select(ActionItem).where(ActionItem.ticket_url == url).limit(1))


def ticketed_since(session: Session, closed_since: datetime) -> list[ActionItem]:
    """Items with a ticket that are open, or were closed after `closed_since`."""
    query = select(ActionItem).where(
        ActionItem.ticket_url.is_not(None),
        or_(ActionItem.status == ActionStatus.OPEN, ActionItem.closed_at >= closed_since),
    )
    return list(session.scalars(query.order_by(ActionItem.id)))


def of_incident(session: Session, incident_id: int) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.incident_id == incident_id)
    return list(session.scalars(query.order_by(ActionItem.id)))


def open_for_owner(session: Session, owner_id: str) -> list[ActionItem]:
    query = select(ActionItem).where(
        ActionItem.owner_id == owner_id, ActionItem.status == ActionStatus.OPEN
    )
    return list(session.scalars(query.order_by(nulls_last(ActionItem.due_on), ActionItem.id)))


def overdue_of_incident(session: Session, incident_id: int, today: date) -> list[ActionItem]:
    query = select(ActionItem).where(
        ActionItem.incident_id == incident_id,
        ActionItem.status == ActionStatus.OPEN,
        ActionItem.due_on < today,
    )
    return list(session.scalars(query.order_by(nulls_last(ActionItem.due_on), ActionItem.id)))


def has_open(session: Session, incident_id: int) -> bool:
    query = select(ActionItem.id).where(
        ActionItem.incident_id == incident_id, ActionItem.status == ActionStatus.OPEN
    )
    return session.scalar(query.limit(1)) is not None
