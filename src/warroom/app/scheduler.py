"""APScheduler only ticks: every tick asks the database which nags are due and puts them in
the outbox, and now and then forgets deliveries long settled. Besides the tick it runs the
periodic jobs it is given (reading tickets back from their trackers), each on its interval.

No job per incident lives in memory, so any number of replicas can tick side by side and a
restart forgets nothing; a periodic job must be harmless to run twice.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.background import BackgroundScheduler

from warroom.app import nags
from warroom.app.core import Core
from warroom.store import outbox

log = logging.getLogger(__name__)

# Settled deliveries are kept this long, to answer "was it sent, and when".
KEEP_DELIVERIES = timedelta(days=7)
PRUNE_EVERY = timedelta(hours=1)


class TickMetrics(Protocol):
    def tick(self, seconds: float) -> None: ...


class Scheduler:
    def __init__(self, core: Core, tick_seconds: int, metrics: TickMetrics | None = None):
        self.core, self.tick_seconds, self.metrics = core, tick_seconds, metrics
        self.last_tick_seconds = 0.0
        self._pruned_at: datetime | None = None
        self._background: BackgroundScheduler | None = None
        self._periodic: list[tuple[timedelta, Callable[[], object]]] = []

    def every(self, interval: timedelta, job: Callable[[], object]) -> None:
        """Run `job` every `interval` once started (before `start`)."""
        self._periodic.append((interval, job))

    def tick(self) -> int:
        """Put every nag that is due in the outbox; returns how many."""
        started = time.perf_counter()
        due = nags.claim_due(self.core)
        self._prune()
        self.last_tick_seconds = time.perf_counter() - started
        if self.metrics:
            self.metrics.tick(self.last_tick_seconds)
        return len(due)

    def _prune(self) -> None:
        now = self.core.now()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        with self.core.db.transaction() as session:
            outbox.prune(session, now - KEEP_DELIVERIES)
        self._pruned_at = now

    def start(self) -> None:
        self._background = BackgroundScheduler(timezone="UTC")
        # One tick at a time; ticks missed while busy collapse into one.
        self._background.add_job(
            _safely(self.tick),
            "interval",
            seconds=self.tick_seconds,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now().astimezone(),
        )
        for interval, job in self._periodic:
            self._background.add_job(
                _safely(job),
                "interval",
                seconds=interval.total_seconds(),
                max_instances=1,
                coalesce=True,
            )
        self._background.start()

    def stop(self) -> None:
        if self._background is not None:
            self._background.shutdown(wait=False)


def _safely(job: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            job()
        except Exception:
            log.exception("%s failed; its next run tries again", getattr(job, "__qualname__", job))

    return run
