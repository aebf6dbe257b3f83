"""A team's webhook endpoint, as the tests and the demo need one: it checks every delivery
with the Standard Webhooks reference verifier (the `standardwebhooks` package), keeps each
`webhook-id` once as a careful receiver does, and fails on demand (any status, with a
Retry-After if asked), like a receiver that is down, busy or gone."""

import threading
from dataclasses import dataclass

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from warroom.emulators.faults import FaultPlan
from warroom.web.background import BackgroundServer

PATH = "/hooks/warroom"
# What every payload has, by the spec's advice on its structure.
PAYLOAD_KEYS = {"type", "timestamp", "data"}


@dataclass(frozen=True)
class Attempt:
    webhook_id: str | None
    status: int
    reason: str  # "accepted", "repeat", "refused: ...", or the failure asked for


class WebhookReceiver:
    def __init__(self, secret: str):
        self._verifier = Webhook(secret)
        self._lock = threading.Lock()
        self._faults = FaultPlan()
        self.received: list[dict] = []  # accepted payloads, in the order they came
        self._seen: set[str] = set()
        self.attempts: list[Attempt] = []
        self._server = BackgroundServer(
            Starlette(routes=[Route(PATH, self._receive, methods=["POST"])])
        )

    def __enter__(self) -> "WebhookReceiver":
        self._server.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.stop()

    @property
    def url(self) -> str:
        return self._server.url + PATH

    def fail(self, status: int, times: int | None = None, retry_after: int | None = None) -> None:
        """Answer `status` to the next `times` deliveries (None: until `recover`)."""
        self._faults.fail(status, times, retry_after)

    def recover(self) -> None:
        self._faults.recover()

    def types(self) -> list[str]:
        return [payload["type"] for payload in self.received]

    async def _receive(self, request: Request) -> Response:
        body, headers = await request.body(), dict(request.headers)
        webhook_id = headers.get("webhook-id")
        with self._lock:
            status, reason, extra = self._judge(body, headers, webhook_id)
            self.attempts.append(Attempt(webhook_id, status, reason))
        return PlainTextResponse(reason, status, headers=extra)

    def _judge(self, body: bytes, headers: dict, webhook_id: str | None):
        """(status, reason, headers) for one delivery; called holding the lock."""
        try:
            payload = self._verifier.verify(body, headers)
        except (WebhookVerificationError, ValueError) as error:
            return 401, f"refused: {error}", {}
        if not isinstance(payload, dict) or set(payload) != PAYLOAD_KEYS:
            return 400, "refused: not a type, timestamp and data", {}
        failure = self._faults.take()
        if failure is not None:
            status, retry_after = failure
            extra = {"retry-after": str(retry_after)} if retry_after is not None else {}
            return status, f"failed as asked: {status}", extra
        if webhook_id in self._seen:
            return 200, "repeat", {}
        self._seen.add(webhook_id)
        self.received.append(payload)
        return 200, "accepted", {}
