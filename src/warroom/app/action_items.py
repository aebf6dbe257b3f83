"""Action items: owned, dated follow-ups that outlive their incident."""

from datetime import date

from warroom.app.core import Core
from warroom.domain import events
from warroom.domain.action_items import ActionKind, ActionStatus, Priority
from warroom.domain.incident import IncidentError
from warroom.store import action_items
from warroom.store.models import ActionItem


def add(
    core: Core,
    incident_id: int,
    *,
    text: str,
    owner_id: str,
    due_on: date | None,
    priority: Priority | None,
    by: str,
    kind: ActionKind | None = None,
    ticket_url: str | None = None,
) -> events.ActionItemAdded:
    """A new item; no due date means "TBD", which the postmortem's linter points out."""
    with core.change(incident_id) as change:
        item = ActionItem(
            incident_id=incident_id,
            text=text,
            owner_id=owner_id,
            due_on=due_on,
            priority=priority,
            kind=kind,
            ticket_url=ticket_url,
            status=ActionStatus.OPEN,
            created_by=by,
            created_at=change.at,
        )
        change.session.add(item)
        change.session.flush()
        change.items.append(item)
        return change.emit(events.ActionItemAdded(incident_id=incident_id, item_id=item.id, by=by))


def close(core: Core, item_id: int, *, by: str, reason: str | None = None):
    """Done, or won't do when a reason is given."""
    with core.change(_incident_of(core, item_id)) as change:
        item = action_items.find(change.session, item_id)
        if not item.is_open:
            raise IncidentError(f"Action item #{item.id} is already closed.")
        item.status = ActionStatus.WONT_DO if reason else ActionStatus.DONE
        item.closed_at, item.closed_reason = change.at, reason
        change.items.append(item)
        return change.emit(
            events.ActionItemChanged(incident_id=item.incident_id, item_id=item.id, by=by)
        )


def edit(
    core: Core,
    item_id: int,
    *,
    text: str,
    owner_id: str,
    due_on: date | None,
    priority: Priority | None,
    kind: ActionKind | None,
    ticket_url: str | None,
    status: ActionStatus,
    reason: str | None,
    by: str,
) -> events.ActionItemChanged:
    """Change everything the form shows. Closing takes the time; reopening clears it."""
    if status == ActionStatus.WONT_DO and not reason:
        raise IncidentError("Say why it won't be done, so the decision is on record.")
    with core.change(_incident_of(core, item_id)) as change:
        item = action_items.find(change.session, item_id)
        if status != item.status:
            item.closed_at = None if status == ActionStatus.OPEN else change.at
        item.text, item.owner_id, item.due_on, item.priority = text, owner_id, due_on, priority
        item.kind = kind
        item.ticket_url, item.status = ticket_url, status
        item.closed_reason = reason if status == ActionStatus.WONT_DO else None
        change.items.append(item)
        return change.emit(
            events.ActionItemChanged(incident_id=item.incident_id, item_id=item.id, by=by)
        )


def ticketed(core: Core, item_id: int, url: str) -> None:
    """The item's ticket was opened in its tracker, at `url`. Not an event: the tracker
    that opened it needs no word of it, and Slack shows the link wherever the item is."""
    with core.db.transaction() as session:
        action_items.find(session, item_id).ticket_url = url


def ticket_moved(core: Core, url: str, closed: bool, by: str) -> events.ActionItemChanged | None:
    """Someone closed or reopened the ticket at `url` in its tracker: so is its item.
    None when no item has that ticket, or the item already agrees."""
    with core.db.transaction() as session:
        item = action_items.with_ticket(session, url)
        if item is None:
            return None
        item_id, incident_id = item.id, item.incident_id
    with core.change(incident_id) as change:
        item = action_items.find(change.session, item_id)
        if item.is_open != closed:
            return None
        item.status = ActionStatus.DONE if closed else ActionStatus.OPEN
        item.closed_at = change.at if closed else None
        item.closed_reason = None
        change.items.append(item)
        return change.emit(
            events.ActionItemChanged(incident_id=incident_id, item_id=item_id, by=by)
        )


def _incident_of(core: Core, item_id: int) -> int:
    with core.db.transaction() as session:
        return action_items.find(session, item_id).incident_id
