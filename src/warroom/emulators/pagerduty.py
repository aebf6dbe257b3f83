"""PagerDuty as warroom's tests and benchmarks need it: the Events API v2 (`POST /v2/enqueue`)
and the REST reads warroom makes (`GET /oncalls`, `/services/{id}`, `/users/{id}`) over real
HTTPS, signed by a throwaway test CA (trustme), so the official `pagerduty` client talks to it
as to PagerDuty; the signed v3 webhooks PagerDuty sends as incidents trigger, are acknowledged
and resolve; faults (429, 5xx, Retry-After, an answer lost once the call did its work) on
demand, and latency on every call.

Its rules are written here from PagerDuty's published descriptions, none of their text copied:
PagerDuty/api-schema `reference/events-v2/openapiv3.json` (createV2Event; Payload, Links,
Images; Success, Error) and `reference/REST/openapiv3.json` (listOnCalls, getService, getUser,
listUsers, listIncidents, createIncident, createIncidentNote, listIncidentNotes,
updateIncident; Oncall, Pagination, Reference, Service, User, Incident, IncidentNote;
header_Accept, from_header, offset_*, *_oncalls; the error object of components/responses);
where those are silent, PagerDuty/developer-docs:
`docs/events-API-v2/02-Trigger-Events.md` (32-character routing key, dedup_key <= 255, summary
<= 1024; follow-ups for an unknown or resolved alert, or via another routing key, are dropped;
a trigger after a resolve opens a new alert), `docs/events-API-v2/05-Rate-Limits.md`,
`docs/REST-API/14-Errors.md` (codes), `docs/REST-API/04-Rate-Limits.md` (the 429 body), and
`docs/webhooks/01-Overview.md` (the payload; how they are sent is `pagerduty_webhooks.py`).
What none of them says is chosen here, and marked where.
What an event's body must hold is checked in `pagerduty_events.py`, and what opening, noting
on or moving an incident with the REST API takes in `pagerduty_rest.py`.
"""

import asyncio
import copy
import json
import secrets
import shutil
import tempfile
import threading
import uuid
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import trustme
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from warroom.emulators.faults import FaultPlan
from warroom.emulators.pagerduty_events import event_errors, instant
from warroom.emulators.pagerduty_incidents import RestIncidents
from warroom.emulators.pagerduty_model import Alert, Service, listed, now, rest_error, stamp, window
from warroom.emulators.pagerduty_webhooks import WebhookSender
from warroom.web.background import BackgroundServer

ACCEPT = "application/vnd.pagerduty+json;version=2"  # header_Accept: required on every call
HTML = "https://emulated.pagerduty.com"  # where html_url points: a web app nobody serves
SHIFT = timedelta(days=7)  # chosen: each service's schedule is one week-long shift from now


def _invalid(errors: list[str]) -> JSONResponse:
    body = {"status": "invalid event", "message": "Event object is invalid", "errors": errors}
    return JSONResponse(body, 400)


