"""What every use case works with, and the one way it changes things: `Core.change`."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from warroom.app.outbox import Outbox
from warroom.domain.events import Event
from warroom.domain.nags import NagPolicy
from warroom.store import incidents, reminders
from warroom.store.db import Database
from warroom.store.models import ActionItem, Incident


@dataclass
class Change:
    """One change in the making: its transaction, its moment, and what it leads to."""

    session: Session
    at: datetime
    incident: Incident | None = None
    events: list[Event] = field(default_factory=list)
    items: list[ActionItem] = field(default_factory=list)  # action items it touched

    def emit(self, event: Event) -> Event:
        self.events.append(event)
        return event


@dataclass(frozen=True)
class Core:
    db: Database
    now: Callable[[], datetime]
    policy: NagPolicy
    outbox: Outbox

    @contextmanager
    def change(self, incident_id: int | None = None) -> Iterator[Change]:
        """A transaction in which an incident changes (`incident_id`, locked for the
        duration, or one the body creates and sets on the change). When the body is done,
        in the same transaction, the incident's and the touched items' nags are brought in
        line and the emitted events go to the outbox; once it commits, deliverers wake."""
        with self.db.transaction() as session:
            change = Change(session, self.now())
            if incident_id is not None:
                change.incident = incidents.get(session, incident_id, lock=True)
            yield change
            for item in change.items:
                reminders.reschedule_action(session, item, self.policy)
            if change.incident is not None:
                session.flush()
                session.expire(change.incident, ["roles"])
                reminders.reschedule_incident(session, change.incident, self.policy)
            self.outbox.put(session, change.events, change.at)
        if change.events:
            self.outbox.committed()
