"""PagerDuty as a destination of domain events, through the maintained `pagerduty` client:
a declare of a paging severity, `/incident page` and the headline's Escalate button trigger
an Events API v2 event per service (dedup key per incident and service, so a second page
rings the same PagerDuty incident again); resolving the incident resolves its pages.

Who is on call is asked of the REST API when a read-only key is configured, and recorded
with the page, so Slack can offer them the Incident Commander role. A page to a person by
name is a PagerDuty incident opened with the REST API (a full-access key, and a `From`
user), assigned to the PagerDuty user with their email address; paging them again while it
is open adds a note to it instead. The client's own retries are kept to one short wait: the
outbox retries, without holding a deliverer.
"""

import logging
import ssl
from collections.abc import Sequence
from contextlib import contextmanager

import pagerduty

from warroom.app import paging
from warroom.app.core import Core
from warroom.catalog import Catalog, Service
from warroom.domain import events
from warroom.domain.incident import Severity
from warroom.domain.web_addresses import http_address
from warroom.integrations.base import Delivery, Integration, Refused, Retry, in_order
from warroom.store import incidents
from warroom.store.models import Incident, TimelineEntry

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 15
URGENCY = {  # the Events API's severities, which PagerDuty maps to urgency
    Severity.SEV1: "critical",
    Severity.SEV2: "error",
    Severity.SEV3: "warning",
    Severity.SEV4: "info",
}
# A page by name rings at high urgency (phone calls, by most people's rules) for the
# severities that page on-call by themselves too; low urgency (a push, an email) otherwise.
PERSON_URGENCY = {Severity.SEV1: "high", Severity.SEV2: "high"}
OPEN = ["triggered", "acknowledged"]  # a PagerDuty incident's statuses before resolved


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
        from_email: str | None,
        page_on_declare: Sequence[Severity],
        tls: ssl.SSLContext,
    ):
        self.core, self.catalog = core, catalog
        self.events_url, self.api_url, self.api_key = events_url, api_url, api_key
        self.from_email = from_email
        self.page_on_declare, self.tls = set(page_on_declare), tls

    def destinations(self, event: events.Event) -> list[str]:
        known = self.catalog.services().values()
        wanted = {
            events.PageRequested: True,  # the request was checked against the catalog
            events.IncidentDeclared: any(s.pagerduty_key for s in known),
            events.IncidentResolved: any(s.pagerduty_key or s.pagerduty_service for s in known),
        }
        return [self.name] if wanted.get(type(event)) else []

    def _pages_on_declare(self, incident: Incident) -> bool:
        """A drill pages no one; a real incident of a paging severity, its services."""
        return not incident.is_drill and Severity(incident.severity) in self.page_on_declare

    def _pageable(self) -> dict[str, Service]:
        return {name: s for name, s in self.catalog.services().items() if s.pagerduty_key}

    def deliver(self, event: events.Event, delivery: Delivery) -> None:
        with self.core.db.transaction() as session:
            incident = incidents.get(session, event.incident_id)
        match event:
            case events.IncidentDeclared() if self._pages_on_declare(incident):
                self._page(incident, incident.services, "", delivery)
            case events.PageRequested() if event.people:
                self._page_people(incident, _asked(self.core, event), delivery)
            case events.PageRequested():
                self._page(incident, event.services, _asked(self.core, event).text, delivery)
            case events.IncidentResolved():
                self._resolve(paging.pages(self.core, incident.id), delivery)

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
            page = paging.PageKey(incident.id, service.name, None)
            return paging.paged(self.core, page, on_call).entry_id

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
        links = [
            {"href": url, "text": f"{incident.reference} in Slack"} for url in _in_slack(incident)
        ]
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
        try:
            with self._rest() as rest:
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
        return [{"name": p.get("name") or p["id"], "email": p.get("email")} for p in people]

    def _page_people(self, incident: Incident, asked: TimelineEntry, delivery) -> None:
        through = self.catalog.services().get(asked.details["through"])
        if through is None or not through.pagerduty_service:
            raise Refused(f"{asked.details['through']} has no `pagerduty.com/service-id` now")
        if not (self.api_key and self.from_email):
            raise Refused("paging by name needs WARROOM_PAGERDUTY_API_KEY and _FROM")
        delivery.steps(
            [
                (
                    f"page {someone['email']}",
                    in_order(
                        delivery,
                        self._paging_person(incident, through, someone, asked, delivery),
                    ),
                )
                for someone in asked.details["people"]
            ]
        )

    def _paging_person(
        self, incident, service: Service, someone: dict, asked: TimelineEntry, delivery
    ):
        """Find the person in PagerDuty, then ring them: a new PagerDuty incident, or, when
        one of an earlier page is still open (which rings nobody again), a note on it that
        says they were paged again, when and why. (A page interrupted by a restart adds no
        note: it cannot tell an earlier page's incident from the one it opened itself.)"""
        message = asked.text
        page = paging.PageKey(incident.id, service.name, someone["user"])
        key = paging.dedup_key(*page)
        finding = f"find {someone['email']} in PagerDuty"
        looking = f"look for the open PagerDuty incident of {key}"
        opening = f"open the PagerDuty incident of {key}"

        def look() -> dict | None:
            # After an interruption an open one may be this delivery's own: opening finds it.
            # (So may a delivery that opened it before this step existed.)
            if delivery.interrupted or opening in delivery.done:
                return None
            return self._open_page(key)

        def open_unless_open() -> dict | None:
            if delivery.results.get(looking):
                return None
            user = delivery.results[finding]
            return self._open(incident, service, key, user, message)

        def note_if_open() -> None:
            if earlier := delivery.results.get(looking):
                again = delivery.attempt > 1  # an earlier try may have added it, unanswered
                self._note(earlier["id"], _paged_again(incident, asked), again)

        def record() -> int:
            user = delivery.results[finding]
            rung = delivery.results.get(looking) or delivery.results[opening]
            on_call = [{"name": user.get("name") or user["id"], "email": user.get("email")}]
            return paging.paged(self.core, page, on_call, rung["id"], rung["url"]).entry_id

        return [
            (finding, lambda: self._pagerduty_user(someone["email"])),
            (looking, look),
            (opening, open_unless_open),
            (f"record the page of {someone['email']}", record),
            (f"say in PagerDuty that {someone['email']} was paged again", note_if_open),
        ]

    def _pagerduty_user(self, email: str) -> dict:
        with self._rest() as rest:
            found = _calling(f"find {email}", lambda: rest.find("users", email, attribute="email"))
        if found is None:
            raise Refused(f"PagerDuty has no user with the email address {email}")
        return {name: found.get(name) for name in ("id", "name", "email")}

    def _open_page(self, key: str) -> dict | None:
        """The PagerDuty incident still open under `key` (its `id` and `url`), if any."""
        with self._rest() as rest:
            params = {"incident_key": key, "statuses[]": OPEN}
            found = _calling(
                "look for the page", lambda: rest.list_all("/incidents", params=params)
            )
        return _shown(found[0]) if found else None

    def _open(self, incident: Incident, service: Service, key: str, user: dict, message: str):
        """A new PagerDuty incident (its `id` and `url`) assigned to `user`, unless one is
        open under `key` already: an earlier try of this step opened it, or (after an
        interruption, which does not look first) an earlier page did."""
        if found := self._open_page(key):
            return found
        with self._rest() as rest:
            about = {
                "type": "incident",
                "title": paging.summary(incident, service.name)[:255],
                "service": {"id": service.pagerduty_service, "type": "service_reference"},
                "incident_key": key,
                "urgency": PERSON_URGENCY.get(Severity(incident.severity), "low"),
                "assignments": [{"assignee": {"id": user["id"], "type": "user_reference"}}],
                "body": {"type": "incident_body", "details": _details(incident, message)},
            }
            opened = _calling(
                "open the page", lambda: rest.rpost("/incidents", json={"incident": about})
            )
        return _shown(opened)

    def _note(self, pagerduty_incident: str, content: str, unless_there: bool) -> None:
        """Add a note to the PagerDuty incident; `unless_there`: not if one says the same."""
        notes = f"/incidents/{pagerduty_incident}/notes"
        with self._rest() as rest:
            if unless_there:
                there = _calling("read the page's notes", lambda: rest.rget(notes))
                if any(note.get("content") == content for note in there):
                    return
            note = {"note": {"content": content}}
            _calling("add a note to the page", lambda: rest.rpost(notes, json=note))

    def _resolve(self, pages: list[dict], delivery: Delivery) -> None:
        pageable = self._pageable()
        steps = []
        for page in pages:
            key = page["dedup_key"]
            if page.get("pagerduty_incident"):
                steps.append((f"resolve {key}", self._resolving(page["pagerduty_incident"])))
            elif page["service"] in pageable:
                client = self._events(pageable[page["service"]].pagerduty_key)
                steps.append((f"resolve {key}", _resolving(client, key)))
        delivery.steps(steps)

    def _resolving(self, pagerduty_incident: str):
        def resolve() -> None:
            resolved = {"type": "incident_reference", "status": "resolved"}
            with self._rest() as rest:
                _calling(
                    "resolve the page",
                    lambda: rest.rput(
                        f"/incidents/{pagerduty_incident}", json={"incident": resolved}
                    ),
                )

        return resolve

    @contextmanager
    def _rest(self):
        rest = pagerduty.RestApiV2Client(
            self.api_key, default_from=self.from_email, base_url=self.api_url, verify=self.tls
        )
        try:
            yield _bounded(rest)
        finally:
            rest.close()

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


