"""What the emulators of other services share: served over real HTTP from a background
thread, every call recorded with the status it was answered, failures on demand
(`fail`, `recover`), and before any handler the refusal its service would make
(`_refused`: a wrong token, an unknown page)."""

import threading
from collections.abc import Awaitable, Callable, Iterable
from typing import Self

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from warroom.emulators.faults import FaultPlan
from warroom.web.background import BackgroundServer

Handler = Callable[[Request], Awaitable[Response]]


class ServedEmulator:
    def __init__(self, routes: Iterable[tuple[str, Handler, str]]):
        """`routes`: (path, handler, method) each."""
        self._lock = threading.Lock()
        self.calls: list[tuple[str, str, int]] = []  # method, path, status answered
        self._faults = FaultPlan()
        served = [Route(path, self._endpoint(h), methods=[method]) for path, h, method in routes]
        self._server = BackgroundServer(Starlette(routes=served))

    def __enter__(self) -> Self:
        self._server.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.stop()

    def fail(self, status: int, times: int | None = None, retry_after: int | None = None) -> None:
        """Answer `status` to the next `times` calls (None: until `recover`)."""
        self._faults.fail(status, times, retry_after)

    def recover(self) -> None:
        self._faults.recover()

    def _refused(self, request: Request) -> Response | None:
        """The service's refusal of this call, if it refuses it."""
        return None

    def _answered(self, request: Request, response: Response) -> Response:
        """What the caller gets of `response` (under the lock): it, unless a test asked
        otherwise."""
        return response

    def _endpoint(self, handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            response = self._faults.answer() or self._refused(request) or await handler(request)
            with self._lock:
                response = self._answered(request, response)
                self.calls.append((request.method, request.url.path, response.status_code))
            return response

        return endpoint
