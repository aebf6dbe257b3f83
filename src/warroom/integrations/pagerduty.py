"""PagerDuty as a destination of domain events, through the maintained `pagerduty` client:
a declare of a paging severity, `/incident page` and the headline's Escalate button trigger
an Events API v2 event per service (dedup key per incident and service, so a second page
rings the same PagerDuty incident again); resolving the incident resolves its pages.

Who is on call is asked of the REST API when a read-only key is configured, and recorded
with the page, so Slack can offer them the Incident Commander role. The client's own
retries are kept to one short wait: the outbox retries, without holding a deliverer.
"""

import logging
import ssl
from collections.abc import Sequence

import pagerduty

from warroom.app import paging
from warroom.app.core import Core
from warroom.catalog import Catalog, Service
from warroom.domain import events
from warroom.domain.incident import Severity
from warroom.integrations.base import Delivery, Integration, Refused, Retry, in_order
from warroom.store import incidents, timeline
from warroom.store.models import Incident

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 15
URGENCY = {  # the Events API's severities, which PagerDuty maps to urgency
    Severity.SEV1: "critical",
    Severity.SEV2: "error",
    Severity.SEV3: "warning",
    Severity.SEV4: "info",
}


class PagerDutyIntegration(Integration):
    name = "pagerduty"
    title = "PagerDuty"

    def __init__(
        self,
        core: Core,
        catalog: Catalog,
        *,
        events_url: str,
        api_url: str,
        api_key: str | None,
        page_on_declare: Sequence[Severity],
        tls: ssl.SSLContext,
    ):
        self.core, self.catalog = core, catalog
        self.events_url, self.api_url, self.api_key = events_url, api_url, api_key
        self.page_on_declare, self.tls = set(page_on_declare), tls

    def destinations(self, event: events.Event) -> list[str]:
        wanted = (events.IncidentDeclared, events.PageRequested, events.IncidentResolved)
        if not isinstance(event, wanted) or not self._pageable():
            return []
        return [self.name]

    def _pageable(self) -> dict[str, Service]:
        return {name: s for name, s in self.catalog.services().items() if s.pagerduty_key}

    def deliver(self, event: events.Event, delivery: Delivery) -> None:
        with self.core.db.transaction() as session:
            incident = incidents.get(session, event.incident_id)
        match event:
            case events.IncidentDeclared() if Severity(incident.severity) in self.page_on_declare:
                self._page(incident, incident.services, "", delivery)
            case events.PageRequested():
                self._page(incident, event.services, _message(self.core, event), delivery)
            case events.IncidentResolved():
                self._resolve(paging.paged_keys(self.core, incident.id), delivery)

    def _page(self, incident: Incident, names: Sequence[str], message: str, delivery) -> None:
        pageable = self._pageable()
        services = [pageable[name] for name in names if name in pageable]
        delivery.steps(
            [
                (
                    f"page the on-call of {service.name}",
                    in_order(delivery, self._paging(incident, service, message, delivery)),
                )
                for service in services
            ]
        )

    def _paging(self, incident: Incident, service: Service, message: str, delivery):
        key = paging.dedup_key(incident.id, service.name)
        asking = f"ask who is on call for {service.name}"

        def record() -> int:
            on_call = delivery.results.get(asking) or []
            return paging.paged(self.core, incident.id, service.name, on_call).entry_id

        return [
            (f"trigger {key}", lambda: self._trigger(incident, service, message, key)),
            (asking, lambda: self._on_call(service)),
            (f"record the page of {service.name}", record),
        ]

    def _trigger(self, incident: Incident, service: Service, message: str, key: str) -> str:
        client = self._events(service.pagerduty_key)
        details = {"incident": incident.reference, "severity": incident.severity}
        if message:
            details["message"] = message
        links = []
        if incident.channel_id:
            url = f"https://slack.com/app_redirect?channel={incident.channel_id}"
            links.append({"href": url, "text": f"{incident.reference} in Slack"})
        return _calling(
            "trigger the page",
            lambda: client.trigger(
                paging.summary(incident, service.name)[:1024],
                source="warroom",
                dedup_key=key,
                severity=URGENCY[Severity(incident.severity)],
                custom_details=details,
                links=links,
            ),
        )

    def _on_call(self, service: Service) -> list[dict]:
        """Who the page rings first (escalation level 1); nobody when warroom may not ask or
        PagerDuty cannot say: the page is out either way."""
        if not self.api_key or not service.pagerduty_service:
            return []
        rest = pagerduty.RestApiV2Client(self.api_key, base_url=self.api_url, verify=self.tls)
        _bounded(rest)
        try:
            found = rest.rget(f"/services/{service.pagerduty_service}")
            policy = found["escalation_policy"]["id"]
            on_call = rest.list_all(
                "/oncalls", params={"escalation_policy_ids[]": [policy], "earliest": True}
            )
            users = {o["user"]["id"] for o in on_call if o.get("escalation_level") == 1}
            people = [rest.rget(f"/users/{user}") for user in sorted(users)]
        except (pagerduty.Error, KeyError, TypeError) as error:
            log.warning("could not ask PagerDuty who is on call for %s: %s", service.name, error)
            return []
        finally:
            rest.close()
        return [{"name": p.get("name") or p["id"], "email": p.get("email")} for p in people]

    def _resolve(self, keys: list[str], delivery: Delivery) -> None:
        pageable = self._pageable()
        steps = []
        for key in keys:
            _, service = paging.page_of(key)
            if service in pageable:
                client = self._events(pageable[service].pagerduty_key)
                steps.append((f"resolve {key}", _resolving(client, key)))
        delivery.steps(steps)

    def _events(self, routing_key: str) -> pagerduty.EventsApiV2Client:
        client = pagerduty.EventsApiV2Client(routing_key, base_url=self.events_url, verify=self.tls)
        return _bounded(client)


def _resolving(client: pagerduty.EventsApiV2Client, key: str):
    return lambda: _calling("resolve the page", lambda: client.resolve(key))


def _bounded(client):
    """One short wait on a 429 inside the client, none on anything else: the outbox
    retries, honouring Retry-After, without holding one of its deliverers for minutes."""
    client.retry = {429: 1}
    client.sleep_timer = 0.5
    client.max_network_attempts = 0
    client.timeout = TIMEOUT_SECONDS
    return client


def _calling(what: str, call):
    """A PagerDuty call as a step: busy or down raises Retry, a refusal raises Refused."""
    try:
        return call()
    except pagerduty.HttpError as error:
        status = error.response.status_code
        said = f"PagerDuty answered HTTP {status} to {what}: {_said(error.response)}"
        if status == 429 or status >= 500:
            after = error.response.headers.get("retry-after")
            raise Retry(said, after=float(after) if after and after.isdigit() else None) from error
        raise Refused(said) from error
    except pagerduty.Error as error:
        raise Retry(f"PagerDuty could not be reached to {what} ({error})") from error


def _said(response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    errors = body.get("errors") if isinstance(body, dict) else None
    return "; ".join(map(str, errors)) if errors else str(body.get("message", ""))[:200]


def _message(core: Core, event: events.PageRequested) -> str:
    """What the person who paged said, for the page's details."""
    with core.db.transaction() as session:
        return timeline.text_of(session, event.entry_id)
