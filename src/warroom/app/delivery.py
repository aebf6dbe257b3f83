"""The deliverer: takes events out of the outbox and hands them to their integrations, in
order per stream (an incident's, an alert group's) and destination, with retries.

A delivery that fails in a way worth retrying is tried again later, backing off (or waiting
as long as the destination asked), and only what it had not done yet is done again. While
it waits, the incident's later events for that destination wait behind it. After
`WARN_AFTER` the incident's channel is told in words that something is held up, and told
again when it gets through; after `GIVE_UP_AFTER`, or when the destination refuses for good,
it is given up on, said so, and the events behind it go on. A delivery whose holder died
(the process was killed) is taken over once its lease runs out. Events of no incident (an
alert group's prompt) have no channel to be told in: their delays and failures are logged.
"""

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import DBAPIError

from warroom.app.core import Core
from warroom.domain import events
from warroom.integrations.base import Delivery, Refused, Retry
from warroom.store import outbox
from warroom.store.outbox import Claimed

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=90)  # far longer than any delivery takes, retries included
WARN_AFTER = timedelta(minutes=2)
GIVE_UP_AFTER = timedelta(hours=6)
# Between attempts at most: once Slack is back, what waited is posted within a minute.
LONGEST_WAIT = timedelta(minutes=1)


def backoff(attempt: int) -> timedelta:
    """1 s, 2 s, 4 s ... after each failed attempt, never more than a minute."""
    return min(timedelta(seconds=2 ** (attempt - 1)), LONGEST_WAIT)


class DeliveryMetrics(Protocol):
    def delivery_settled(self, destination: str, outcome: str, seconds: float) -> None: ...


