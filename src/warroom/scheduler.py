"""APScheduler only ticks: every tick asks the database what is due and sends it.

No job per incident lives in memory, so any number of replicas can tick side by side and a
restart forgets nothing.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from apscheduler.schedulers.background import BackgroundScheduler

from warroom import reminders
from warroom.reminders import Nag, NagPolicy
from warroom.store.db import Database

log = logging.getLogger(__name__)


class TickMetrics(Protocol):
    def nag_sent(self, kind: str) -> None: ...
    def tick(self, seconds: float) -> None: ...


class Scheduler:
    def __init__(
        self,
        db: Database,
        now: Callable[[], datetime],
        policy: NagPolicy,
        send: Callable[[Nag], None],
        tick_seconds: int,
        metrics: TickMetrics | None = None,
    ):
        self.db, self.now, self.policy, self.send = db, now, policy, send
        self.tick_seconds, self.metrics = tick_seconds, metrics
        self.last_tick_seconds = 0.0
        self._background: BackgroundScheduler | None = None

    def tick(self) -> int:
        """Send every nag that is due; returns how many were sent."""
        started = time.perf_counter()
        now = self.now()
        with self.db.transaction() as session:
            due = reminders.claim_due(session, now, self.policy)
        sent = 0
        for nag in due:
            try:
                self.send(nag)
                sent += 1
                if self.metrics:
                    self.metrics.nag_sent(nag.kind)
            except Exception:
                log.warning(
                    "sending the %s nag for INC-%s failed; retrying in a minute",
                    nag.kind,
                    nag.incident_id,
                    exc_info=True,
                )

                with self.db.transaction() as session:
                    reminders.retry_soon(session, nag.reminder_id, now)
        self.last_tick_seconds = time.perf_counter() - started
        if self.metrics:
            self.metrics.tick(self.last_tick_seconds)
        return sent

    def start(self) -> None:
        self._background = BackgroundScheduler(timezone="UTC")
        # One tick at a time; ticks missed while busy collapse into one.
        self._background.add_job(
            self._tick_safely,
            "interval",
            seconds=self.tick_seconds,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now().astimezone(),
        )
        self._background.start()

    def _tick_safely(self) -> None:
        try:
            self.tick()
        except Exception:
            log.exception("a scheduler tick failed; the next one tries again")

    def stop(self) -> None:
        if self._background is not None:
            self._background.shutdown(wait=False)
