"""Action items: owned, dated follow-ups that outlive their incident."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.domain.action_items import Priority
from warroom.incidents import IncidentError, get
from warroom.store.models import ActionItem

OPEN, DONE, WONT_DO = "open", "done", "wont_do"


def add(
    session: Session,
    incident_id: int,
    *,
    text: str,
    owner_id: str,
    due_on: date,
    priority: Priority | None,
    by: str,
    at: datetime,
    ticket_url: str | None = None,
) -> ActionItem:
    get(session, incident_id)  # the incident must exist
    item = ActionItem(
        incident_id=incident_id,
        text=text,
        owner_id=owner_id,
        due_on=due_on,
        priority=priority,
        ticket_url=ticket_url,
        status=OPEN,
        created_by=by,
        created_at=at,
    )
    session.add(item)
    session.flush()
    return item


def find(session: Session, item_id: int) -> ActionItem:
    item = session.get(ActionItem, item_id)
    if item is None:
        raise IncidentError(f"There is no action item #{item_id}.")
    return item


def close(session: Session, item_id: int, *, at: datetime, reason: str | None = None):
    """Done, or won't do when a reason is given."""
    item = find(session, item_id)
    if not item.is_open:
        raise IncidentError(f"Action item #{item.id} is already closed.")
    item.status, item.closed_at, item.closed_reason = (WONT_DO if reason else DONE), at, reason
    return item


def edit(
    session: Session,
    item_id: int,
    *,
    text: str,
    owner_id: str,
    due_on: date,
    priority: Priority | None,
    ticket_url: str | None,
    status: str,
    reason: str | None,
    at: datetime,
) -> ActionItem:
    """Change everything the form shows. Closing takes the time; reopening clears it."""
    if status == WONT_DO and not reason:
        raise IncidentError("Say why it won't be done, so the decision is on record.")
    item = find(session, item_id)
    if status != item.status:
        item.closed_at = None if status == OPEN else at
    item.text, item.owner_id, item.due_on, item.priority = text, owner_id, due_on, priority
    item.ticket_url, item.status = ticket_url, status
    item.closed_reason = reason if status == WONT_DO else None
    return item


def of_incident(session: Session, incident_id: int) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.incident_id == incident_id)
    return list(session.scalars(query.order_by(ActionItem.id)))


def open_for_owner(session: Session, owner_id: str) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.owner_id == owner_id, ActionItem.status == OPEN)
    return list(session.scalars(query.order_by(ActionItem.due_on, ActionItem.id)))


def overdue_of_incident(session: Session, incident_id: int, today: date) -> list[ActionItem]:
    query = select(ActionItem).where(
        ActionItem.incident_id == incident_id,
        ActionItem.status == OPEN,
        ActionItem.due_on < today,
    )
    return list(session.scalars(query.order_by(ActionItem.due_on, ActionItem.id)))
