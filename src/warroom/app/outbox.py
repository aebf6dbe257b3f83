"""Where use cases put the events of their changes: a row for every destination that wants
each, in the change's own transaction, so an event exists exactly when its change does."""

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from warroom.domain.events import Event
from warroom.integrations.base import Integration
from warroom.store import outbox


class Outbox:
    def __init__(self):
        self.integrations: dict[str, Integration] = {}
        self._wakers: list[Callable[[], None]] = []

    def connect(self, integration: Integration) -> None:
        """Send events to `integration` from now on (before any change is made)."""
        self.integrations[integration.name] = integration

    def put(self, session: Session, events: Sequence[Event], now: datetime) -> None:
        """Write each event for every destination that wants it."""
        deliveries = [
            (destination, event) for event in events for destination in self.destinations(event)
        ]
        if deliveries:
            outbox.add(session, deliveries, now)

    def put_one(self, session: Session, event: Event, now: datetime) -> int | None:
        """Write an event that only one destination wants (a warning about a delay); its
        delivery's id, or None when no destination wants it."""
        [destination] = self.destinations(event) or [None]
        return outbox.add_one(session, destination, event, now) if destination else None

    def destinations(self, event: Event) -> list[str]:
        return [d for i in self.integrations.values() for d in i.destinations(event)]

    def integration_of(self, destination: str) -> Integration:
        return self.integrations[destination.split(".", 1)[0]]

    def on_put(self, wake: Callable[[], None]) -> None:
        """Call `wake` whenever events were put and committed (a deliverer in this process)."""
        self._wakers.append(wake)

    def committed(self) -> None:
        """Events were put and their transaction committed: wake whoever delivers them."""
        for wake in self._wakers:
            wake()
