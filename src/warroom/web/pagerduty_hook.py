"""`POST /hooks/pagerduty`: PagerDuty's v3 webhooks, which say when a responder acknowledged
or resolved one of warroom's pages there. Each is checked against `X-PagerDuty-Signature`
(an HMAC-SHA256 of the body with the subscription's secret; several while it is rotated).

Pages are known by their dedup key (the PagerDuty incident's `incident_key`); news of
other incidents, and kinds of news warroom does not show, are answered 202 and dropped. A
redelivery (the same event `id`) records nothing new.
"""

import hashlib
import hmac
from datetime import UTC

from pydantic import AwareDatetime, BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from warroom.app import paging
from warroom.app.core import Core
from warroom.domain.web_addresses import http_address
from warroom.web.answers import refused, unreadable

# The v3 event types warroom shows, and the word the timeline says of each.
SHOWN = {"incident.acknowledged": "acknowledged", "incident.resolved": "resolved"}


class _Reference(BaseModel):
    summary: str | None = None


class _Incident(BaseModel):
    id: str | None = None  # of the PagerDuty incident: a page again may open another
    incident_key: str | None = None
    html_url: str | None = None  # where PagerDuty's app shows it: a link, not the news


class _Event(BaseModel):
    id: str
    event_type: str
    occurred_at: AwareDatetime
    agent: _Reference | None = None
    data: _Incident


class WebhookBody(BaseModel):
    event: _Event


def signed(secret: str, body: bytes, header: str) -> bool:
    """True when one of the header's `v1=` signatures is the body's."""
    expected = "v1=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    given = [part.strip() for part in header.split(",")]
    return any(hmac.compare_digest(expected.encode(), part.encode()) for part in given)


def pagerduty_route(core: Core, secret: str) -> Route:
    def record(event: _Event) -> bool:
        who = event.agent.summary if event.agent else None
        status, at = SHOWN[event.event_type], event.occurred_at.astimezone(UTC)
        url = http_address(event.data.html_url)
        key = event.data.incident_key
        changed = paging.page_changed(
            core, key, event.id, status, who, at, url, pagerduty_incident=event.data.id
        )
        return changed is not None

    async def hook(request: Request) -> Response:
        body = await request.body()
        if not signed(secret, body, request.headers.get("x-pagerduty-signature", "")):
            return refused(401, "missing or wrong X-PagerDuty-Signature")
        try:
            event = WebhookBody.model_validate_json(body).event
        except ValidationError as error:
            return unreadable(error)
        if event.event_type not in SHOWN:
            return JSONResponse({"ok": True, "ignored": event.event_type}, status_code=202)
        recorded = await run_in_threadpool(record, event)
        return JSONResponse(
            {"ok": True, "recorded": recorded}, status_code=200 if recorded else 202
        )

    return Route("/hooks/pagerduty", hook, methods=["POST"])