def _asked(core: Core, event: events.PageRequested) -> TimelineEntry:
    """The request's entry: what the person who paged said, and whom they paged."""
    with core.db.transaction() as session:
        entry = session.get(TimelineEntry, event.entry_id)
        session.expunge(entry)
        return entry


def _shown(pagerduty_incident: dict) -> dict:
    """What is kept of a PagerDuty incident: its id, and where PagerDuty's app shows it."""
    return {"id": pagerduty_incident["id"], "url": http_address(pagerduty_incident.get("html_url"))}


def _paged_again(incident: Incident, asked: TimelineEntry) -> str:
    """The note's words, with when it was asked: the same words asked twice are two notes."""
    said = f": {asked.text}" if asked.text else "."
    return (
        f"Paged again from Slack for {incident.reference} at {asked.occurred_at:%H:%M:%S} UTC{said}"
    )


def _details(incident: Incident, message: str) -> str:
    """What the page says besides its title: the message, and where to join."""
    lines = [message] if message else []
    lines += [f"Join in Slack: {url}" for url in _in_slack(incident)]
    return "\n".join(lines) or incident.reference


def _in_slack(incident: Incident) -> list[str]:
    """The link that opens the incident's channel, once it has one."""
    if not incident.channel_id:
        return []
    return [f"https://slack.com/app_redirect?channel={incident.channel_id}"]
