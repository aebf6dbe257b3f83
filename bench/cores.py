"""warroom's use cases for benchmarks that need no Slack: an outbox whose events are written
as in production and never delivered."""

from collections.abc import Callable
from datetime import datetime

from warroom.app.core import Core
from warroom.app.outbox import Outbox
from warroom.domain.events import Event
from warroom.domain.nags import NagPolicy
from warroom.integrations.base import Delivery, Integration
from warroom.store.db import Database


class Undelivered(Integration):
    """Wants every event and is never asked for one: no deliverer runs."""

    name = "bench"
    title = "the bench"

    def destinations(self, event: Event) -> list[str]:
        return [self.name]

    def deliver(self, event: Event, delivery: Delivery) -> None:
        raise NotImplementedError("benchmarks measure what is written, not delivered")


def bench_core(db: Database, now: Callable[[], datetime], policy: NagPolicy) -> Core:
    outbox = Outbox()
    outbox.connect(Undelivered())
    return Core(db=db, now=now, policy=policy, outbox=outbox)
