"""What the Slack adapter needs from the rest of warroom, gathered in one place."""

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from warroom.app import status_page
from warroom.app.core import Core
from warroom.catalog import Catalog
from warroom.config import Settings
from warroom.domain.nags import NagPolicy
from warroom.metrics import Metrics
from warroom.slack.gateway import SlackGateway
from warroom.store.db import Database


@dataclass(frozen=True)
class Services:
    settings: Settings
    core: Core
    slack: SlackGateway
    metrics: Metrics
    catalog: Catalog
    # Set when an event could not be recorded: Slack retries a few times, then gives up,
    # so once the database answers again the channels are read back (see slack/app.py).
    events_lost: threading.Event = field(default_factory=threading.Event)
    # Where a command's answer that needs more Slack calls runs, after its acknowledgement.
    follow_ups: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(thread_name_prefix="follow-up")
    )
    # Where Bolt's lazy listeners run: apart from the follow-ups, so a form still opens
    # within the 3 seconds its trigger_id lives while slow follow-ups wait on Slack.
    lazy_listeners: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(thread_name_prefix="lazy-listener")
    )

    @property
    def db(self) -> Database:
        return self.core.db

    @property
    def now(self) -> Callable[[], datetime]:
        return self.core.now

    @property
    def policy(self) -> NagPolicy:
        return self.core.policy

    def status_components(self) -> list[str]:
        """The status page's components, as they stand in the settings and catalog now."""
        return status_page.components(self.settings.warroom_status_components, self.catalog)

    @contextmanager
    def recording_events(self) -> Iterator[None]:
        try:
            yield
        except DBAPIError:
            self.events_lost.set()
            raise
