"""What GitHub Issues and Jira share as trackers of action items: which of them an item's
ticket opens in, what the ticket says, and the one delivery both make of an item's events.

A new item opens a ticket in the tracker and project of its incident's first catalog service
(`warroom/tracker`, with `jira/project-key` or `github.com/project-slug`), else in the
settings' tracker and default project; the ticket's link becomes the item's ticket. A change
to the item (text, owner, due date, done, reopened) is made to its ticket too. Neither
tracker takes an idempotency key: each ticket carries its item's marker, and a retry looks
for it before opening another.

Webhooks can be lost (warroom down, a misconfigured hook), so `reconcile` reads back the
tickets of open items and of those closed lately, and moves each item its ticket disagrees
with, as the webhook would have. Items whose own changes are still on their way to the
tracker are left alone: their ticket is about to agree.
"""

import logging
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from warroom.app import action_items
from warroom.app.core import Core
from warroom.catalog import Catalog, Service
from warroom.domain import events
from warroom.integrations.base import Delivery, Integration, Refused, Retry
from warroom.store import action_items as stored_items
from warroom.store import incidents, outbox
from warroom.store.models import ActionItem, Incident

log = logging.getLogger(__name__)

# A ticket reopened this long after its item was closed is still noticed.
RECENTLY_CLOSED = timedelta(days=30)


@dataclass(frozen=True)
class Owner:
    """An item's owner as a tracker can be told of them."""

    name: str  # "@priya", as Slack shows them
    email: str | None  # None: Slack shows none


@dataclass(frozen=True)
class Ticket:
    """What warroom reads back of a ticket."""

    title: str
    closed: bool
    due_on: date | None = None


def marker(item_id: int) -> str:
    """What a ticket says so that a retry can tell it was opened for this item."""
    return f"warroom-action-item-{item_id}"


def description(item: ActionItem, incident: Incident, owner: Owner) -> list[str]:
    """The ticket's paragraphs: where the item comes from and who owns it by when."""
    return [
        f"An action item from {incident.reference} ({incident.severity.upper()}).",
        f"Owner: {owner.name}, due {item.due_on or 'TBD'}.",
        "Closing this issue marks the action item done in warroom; reopening it reopens the item.",
    ]


class Tracker(Integration):
    def __init__(
        self,
        core: Core,
        catalog: Catalog,
        *,
        default_project: str | None,
        default_tracker: str,
        owner_of: Callable[[str], Owner],
    ):
        self.core, self.catalog, self.owner_of = core, catalog, owner_of
        self.default_project, self.default_tracker = default_project, default_tracker

    @abstractmethod
    def project_of(self, service: Service) -> str | None:
        """The service's own project (repository) in this tracker, if it names one."""

    @abstractmethod
    def owns(self, url: str) -> bool:
        """Whether `url` is a ticket of this tracker."""

    @abstractmethod
    def open(self, item: ActionItem, incident: Incident, project: str, retry: bool) -> str:
        """Open the item's ticket (or find the one an earlier attempt opened, when `retry`);
        its link."""

    @abstractmethod
    def update(self, item: ActionItem, incident: Incident, url: str) -> None:
        """Make the ticket say what the item says: title, owner, due date, open or closed."""

    @abstractmethod
    def ticket(self, url: str) -> Ticket:
        """Read the ticket back (Retry or Refused as a delivery would)."""

    def destinations(self, event: events.Event) -> list[str]:
        wanted = (events.ActionItemAdded, events.ActionItemChanged)
        return [self.name] if isinstance(event, wanted) else []

    def deliver(self, event: events.Event, delivery: Delivery) -> None:
        with self.core.db.transaction() as session:
            item = stored_items.find(session, event.item_id)
            incident = incidents.get(session, item.incident_id)
            session.expunge_all()
        if isinstance(event, events.ActionItemAdded) and not item.ticket_url:
            if (project := self.project_for(incident)) is not None:
                delivery.step(
                    "open the ticket", lambda: self._open(item, incident, project, delivery)
                )
        elif isinstance(event, events.ActionItemChanged) and self.owns(item.ticket_url or ""):
            delivery.step("update the ticket", lambda: self.update(item, incident, item.ticket_url))

    def project_for(self, incident: Incident) -> str | None:
        """Where the incident's items open tickets in this tracker; None: not in this one
        (nor anywhere, for a drill's)."""
        if incident.is_drill:
            return None
        found, _ = self.catalog.find(incident.services)
        first = found[0] if found else None
        if ((first.tracker if first else None) or self.default_tracker) != self.name:
            return None
        return (self.project_of(first) if first else None) or self.default_project

    def reconcile(self) -> int:
        """Bring items in line with their tickets; how many moved."""
        now = self.core.now()
        with self.core.db.transaction() as session:
            items = stored_items.ticketed_since(session, now - RECENTLY_CLOSED)
            busy = outbox.incidents_pending(session, self.name)
            checked = [
                (item.ticket_url, item.is_open)
                for item in items
                if self.owns(item.ticket_url) and item.incident_id not in busy
            ]
        moved = 0
        for url, is_open in checked:
            try:
                closed = self.ticket(url).closed
            except (Retry, Refused) as error:
                log.warning("could not read back %s (%s); the next reconcile tries", url, error)
                continue
            if closed == is_open:
                by = f"{self.name}:reconcile"
                moved += action_items.ticket_moved(self.core, url, closed, by) is not None
        return moved

    def _open(self, item: ActionItem, incident: Incident, project: str, delivery: Delivery) -> str:
        url = self.open(item, incident, project, retry=delivery.attempt > 1)
        action_items.ticketed(self.core, item.id, url)
        return url
