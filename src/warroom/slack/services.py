"""What the Slack listeners need from the rest of warroom, gathered in one place."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from warroom import incidents, reminders
from warroom.config import Settings
from warroom.metrics import Metrics
from warroom.reminders import NagPolicy
from warroom.slack.gateway import SlackGateway
from warroom.store.db import Database
from warroom.store.models import ActionItem, TimelineEntry


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    slack: SlackGateway
    now: Callable[[], datetime]
    metrics: Metrics
    policy: NagPolicy = field(init=False)
    # Set when an event could not be recorded: Slack retries a few times, then gives up,
    # so once the database answers again the channels are read back (see slack/app.py).
    events_lost: threading.Event = field(init=False, default_factory=threading.Event)

    def __post_init__(self):
        object.__setattr__(self, "policy", self.settings.nag_policy())

    @contextmanager
    def recording_events(self) -> Iterator[None]:
        try:
            yield
        except DBAPIError:
            self.events_lost.set()
            raise

    def change(
        self, incident_id: int, make: Callable[[Session], TimelineEntry | ActionItem]
    ) -> TimelineEntry | ActionItem:
        """Record a change to an incident and bring its nags in line, in one transaction."""
        with self.db.transaction() as session:
            result = make(session)
            if isinstance(result, ActionItem):
                reminders.reschedule_action(session, result, self.policy)
            reminders.reschedule_incident(session, incidents.get(session, incident_id), self.policy)
        return result
