"""Where monitoring sends its alerts, each with the bearer token of `WARROOM_ALERTS_TOKEN`:
`POST /hooks/alertmanager` (Prometheus Alertmanager's webhook, version 4), `POST
/hooks/grafana` (Grafana alerting's webhook contact point, the same shape with more
fields) and `POST /hooks/alerts` (one alert as plain JSON, for anything else).

A forged or missing token is answered 401 and nothing is stored, a body that is not such a
notification 400 with the reason; a repeat of what the group already has is answered 200
with `"recorded": false`, so the sender stops retrying it.
"""

import hashlib
import hmac
import json
from collections.abc import Callable, Collection
from datetime import UTC, datetime

from pydantic import AwareDatetime, BaseModel, Field, HttpUrl, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from warroom.app import alerts
from warroom.app.core import Core
from warroom.domain.alerts import Alert, AlertBatch, AlertPolicy, AlertStatus
from warroom.domain.incident import incident_reference
from warroom.domain.web_addresses import http_address
from warroom.web.answers import refused, unreadable

TEXT_MAX = 500  # of a title or a summary: a prompt is read at a glance


class _NotifiedAlert(BaseModel):
    status: AlertStatus
    labels: dict[str, str]
    annotations: dict[str, str] = {}
    startsAt: AwareDatetime
    generatorURL: str = ""
    fingerprint: str = ""
    # Grafana's, besides Alertmanager's
    dashboardURL: str = ""
    panelURL: str = ""


class Notification(BaseModel):
    """Alertmanager's webhook body (and Grafana's, which adds to it)."""

    version: str = "4"
    groupKey: str = Field(min_length=1)
    status: AlertStatus
    receiver: str = ""
    groupLabels: dict[str, str] = {}
    commonLabels: dict[str, str] = {}
    commonAnnotations: dict[str, str] = {}
    externalURL: str = ""
    alerts: list[_NotifiedAlert] = Field(min_length=1)
    title: str = ""  # Grafana's: "[FIRING:1] ...", for when nothing else names the group


class GenericAlert(BaseModel):
    """`POST /hooks/alerts`: one alert, from anything that can send JSON."""

    title: str = Field(min_length=1, max_length=TEXT_MAX)
    status: AlertStatus = AlertStatus.FIRING
    key: str | None = Field(None, min_length=1, max_length=200)  # its group; the title if none
    severity: str | None = Field(None, max_length=40)
    service: str | None = Field(None, max_length=63)
    link: HttpUrl | None = None
    started_at: AwareDatetime | None = None
    labels: dict[str, str] = {}


def _web_address(*candidates: str) -> str | None:
    """The first of the links that is a web address, normalised; senders leave the ones
    they lack empty."""
    return next(filter(None, map(http_address, candidates)), None)


def _fingerprint(labels: dict[str, str]) -> str:
    """An alert is its labels: Alertmanager's own fingerprint, when a sender gives none."""
    return hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:16]


def notified(source: str, body: Notification) -> AlertBatch:
    def summary(alert: _NotifiedAlert) -> str:
        said = alert.annotations.get("summary") or alert.annotations.get("description")
        return (said or alert.labels.get("alertname") or "alert")[:TEXT_MAX]

    named = body.commonAnnotations.get("summary") or " ".join(body.groupLabels.values())
    return AlertBatch(
        source=source,
        group_key=body.groupKey,
        title=(named or body.commonLabels.get("alertname") or body.title or "Alert")[:TEXT_MAX],
        labels=body.commonLabels,
        link=_web_address(body.externalURL),
        alerts=tuple(
            Alert(
                fingerprint=alert.fingerprint or _fingerprint(alert.labels),
                status=alert.status,
                starts_at=alert.startsAt.astimezone(UTC),
                summary=summary(alert),
                link=_web_address(alert.panelURL, alert.dashboardURL, alert.generatorURL),
            )
            for alert in body.alerts
        ),
    )


def generic(body: GenericAlert, now: datetime) -> AlertBatch:
    labels = {**body.labels}
    labels.update({k: v for k, v in (("severity", body.severity), ("service", body.service)) if v})
    key = body.key or body.title
    return AlertBatch(
        source="generic",
        group_key=key,
        title=body.title,
        labels=labels,
        alerts=(
            Alert(
                fingerprint=_fingerprint({"key": key}),
                status=body.status,
                starts_at=(body.started_at or now).astimezone(UTC),
                summary=body.title,
                link=str(body.link) if body.link else None,
            ),
        ),
    )


def alert_routes(
    core: Core,
    token: str,
    policy: AlertPolicy,
    services: Callable[[], Collection[str]],
    declarer: Callable[[], str],
) -> list[Route]:
    """The three alert hooks; `services` names the catalog's services, `declarer` is who
    declares what a rule declares (warroom's own Slack user)."""

    def receive(batch: AlertBatch) -> alerts.Received:
        return alerts.receive(core, batch, policy, services(), declarer())

    def hook(read: Callable[[bytes], AlertBatch]):
        async def answer(request: Request) -> Response:
            given = request.headers.get("authorization", "").removeprefix("Bearer ").encode()
            if not hmac.compare_digest(given, token.encode()):
                return refused(401, "missing or wrong bearer token")
            try:
                batch = read(await request.body())
            except ValidationError as error:
                return unreadable(error)
            received = await run_in_threadpool(receive, batch)
            incident = received.incident_id
            return JSONResponse(
                {
                    "ok": True,
                    "recorded": received.news,
                    "group": received.group_id,
                    "incident": incident_reference(incident) if incident else None,
                }
            )

        return answer

    def notification_from(source: str) -> Callable[[bytes], AlertBatch]:
        return lambda body: notified(source, Notification.model_validate_json(body))

    def from_anything(body: bytes) -> AlertBatch:
        return generic(GenericAlert.model_validate_json(body), core.now())

    return [
        Route("/hooks/alertmanager", hook(notification_from("alertmanager")), methods=["POST"]),
        Route("/hooks/grafana", hook(notification_from("grafana")), methods=["POST"]),
        Route("/hooks/alerts", hook(from_anything), methods=["POST"]),
    ]