class Deliverer:
    def __init__(
        self,
        core: Core,
        workers: int = 4,
        poll_seconds: float = 0.5,
        metrics: DeliveryMetrics | None = None,
    ):
        """`poll_seconds`: how often to look for work this process was not woken for
        (retries falling due, events other replicas wrote)."""
        self.core, self.workers, self.poll_seconds, self.metrics = (
            core,
            workers,
            poll_seconds,
            metrics,
        )
        self._wake = threading.Event()
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._stopping = threading.Event()
        self._pool: ThreadPoolExecutor | None = None
        self._thread: threading.Thread | None = None
        core.outbox.on_put(self.wake)

    # running in the background

    def start(self) -> "Deliverer":
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="deliver")
        self._thread = threading.Thread(target=self._run, name="deliverer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.wake()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                claimed = self._claim(self.workers - self._busy)
            except DBAPIError as error:  # the database is down: it says so itself
                log.warning("could not look for deliveries (%r); trying again shortly", error)
                claimed = []
            for delivery in claimed:
                with self._busy_lock:
                    self._busy += 1
                self._pool.submit(self._deliver_then_free, delivery)
            if not claimed:
                self._wake.wait(self.poll_seconds)

    def _deliver_then_free(self, claimed: Claimed) -> None:
        try:
            self.deliver(claimed)
        except Exception:
            log.exception("delivery %s could not be settled; its lease will run out", claimed.id)
        finally:
            with self._busy_lock:
                self._busy -= 1
            self.wake()  # the next event of its incident may be waiting for it

    # one delivery

    def _claim(self, limit: int) -> list[Claimed]:
        if limit <= 0:
            return []
        with self.core.db.transaction() as session:
            return outbox.claim(session, self.core.now(), LEASE, limit)

    def deliver_due(self) -> int:
        """Deliver, in this thread, everything due now, until nothing is; how many were
        settled (delivered, retried later or given up on)."""
        settled = 0
        while claimed := self._claim(self.workers):
            for delivery in claimed:
                self.deliver(delivery)
            settled += len(claimed)
        return settled

    def deliver(self, claimed: Claimed) -> None:
        """Hand one claimed delivery to its integration and settle it by how that went."""
        integration = self.core.outbox.integration_of(claimed.destination)
        delivery = Delivery(
            id=claimed.id,
            destination=claimed.destination,
            attempt=claimed.attempt,
            interrupted=claimed.interrupted,
            created_at=claimed.created_at,
            done=set(claimed.progress),
            results=dict(claimed.result),
        )
        try:
            integration.deliver(claimed.event, delivery)
        except Refused as refused:
            self._give_up(claimed, refused.reason)
        except Retry as retry:
            self._retry(claimed, delivery, retry.reason, retry.after)
        except Exception as error:
            log.exception("delivering %s to %s failed", claimed.event.what, claimed.destination)
            self._retry(claimed, delivery, f"warroom failed: {type(error).__name__}", None)
        else:
            self._delivered(claimed, delivery)

    def _delivered(self, claimed: Claimed, delivery: Delivery) -> None:
        now = self.core.now()
        follow_ups: list[events.Event] = []
        if claimed.warning_id is not None:
            follow_ups.append(
                events.DeliveryRecovered(
                    incident_id=claimed.incident_id,
                    warning_id=claimed.warning_id,
                    destination=claimed.destination,
                )
            )
        if delivery.refusals:
            follow_ups += self._failure(claimed, "; ".join(delivery.refusals))
        with self.core.db.transaction() as session:
            if outbox.delivered(session, claimed, now, delivery.results):
                self.core.outbox.put(session, follow_ups, now)
        self._settled(claimed, "refused" if delivery.refusals else "delivered", now)
        if follow_ups:
            self.core.outbox.committed()

    def _retry(self, claimed: Claimed, delivery: Delivery, error: str, after) -> None:
        now = self.core.now()
        if now - claimed.created_at >= GIVE_UP_AFTER:
            self._give_up(claimed, f"still failing after {GIVE_UP_AFTER}: {error}")
            return
        wait = max(backoff(claimed.attempt), timedelta(seconds=after or 0))
        log.warning(
            "delivering %s of %s to %s failed (%s); trying again in %s",
            claimed.event.what,
            claimed.stream,
            claimed.destination,
            error,
            wait,
        )
        warn = (
            claimed.incident_id is not None
            and claimed.warning_id is None
            and now - claimed.created_at >= WARN_AFTER
            and not self._warns_about_itself(claimed)
        )
        with self.core.db.transaction() as session:
            outbox.retry_later(
                session, claimed, now + wait, error, sorted(delivery.done), delivery.results
            )
            if warn:
                delayed = events.DeliveryDelayed(
                    incident_id=claimed.incident_id,
                    delivery_id=claimed.id,
                    destination=claimed.destination,
                    delayed=claimed.event.what,
                    error=error,
                    since=claimed.created_at,
                    item_id=getattr(claimed.event, "item_id", None),
                )
                warning_id = self.core.outbox.put_one(session, delayed, now)
                if warning_id is not None:
                    outbox.set_warning(session, claimed.id, warning_id)
        self._settled(claimed, "retry", now)
        if warn:
            self.core.outbox.committed()

    def _give_up(self, claimed: Claimed, error: str) -> None:
        now = self.core.now()
        log.warning(
            "gave up delivering %s of %s to %s: %s",
            claimed.event.what,
            claimed.stream,
            claimed.destination,
            error,
        )
        failure = self._failure(claimed, error)
        with self.core.db.transaction() as session:
            outbox.failed(session, claimed, now, error)
            self.core.outbox.put(session, failure, now)
        self._settled(claimed, "failed", now)
        if failure:
            self.core.outbox.committed()

    def _warns_about_itself(self, claimed: Claimed) -> bool:
        """A warning about a destination, held up by that same destination: warning about
        it in turn would never end. (Slack held up posting a warning about a webhook is
        warned about like anything else Slack holds up.)"""
        if not isinstance(claimed.event, events.DELIVERY_EVENTS):
            return False
        about = self.core.outbox.integration_of(claimed.event.destination)
        return about is self.core.outbox.integration_of(claimed.destination)

    def _failure(self, claimed: Claimed, error: str) -> Sequence[events.Event]:
        if claimed.incident_id is None or self._warns_about_itself(claimed):
            return []  # no channel to warn in, or warning about it would never end
        return [
            events.DeliveryFailed(
                incident_id=claimed.incident_id,
                delivery_id=claimed.id,
                destination=claimed.destination,
                failed=claimed.event.what,
                error=error,
                item_id=getattr(claimed.event, "item_id", None),
            )
        ]

    def _settled(self, claimed: Claimed, outcome: str, now: datetime) -> None:
        if self.metrics:
            seconds = (now - claimed.created_at).total_seconds()
            self.metrics.delivery_settled(claimed.destination, outcome, seconds)
