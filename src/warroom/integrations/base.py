"""The seam every destination of domain events implements: Slack first, outgoing webhooks,
and the services to come (paging, status pages, trackers).

An integration says which of its destinations want an event (`destinations`, asked in the
transaction of the change, so it must not call out) and delivers it (`deliver`, on the
deliverer's threads, with retries). A delivery is made of named steps; a step that
succeeded is not done again when a later one fails and the delivery is retried, and a step
that might have happened before an interruption can find out with `Delivery.key`.
"""

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from warroom.domain.events import Event

log = logging.getLogger(__name__)


class Retry(Exception):
    """This attempt failed in a way worth trying again: the destination is down, slow or
    busy. `after` is how long it asked us to wait (Retry-After), in seconds, if it did."""

    def __init__(self, reason: str, after: float | None = None):
        super().__init__(reason)
        self.reason, self.after = reason, after


class Refused(Exception):
    """The destination refused for good: trying again would fail the same way."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


Step = tuple[str, Callable[[], Any]]  # what it does, in words ("post the update"), and how


@dataclass
class Delivery:
    """One attempt at delivering one event to one destination."""

    id: int
    destination: str
    attempt: int
    interrupted: bool  # an earlier attempt never settled (warroom was killed, or its database
    # went away before it could say how the attempt went)
    created_at: datetime
    done: set[str] = field(default_factory=set)  # steps done by this or earlier attempts
    results: dict[str, Any] = field(default_factory=dict)  # what done steps returned
    refused: set[str] = field(default_factory=set)  # steps refused in this attempt
    refusals: list[str] = field(default_factory=list)  # "could not pin the headline (...)"
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def key(self) -> str:
        """Unique to this delivery, the same in every attempt: what a step leaves behind
        (a message's metadata, an idempotency key) so a retry can tell it already happened."""
        return f"warroom-delivery-{self.id}"

    def step(self, what: str, call: Callable[[], Any]) -> Any:
        """Run one step unless an earlier attempt did it; what it returned either way.
        A refusal is noted (the delivery goes on without it; a retry of the delivery, for
        another step's sake, tries it again); Retry propagates."""
        with self._lock:
            if what in self.done:
                return self.results.get(what)
        try:
            result = call()
        except Refused as refusal:
            log.warning("delivery %s: could not %s: %s", self.id, what, refusal.reason)
            with self._lock:
                self.refusals.append(f"could not {what} ({refusal.reason})")
                self.refused.add(what)
            return None
        with self._lock:
            self.done.add(what)
            if result is not None:
                self.results[what] = result
        return result

    def steps(self, steps: Sequence[Step]) -> None:
        """Independent steps at the same time. Each is tried even when another fails; the
        first Retry is raised once all have finished (the longest wait asked for wins)."""
        if not steps:
            return
        if len(steps) == 1:
            self.step(*steps[0])
            return
        with ThreadPoolExecutor(max_workers=len(steps)) as pool:
            running = [pool.submit(self.step, what, call) for what, call in steps]
        retries = [f.exception() for f in running if isinstance(f.exception(), Retry)]
        for future in running:
            if future.exception() is not None and not isinstance(future.exception(), Retry):
                raise future.exception()
        if retries:
            waits = [retry.after for retry in retries if retry.after is not None]
            raise Retry("; ".join(retry.reason for retry in retries), max(waits, default=None))


def in_order(delivery: Delivery, steps: Sequence[Step]) -> Callable[[], None]:
    """Steps that depend on each other, as one: each waits for the one before, and none
    runs after one was refused."""

    def run() -> None:
        for what, call in steps:
            delivery.step(what, call)
            if what in delivery.refused:
                return

    return run


class Integration(ABC):
    """A destination of domain events. `name` prefixes its destinations: "slack" and
    "slack.notices" are Slack's."""

    name: ClassVar[str]
    title: ClassVar[str]  # how a sentence names it: "Slack", "the outgoing webhook"

    @abstractmethod
    def destinations(self, event: Event) -> list[str]:
        """Which of this integration's destinations want `event` (none: an empty list)."""

    @abstractmethod
    def deliver(self, event: Event, delivery: Delivery) -> None:
        """Deliver `event`, in steps. Raise Retry or Refused; anything else is a bug, logged
        and retried like a Retry."""
