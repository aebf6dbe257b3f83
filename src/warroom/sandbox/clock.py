"""The workspace clock: real time by default, movable by tests, and the source of `ts` strings."""

import threading
import time


class WorkspaceClock:
    """Wall-clock time plus an offset tests can move, and Slack's unique message timestamps.

    Slack's `ts` identifies a message within a channel, so two posts in the same microsecond
    must still get different, increasing values: `next_ts` bumps by one microsecond when needed.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0
        self._last_micros = 0

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def set(self, epoch_seconds: float) -> None:
        """Pretend it is `epoch_seconds` now; time keeps flowing from there."""
        with self._lock:
            self._offset = epoch_seconds - time.time()

    def next_ts(self) -> str:
        with self._lock:
            micros = max(int(self.now() * 1_000_000), self._last_micros + 1)
            self._last_micros = micros
        seconds, fraction = divmod(micros, 1_000_000)
        return f"{seconds}.{fraction:06d}"
