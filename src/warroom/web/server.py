"""The HTTP server: Bolt's endpoint for Slack, a health check for load balancers, metrics,
and the hooks other systems call."""

import json
import logging
from collections.abc import Callable, Sequence
from urllib.parse import parse_qsl

from anyio import CapacityLimiter, to_thread
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from warroom.metrics import Metrics
from warroom.store.db import Database

log = logging.getLogger(__name__)


# Bolt's work is Python holding the GIL. More threads than a few per core only take turns
# at it, and every switch delays the event loop that reads requests and sends answers: with
# 40 threads (anyio's default) /incident help under load had a p99 twice that with 8.
DISPATCH_THREADS = 8

# How long an idle connection stays open. Longer than clients and load balancers keep theirs
# (httpx 5 s, AWS ALB 60 s), so it is always they who close it: when the server closes first,
# a request sent at that instant meets a reset connection (uvicorn's default is 5 s).
KEEP_ALIVE_SECONDS = 75


def create_web_app(
    bolt: App,
    db: Database,
    metrics: Metrics,
    signing_secret: str,
    on_events_dropped: Callable[[], None] = lambda: None,
    hooks: Sequence[Route] = (),
) -> Starlette:
    """`on_events_dropped` runs when Slack says it stopped sending events for a while;
    `hooks` are the routes other systems call (web/hooks.py)."""
    verifier = SignatureVerifier(signing_secret)
    dispatchers = CapacityLimiter(DISPATCH_THREADS)

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        # Checked before anything is parsed: a stranger's garbage gets 401, never a crash.
        if not _signed(verifier, body, request):
            return PlainTextResponse("invalid signature or stale request", status_code=401)
        try:
            bolt_request = to_bolt_request(request, body)
            if bolt_request.body.get("type") == "app_rate_limited":
                # Slack drops this app's events for the rest of the minute: read them back.
                on_events_dropped()
                return PlainTextResponse("")
            # Bolt is synchronous: dispatch on a worker thread so one slow request
            # never holds up the acknowledgements of the others.
            response = await to_thread.run_sync(bolt.dispatch, bolt_request, limiter=dispatchers)
        except MALFORMED as error:  # signed, but not the shape Slack sends (e.g. not UTF-8)
            log.warning("refused a malformed request: %r", error)
            return PlainTextResponse("malformed request", status_code=400)
        return to_starlette_response(response)

    async def healthz(_request: Request) -> Response:
        try:
            await run_in_threadpool(db.ping)
        except Exception as error:
            reason = f"database unreachable: {type(error).__name__}"
            return JSONResponse({"ok": False, "reason": reason}, status_code=503)
        return JSONResponse({"ok": True})

    async def metrics_page(_request: Request) -> Response:
        body, content_type = await run_in_threadpool(metrics.render)  # it queries the database
        return Response(body, media_type=content_type)

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics_page, methods=["GET"]),
            *hooks,
        ]
    )


# What Bolt raises while reading or routing a body that is not shaped as Slack shapes it.
MALFORMED = (ValueError, TypeError, AttributeError, LookupError)


def to_bolt_request(request: Request, body: bytes) -> BoltRequest:
    """The request for Bolt, its body parsed here: Bolt's own parser takes any form body in
    which the word "payload" appears (an incident titled "Order payload mismatch") for an
    interactivity payload, and drops the command. Given a parsed body Bolt uses it as it is,
    which it allows in its "socket_mode" only; the signature was checked above."""
    return BoltRequest(
        body=parse_body(body.decode("utf-8"), request.headers.get("content-type", "")),
        query=dict(request.query_params),
        headers=dict(request.headers),
        mode="socket_mode",
    )


def parse_body(text: str, content_type: str) -> dict:
    """Events come as JSON, commands as a form, interactivity as a form of one `payload`."""
    if content_type.startswith("application/json") or text.lstrip().startswith("{"):
        return json.loads(text)
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if list(fields) == ["payload"]:
        return json.loads(fields["payload"])
    return fields


def _signed(verifier: SignatureVerifier, body: bytes, request: Request) -> bool:
    try:
        return verifier.is_valid_request(body, dict(request.headers))
    except ValueError:  # a body that is not even text cannot carry a valid signature
        return False