class PagerDutyEmulator(RestIncidents):
    def __init__(
        self, *, webhook_url: str | None = None, webhook_secret: str | None = None, latency=0.0
    ):
        # Public: a test may point the webhooks elsewhere once its receiver has a URL.
        self._webhooks = WebhookSender(webhook_url, webhook_secret)
        self._latency = latency
        self.api_key = secrets.token_urlsafe(15)
        self._lock = threading.Lock()
        self._services: dict[str, Service] = {}
        self._users: dict[str, tuple[str, str]] = {}
        self._alerts: dict[str, Alert] = {}  # by dedup key: the latest alert under each
        self._numbers = 0  # incident numbers given
        self._faults = FaultPlan()
        self._answers_to_lose: list[tuple[str, str]] = []  # (method, the path's end)
        self.events: list[dict] = []
        self.calls: list[tuple[str, str, int]] = []
        endpoints = [("/v2/enqueue", self._enqueue, "POST"), ("/oncalls", self._oncalls, "GET")]
        endpoints += [("/services/{id}", self._service, "GET"), ("/users/{id}", self._user, "GET")]
        endpoints += [("/users", self._list_users, "GET"), ("/incidents", self._list, "GET")]
        endpoints += [("/incidents", self._open, "POST"), ("/incidents/{id}", self._update, "PUT")]
        endpoints += [("/incidents/{id}/notes", self._note, "POST")]
        endpoints += [("/incidents/{id}/notes", self._notes, "GET")]
        routes = [Route(path, self._endpoint(f), methods=[m]) for path, f, m in endpoints]
        self._app = Starlette(routes=routes)

    def __enter__(self) -> "PagerDutyEmulator":
        self._dir = Path(tempfile.mkdtemp(prefix="pagerduty-emulator-"))
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        ca.cert_pem.write_to_path(self.ca_file)
        certfile, keyfile = str(self._dir / "server.pem"), str(self._dir / "server.key")
        for pem in cert.cert_chain_pems:
            pem.write_to_path(certfile, append=True)
        cert.private_key_pem.write_to_path(keyfile)
        server = BackgroundServer(self._app, ssl_certfile=certfile, ssl_keyfile=keyfile)
        self._server = server.start()
        self._webhooks.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.stop()
        self._webhooks.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    @property
    def webhook_url(self) -> str | None:
        return self._webhooks.url

    @webhook_url.setter
    def webhook_url(self, url: str | None) -> None:  # once the test's receiver has one
        self._webhooks.url = url

    @property
    def webhook_attempts(self) -> list[tuple[str, int]]:
        return self._webhooks.attempts

    @property
    def events_url(self) -> str:
        return self._server.url

    @property
    def rest_url(self) -> str:
        return self._server.url

    @property
    def ca_file(self) -> str:
        return str(self._dir / "ca.pem")

    def add_service(
        self, service_id: str, name: str, routing_key: str, on_call: list[tuple[str, str, str]]
    ) -> None:
        """A service, its Events API v2 integration key, and the (user_id, name, email) of the
        users on call at level 1 of its escalation policy EP<id>, through schedule SC<id>."""
        if len(routing_key) != 32 or not (routing_key.isascii() and routing_key.isalnum()):
            raise ValueError("an integration key is 32 letters and digits")
        with self._lock:
            self._users.update({user_id: (n, e) for user_id, n, e in on_call})
            users, added = [user[0] for user in on_call], now().replace(microsecond=0)
            self._services[service_id] = Service(service_id, name, routing_key, users, added)

    def add_user(self, user_id: str, name: str, email: str) -> None:
        """A user of the account, on call for nothing: someone to page by name, or the
        `From` of warroom's REST calls."""
        with self._lock:
            self._users[user_id] = (name, email)

    def alert(self, dedup_key: str) -> dict | None:
        with self._lock:
            alert = self._alerts.get(dedup_key)
            return copy.deepcopy(alert.shown) if alert else None

    def notes(self, dedup_key: str) -> list[str]:
        """What the notes on the incident under `dedup_key` say, oldest first."""
        with self._lock:
            return [note["content"] for note in self._alerts[dedup_key].notes]

    def acknowledge(self, dedup_key: str, user_id: str) -> None:
        """As if `user_id` pressed Acknowledge in PagerDuty's app."""
        with self._lock:
            alert, agent = self._alerts[dedup_key], self._user_ref(user_id)
            if alert.status == "resolved":
                raise ValueError(f"{dedup_key} is resolved")
            self._move(alert, "acknowledged", agent)

    def resolve(self, dedup_key: str, user_id: str) -> None:
        """As if `user_id` pressed Resolve in PagerDuty's app; resolved again changes nothing."""
        with self._lock:
            self._move(self._alerts[dedup_key], "resolved", self._user_ref(user_id))

    def fail(self, status: int, times: int | None = None, retry_after: int | None = None) -> None:
        """Answer `status` to the next `times` API calls (None: until `recover`)."""
        self._faults.fail(status, times, retry_after)

    def recover(self) -> None:
        self._faults.recover()

    def lose_answer(self, method: str, path_end: str) -> None:
        """Do what the next `method` call to a path ending in `path_end` asks, then answer
        504, as a gateway that gave up waiting would: the caller cannot tell it happened."""
        with self._lock:
            self._answers_to_lose.append((method, path_end))

    def _endpoint(self, handler):
        rest = handler != self._enqueue

        async def endpoint(request: Request) -> Response:
            if self._latency:
                await asyncio.sleep(self._latency)
            response = self._fault(rest) or (self._refusal(request) if rest else None)
            if response is None:
                response = await handler(request)
                if rest and self._losing(request):  # done, but the answer never comes back
                    response = rest_error(504, HTTPStatus(504).phrase, 2000)
            # Chosen: one connection per call. uvicorn's TLS shutdown waits for idle keep-alive
            # clients to answer close_notify, which pooled clients never do, so stop() stalls.
            response.headers["Connection"] = "close"
            with self._lock:
                self.calls.append((request.method, request.url.path, response.status_code))
            return response

        return endpoint

    def _losing(self, request: Request) -> bool:
        with self._lock:
            for method, path_end in self._answers_to_lose:
                if request.method == method and request.url.path.endswith(path_end):
                    self._answers_to_lose.remove((method, path_end))
                    return True
        return False

    def _fault(self, rest: bool) -> Response | None:
        failure = self._faults.take()
        if failure is None:
            return None
        status, retry_after = failure
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        if rest and status == 429:
            headers |= {"ratelimit-limit": "960", "ratelimit-remaining": "0"}
            headers["ratelimit-reset"] = str(retry_after or 60)
            return rest_error(429, "Rate Limit Exceeded", 2020, headers=headers)
        if rest:  # 5xx, or whatever else was asked for: code 2000, "an internal error"
            return rest_error(status, HTTPStatus(status).phrase, 2000, headers=headers)
        body = {"status": HTTPStatus(status).phrase, "message": "The event was not processed."}
        if status == 429:  # the spec gives no body: its words, in the shape of its Error
            body = {"status": "Request Limit Exceeded", "message": "Too many API calls at a time."}
        return JSONResponse(body, status, headers=headers)

    def _refusal(self, request: Request) -> Response | None:
        """401 without this API key; 400 without the Accept header the spec requires, or
        a change without a JSON body or a `From` that is a user of the account. (It marks
        Content-Type required on every call, but a GET has no body and the client sends none.)"""
        if request.headers.get("authorization") != f"Token token={self.api_key}":
            return rest_error(401, "Authentication failed", 2006)
        if request.headers.get("accept", "").replace(" ", "") != ACCEPT:
            return rest_error(400, "Invalid Input Provided", 2001, [f"Accept must be {ACCEPT}"])
        if request.method == "GET":
            return None
        if not request.headers.get("content-type", "").startswith("application/json"):
            errors = ["Content-Type must be application/json"]
            return rest_error(400, "Invalid Input Provided", 2001, errors)
        if not request.headers.get("from"):  # from_header is required; the words are PagerDuty's
            errors = ['You must specify a user\'s email address in the "From" header']
            return rest_error(400, "Invalid Input Provided", 2001, errors)
        with self._lock:
            if self._by(request) is None:  # 14-Errors.md: 1008, Requester User Not Found
                return rest_error(400, "Requester User Not Found", 1008)
        return None

    async def _enqueue(self, request: Request) -> Response:
        try:
            event = json.loads(await request.body())
        except ValueError:
            event = None
        if not isinstance(event, dict):  # the spec's own example of an unreadable event
            body = {"status": "Unrecognized object", "errors": ["JSON parse error"]}
            return JSONResponse(body | {"message": "Event object format is unrecognized"}, 400)
        if errors := event_errors(event):
            return _invalid(errors)
        with self._lock:
            services = [s for s in self._services.values() if s.routing_key == event["routing_key"]]
            if not services:
                return _invalid(["Invalid routing key"])  # as PagerDuty answers; not in the spec
            dedup_key = self._apply(event, services[0])
            self.events.append(event)
        body = {"status": "success", "message": "Event processed", "dedup_key": dedup_key}
        return JSONResponse(body, 202)

    def _apply(self, event: dict, service: Service) -> str:  # holding the lock
        action, dedup_key = event["event_action"], event.get("dedup_key") or uuid.uuid4().hex
        alert = self._alerts.get(dedup_key)
        if action == "trigger" and (alert is None or alert.status == "resolved"):
            payload, self._numbers = event["payload"], self._numbers + 1
            shown = {"status": "triggered", "routing_key": service.routing_key}
            shown |= {name: payload[name] for name in ("summary", "severity", "source")}
            shown |= {"custom_details": payload.get("custom_details", {}), "events": 1}
            shown["links"] = event.get("links", [])
            alert = Alert(shown, dedup_key, service, self._numbers, now(), service.users)
            self._alerts[dedup_key] = alert
            self._notify("incident.triggered", alert, self._service_ref(service))
        elif alert and alert.service is service and alert.status != "resolved":
            alert.shown["events"] += 1
            if action != "trigger":  # acknowledge -> acknowledged, resolve -> resolved
                self._move(alert, action + "d", self._service_ref(service))
        return dedup_key  # anything else is dropped, with the same 202

    def _move(self, alert: Alert, status: str, agent: dict) -> None:  # holding the lock
        if alert.status not in (status, "resolved"):
            alert.shown["status"] = status
            self._notify(f"incident.{status}", alert, agent)

    def _notify(self, event_type: str, alert: Alert, agent: dict) -> None:  # holding the lock
        event = {"id": str(uuid.uuid4()), "event_type": event_type, "resource_type": "incident"}
        event |= {"occurred_at": stamp(now(), "milliseconds"), "agent": agent, "client": None}
        event["data"] = self._incident(alert)
        self._webhooks.send(event)

    def _ref(self, kind: str, collection: str, id_: str, summary: str) -> dict:
        links = {
            "self": f"{self.rest_url}/{collection}/{id_}",
            "html_url": f"{HTML}/{collection}/{id_}",
        }
        return {"id": id_, "type": f"{kind}_reference", "summary": summary} | links

    def _user_ref(self, user_id: str) -> dict:
        return self._ref("user", "users", user_id, self._users[user_id][0])

    def _service_ref(self, service: Service) -> dict:
        return self._ref("service", "services", service.id, service.name)

    def _policy_ref(self, service: Service) -> dict:
        name = f"{service.name} escalation policy"
        return self._ref("escalation_policy", "escalation_policies", f"EP{service.id}", name)

    def _incident(self, alert: Alert) -> dict:
        incident = self._ref("incident", "incidents", alert.id, alert.shown["summary"])
        on_call = [] if alert.status == "resolved" else alert.users
        incident |= {"type": "incident", "number": alert.number, "status": alert.status}
        incident |= {"incident_key": alert.dedup_key, "created_at": stamp(alert.created_at)}
        incident |= {"title": alert.shown["summary"], "service": self._service_ref(alert.service)}
        incident["assignees"] = [self._user_ref(user_id) for user_id in on_call]
        incident["escalation_policy"] = self._policy_ref(alert.service)
        incident |= {"teams": [], "priority": None, "resolve_reason": None}
        incident["urgency"] = alert.shown.get("urgency", "high")
        return incident

    async def _oncalls(self, request: Request) -> Response:
        params = request.query_params
        if window(params) is None:
            return rest_error(400, "Invalid Input Provided", 2001, ["limit, offset: integers"])
        if params.get("earliest", "true") not in ("true", "false"):
            return rest_error(400, "Invalid Input Provided", 2001, ["earliest: true or false"])
        moment = now()
        since, until = (
            instant(params.get(name, moment.isoformat())) for name in ("since", "until")
        )
        if since is None or until is None:
            return rest_error(400, "Invalid time values in 'since' and/or 'until'", 2004)
        if until < since or until - since > timedelta(days=93):
            return rest_error(400, "Invalid Query Date Range", 2005)
        wanted = [set(params.getlist(f"{n}_ids[]")) for n in ("escalation_policy", "schedule")]
        users = set(params.getlist("user_ids[]"))
        with self._lock:  # one on-call per policy, level and user, so `earliest` changes nothing
            rows = [
                self._oncall(service, user_id)
                for service in self._services.values()
                if not wanted[0] or f"EP{service.id}" in wanted[0]
                if not wanted[1] or f"SC{service.id}" in wanted[1]
                if service.added <= until and service.added + SHIFT > since
                for user_id in service.users
                if not users or user_id in users
            ]
        return listed(request, "oncalls", rows)

    def _oncall(self, service: Service, user_id: str) -> dict:
        schedule = f"{service.name} on-call"
        oncall = {"escalation_policy": self._policy_ref(service), "escalation_level": 1}
        oncall["schedule"] = self._ref("schedule", "schedules", f"SC{service.id}", schedule)
        oncall |= {"user": self._user_ref(user_id), "start": stamp(service.added)}
        oncall["end"] = stamp(service.added + SHIFT)
        return oncall

    async def _service(self, request: Request) -> Response:
        with self._lock:
            if (service := self._services.get(request.path_params["id"])) is None:
                return rest_error(404, "Not Found", 2100)
            body = self._service_ref(service) | {"type": "service", "name": service.name}
            body |= {"status": "active", "created_at": stamp(service.added), "teams": []}
            body["escalation_policy"] = self._policy_ref(service)
            body["alert_creation"] = "create_alerts_and_incidents"
        return JSONResponse({"service": body})

    async def _user(self, request: Request) -> Response:
        with self._lock:
            if (user_id := request.path_params["id"]) not in self._users:
                return rest_error(404, "Not Found", 2100)
            return JSONResponse({"user": self._user_body(user_id)})

    async def _list_users(self, request: Request) -> Response:
        """listUsers: `query` matches a part of a user's name or email address."""
        query = request.query_params.get("query", "").lower()
        if window(request.query_params) is None:
            return rest_error(400, "Invalid Input Provided", 2001, ["limit, offset: integers"])
        with self._lock:
            users = [
                self._user_body(user_id)
                for user_id, (name, email) in self._users.items()
                if query in name.lower() or query in email.lower()
            ]
        return listed(request, "users", users)

    def _by(self, request: Request) -> str | None:  # holding the lock
        """The user whose email address the request's `From` is."""
        email = request.headers.get("from", "").lower()
        return next((user for user, (_, e) in self._users.items() if e.lower() == email), None)

    def _user_body(self, user_id: str) -> dict:  # holding the lock
        name, email = self._users[user_id]
        body = self._user_ref(user_id) | {"type": "user", "name": name, "email": email}
        return body | {"time_zone": "UTC", "role": "user", "teams": [], "contact_methods": []}
