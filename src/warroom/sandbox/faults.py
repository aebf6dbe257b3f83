"""Faults on demand: rate limits, server errors, refusals and slow answers for chosen Web
API calls.

A rule fires for the next `times` matching calls, or for a seeded-random `fraction` of them
(unlimited unless `times` is also given). 429, 500 and refusals fail before the method runs,
so a faulted call never changes the workspace; a delay only slows the call down.
"""

import random
import threading
from dataclasses import dataclass


@dataclass
class Fault:
    kind: str  # "rate_limit", "server_error", "refusal" or "delay"
    method: str | None  # None: every method
    remaining: int | None
    fraction: float | None
    retry_after: int = 1
    seconds: float = 0.0
    error: str = ""  # a refusal's error code

    @property
    def fails(self) -> bool:
        """Whether the call fails (429/500) rather than merely being slow."""
        return self.kind != "delay"


class Faults:
    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []
        self._random = random.Random(seed)

    def fail(
        self,
        method: str | None = None,
        *,
        status: int = 500,
        times: int | None = None,
        fraction: float | None = None,
        retry_after: int = 1,
    ) -> None:
        """Answer HTTP `status`: 429 (`ratelimited`, with `Retry-After: retry_after`) or 500."""
        if status not in (429, 500):
            raise ValueError("the sandbox fails calls with 429 or 500")
        kind = "rate_limit" if status == 429 else "server_error"
        self._add(Fault(kind, method, *self._budget(times, fraction), retry_after=retry_after))

    def refuse(
        self,
        method: str | None = None,
        error: str = "restricted_action",
        *,
        times: int | None = None,
        fraction: float | None = None,
    ) -> None:
        """Answer 200 `{"ok": false, "error": error}`, as Slack refuses what it will not do."""
        self._add(Fault("refusal", method, *self._budget(times, fraction), error=error))

    def slow(
        self,
        seconds: float,
        method: str | None = None,
        *,
        times: int | None = None,
        fraction: float | None = None,
    ) -> None:
        """Delay the answer by `seconds`; the call then runs normally."""
        self._add(Fault("delay", method, *self._budget(times, fraction), seconds=seconds))

    def seed(self, seed: int) -> None:
        with self._lock:
            self._random.seed(seed)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @staticmethod
    def _budget(times: int | None, fraction: float | None) -> tuple[int | None, float | None]:
        """Neither given means exactly one call."""
        if times is None and fraction is None:
            return 1, None
        return times, fraction

    def _add(self, fault: Fault) -> None:
        with self._lock:
            self._rules.append(fault)

    def take(self, method: str) -> list[Fault]:
        """The faults this call suffers (at most one delay and one failure), used up."""
        fired: list[Fault] = []
        with self._lock:
            for rule in list(self._rules):
                if rule.method not in (None, method):
                    continue
                if any(f.fails == rule.fails for f in fired):
                    continue
                if rule.fraction is not None and self._random.random() >= rule.fraction:
                    continue
                fired.append(rule)
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
        return fired
