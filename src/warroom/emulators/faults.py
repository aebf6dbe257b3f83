"""Failures an emulated service answers on demand: a status (and a Retry-After, if asked)
for the next few calls, or for every call until it recovers."""

import threading
from collections import deque

from starlette.responses import JSONResponse

Failure = tuple[int, int | None]  # the status, and the Retry-After seconds if any


class FaultPlan:
    def __init__(self):
        self._lock = threading.Lock()
        self._next: deque[Failure] = deque()
        self._for_good: Failure | None = None

    def fail(self, status: int, times: int | None = None, retry_after: int | None = None) -> None:
        """Answer `status` to the next `times` calls (None: until `recover`)."""
        with self._lock:
            if times is None:
                self._for_good = (status, retry_after)
            else:
                self._next.extend([(status, retry_after)] * times)

    def recover(self) -> None:
        with self._lock:
            self._next.clear()
            self._for_good = None

    def take(self) -> Failure | None:
        """The failure this call is to answer, if any."""
        with self._lock:
            return self._next.popleft() if self._next else self._for_good

    def answer(self) -> JSONResponse | None:
        """The failure this call is to answer, as a service that says why in `message`."""
        if (failure := self.take()) is None:
            return None
        status, retry_after = failure
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        return JSONResponse({"message": "failed as asked"}, status, headers=headers)
