"""The PagerDuty emulator against the official `pagerduty` client, over HTTPS with the test CA:
the client must take it for PagerDuty, and it must refuse what PagerDuty's specs call invalid."""

import hashlib
import hmac
import json
import ssl

import pagerduty
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from warroom.emulators.pagerduty import PagerDutyEmulator
from warroom.sandbox.waiting import eventually
from warroom.web.background import BackgroundServer

KEY = "0123456789abcdef0123456789abcdef"
OTHER_KEY = "fedcba9876543210fedcba9876543210"
ALICE, BOB = (
    ("PALICE1", "Alice Ops", "alice@example.com"),
    ("PBOB002", "Bob Ops", "bob@example.com"),
)
SECRET = "a webhook signing secret"
VALID = {"summary": "Checkout down", "source": "web-1", "severity": "info"}


@pytest.fixture
def emu():
    with PagerDutyEmulator() as running:
        running.add_service("PSVC001", "Checkout", KEY, [ALICE, BOB])
        running.add_service("PSVC002", "Search", OTHER_KEY, [BOB])
        yield running


def events_client(emu, key=KEY, strict=False) -> pagerduty.EventsApiV2Client:
    context = ssl.create_default_context(cafile=emu.ca_file)
    client = pagerduty.EventsApiV2Client(key, base_url=emu.events_url, verify=context)
    if strict:  # no retries: the test wants to see the error status itself
        client.retry, client.max_network_attempts = {}, 0
    return client


def rest_client(emu, key=None) -> pagerduty.RestApiV2Client:
    context = ssl.create_default_context(cafile=emu.ca_file)
    return pagerduty.RestApiV2Client(key or emu.api_key, base_url=emu.rest_url, verify=context)


def refused(client, event: dict):
    with pytest.raises(pagerduty.HttpError) as raised:
        client.send_event(**event)
    return raised.value.response


def test_tls_is_trusted_only_through_the_test_ca(emu):
    untrusting = pagerduty.EventsApiV2Client(KEY, base_url=emu.events_url)
    untrusting.max_network_attempts = 0
    with pytest.raises(pagerduty.Error) as raised:
        untrusting.trigger("Checkout down", "web-1")
    assert "CERTIFICATE_VERIFY_FAILED" in str(raised.value.__cause__)
    assert emu.events == []
    assert events_client(emu).trigger("Checkout down", "web-1")
    assert len(emu.events) == 1


def test_trigger_acknowledge_resolve_one_alert_per_dedup_key(emu):
    client = events_client(emu)
    assert client.trigger("Checkout down", "web-1", dedup_key="k1", severity="error") == "k1"
    assert client.trigger("Checkout still down", "web-1", dedup_key="k1") == "k1"
    alert = emu.alert("k1")
    assert alert["status"] == "triggered" and alert["events"] == 2
    assert (alert["summary"], alert["severity"], alert["routing_key"]) == (
        "Checkout down",
        "error",
        KEY,
    )
    client.acknowledge("k1")
    assert emu.alert("k1")["status"] == "acknowledged"
    client.resolve("k1")
    client.resolve("k1")  # a resolve of a resolved alert is accepted and changes nothing
    assert emu.alert("k1")["status"] == "resolved" and emu.alert("k1")["events"] == 4
    generated = client.trigger("Search slow", "web-2")  # no dedup key: PagerDuty makes one
    assert len(generated) == 32 and emu.alert(generated)["status"] == "triggered"
    assert [e["event_action"] for e in emu.events] == ["trigger"] * 2 + ["acknowledge"] + [
        "resolve"
    ] * 2 + ["trigger"]
    client.trigger("Checkout down again", "web-1", dedup_key="k1")  # after a resolve: a new one
    assert emu.alert("k1")["status"] == "triggered" and emu.alert("k1")["events"] == 1


def test_follow_ups_for_unknown_alerts_or_from_another_key_are_dropped(emu):
    events_client(emu).trigger("Checkout down", "web-1", dedup_key="k1")
    events_client(emu, OTHER_KEY).resolve("k1")
    events_client(emu).acknowledge("never-triggered")
    assert emu.alert("k1")["status"] == "triggered"
    assert emu.alert("never-triggered") is None


def trigger(*missing: str, links=None, **changes) -> dict:
    """A trigger for `send_event`: a valid payload less `missing`, with `changes`."""
    payload = {name: v for name, v in (VALID | changes).items() if name not in missing}
    return {"action": "trigger", "payload": payload} | ({"links": links} if links else {})


@pytest.mark.parametrize(
    ("event", "named"),
    [
        (trigger("summary"), "'payload.summary'"),
        (trigger(summary="x" * 1025), "1024"),
        (trigger(severity="fatal"), "'payload.severity'"),
        (trigger("source"), "'payload.source'"),
        (trigger(timestamp="yesterday"), "'payload.timestamp'"),
        (trigger(custom_details="free text"), "'payload.custom_details'"),
        (trigger(links=[{"text": "no href"}]), "'links[0].href'"),
        ({"action": "trigger"}, "'payload'"),
        ({"action": "resolve", "dedup_key": "k" * 256}, "'dedup_key'"),
        ({"action": "acknowledge", "dedup_key": ""}, "'dedup_key'"),
    ],
)
def test_invalid_events_are_refused_naming_the_field(emu, event, named):
    body = refused(events_client(emu, strict=True), event).json()
    assert body["status"] == "invalid event" and body["message"] == "Event object is invalid"
    assert any(named in error for error in body["errors"]), body["errors"]
    assert emu.events == [] and emu.calls == [("POST", "/v2/enqueue", 400)]


def test_bad_and_unknown_routing_keys_and_actions(emu):
    short = refused(
        events_client(emu, "too-short", strict=True), {"action": "resolve", "dedup_key": "k"}
    )
    assert short.status_code == 400
    assert (
        "Length of 'routing_key' is incorrect (should be 32 characters)" in short.json()["errors"]
    )
    unknown = refused(
        events_client(emu, "f" * 32, strict=True), {"action": "resolve", "dedup_key": "k"}
    )
    assert unknown.json()["errors"] == ["Invalid routing key"]
    client = events_client(emu, strict=True)
    response = client.post("/v2/enqueue", json={"event_action": "snooze", "dedup_key": "k"})
    assert response.status_code == 400 and "'event_action'" in response.json()["errors"][0]


def test_injected_429_is_retried_by_the_client_then_answered_with_its_body(emu):
    client = events_client(emu)
    client.sleep_timer = 0.001
    emu.fail(429, times=1, retry_after=7)
    assert client.trigger("Checkout down", "web-1", dedup_key="k1") == "k1"
    assert [status for *_, status in emu.calls] == [429, 202]
    emu.fail(429, retry_after=7)
    client.retry = {429: 1}  # one retry, then hand back the 429
    response = client.post("/v2/enqueue", json={"event_action": "resolve", "dedup_key": "k1"})
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    assert response.json()["status"] == "Request Limit Exceeded"
    emu.recover()
    events_client(emu, strict=True).resolve("k1")
    assert emu.alert("k1")["status"] == "resolved"


def test_injected_5xx_reaches_a_client_that_does_not_retry(emu):
    emu.fail(503, times=1)
    response = refused(events_client(emu, strict=True), {"action": "resolve", "dedup_key": "k"})
    assert response.status_code == 503 and emu.events == []


def test_oncalls_services_and_users_through_the_rest_client(emu):
    client = rest_client(emu)
    service = client.rget("/services/PSVC001")
    assert (service["id"], service["name"], service["type"]) == ("PSVC001", "Checkout", "service")
    policy = service["escalation_policy"]
    assert policy["type"] == "escalation_policy_reference"
    oncalls = list(
        client.iter_all(
            "/oncalls", params={"escalation_policy_ids[]": [policy["id"]], "earliest": "true"}
        )
    )
    assert [(o["user"]["id"], o["user"]["summary"]) for o in oncalls] == [
        (ALICE[0], ALICE[1]),
        (BOB[0], BOB[1]),
    ]
    assert {(o["escalation_level"], o["escalation_policy"]["id"]) for o in oncalls} == {
        (1, policy["id"])
    }
    assert oncalls[0]["user"]["type"] == "user_reference" and oncalls[0]["user"]["html_url"]
    user = client.rget(oncalls[0]["user"])  # by its `self` URL, which points at the emulator
    assert (user["id"], user["name"], user["email"]) == ALICE
    schedule = oncalls[0]["schedule"]["id"]
    assert len(list(client.iter_all("/oncalls", params={"schedule_ids[]": [schedule]}))) == 2
    assert len(list(client.iter_all("/oncalls"))) == 3
    page = client.get("/oncalls", params={"limit": 1, "total": "true"}).json()
    assert (len(page["oncalls"]), page["more"], page["total"], page["limit"]) == (1, True, 3, 1)


def test_rest_refusals_unknown_ids_bad_queries_and_wrong_keys(emu):
    client = rest_client(emu)
    for path in ("/services/PNOPE00", "/users/PNOPE00"):
        response = client.get(path)
        assert response.status_code == 404 and response.json() == {
            "error": {"message": "Not Found", "code": 2100}
        }
    assert client.get("/oncalls", params={"since": "last tuesday"}).json()["error"]["code"] == 2004
    assert client.get("/oncalls", params={"limit": "many"}).status_code == 400
    client.headers["Accept"] = "application/json"
    assert client.get("/users/PALICE1").status_code == 400
    with pytest.raises(pagerduty.HttpError) as raised:
        rest_client(emu, "not-the-key").rget("/users/PALICE1")
    assert raised.value.response.status_code == 401
    assert raised.value.response.json()["error"]["code"] == 2006
    assert emu.calls[-1] == ("GET", "/users/PALICE1", 401)


def new_incident(**changes) -> dict:
    incident = {
        "type": "incident",
        "title": "Ledger stuck",
        "service": {"id": "PSVC001", "type": "service_reference"},
        "incident_key": "k1",
        "urgency": "low",
        "assignments": [{"assignee": {"id": "PBOB002", "type": "user_reference"}}],
        "body": {"type": "incident_body", "details": "Please join"},
    }
    return {"incident": incident | changes}


def test_an_incident_opened_by_name_is_found_by_key_and_resolved_as_its_from_user(emu):
    client = rest_client(emu)
    client.headers["From"] = "alice@example.com"
    opened = client.rpost("/incidents", json=new_incident())
    assert opened["status"] == "triggered" and opened["urgency"] == "low"
    assert [a["assignee"]["id"] for a in opened["assignments"]] == ["PBOB002"]
    assert emu.alert("k1")["details"] == "Please join"
    again = client.post("/incidents", json=new_incident())
    assert again.status_code == 400 and again.json()["error"]["code"] == 2002

    listed = client.list_all(
        "/incidents", params={"incident_key": "k1", "statuses[]": ["triggered"]}
    )
    assert [i["id"] for i in listed] == [opened["id"]]
    assert client.list_all("/incidents", params={"incident_key": "k2"}) == []
    resolved = {"type": "incident_reference", "status": "resolved"}
    assert (
        client.rput(f"/incidents/{opened['id']}", json={"incident": resolved})["status"]
        == "resolved"
    )
    assert client.list_all("/incidents", params={"statuses[]": ["triggered", "acknowledged"]}) == []
    assert client.rpost("/incidents", json=new_incident())["id"] != opened["id"]  # key free again


def test_a_note_is_added_as_its_from_user_and_a_bad_one_is_refused(emu):
    client = rest_client(emu)
    client.headers["From"] = "alice@example.com"
    opened = client.rpost("/incidents", json=new_incident())
    note = client.rpost(f"/incidents/{opened['id']}/notes", json={"note": {"content": "Again"}})
    assert note["content"] == "Again" and note["user"]["id"] == "PALICE1"
    assert note["id"] and note["created_at"].endswith("Z") and note["channel"]["summary"]
    assert emu.calls[-1] == ("POST", f"/incidents/{opened['id']}/notes", 200)
    assert emu.notes("k1") == ["Again"]
    assert client.rget(f"/incidents/{opened['id']}/notes") == [note]  # listIncidentNotes
    assert client.get("/incidents/PI99999/notes").status_code == 404

    for body, named in (({}, "'note'"), ({"note": {"content": 7}}, "'note.content'")):
        response = client.post(f"/incidents/{opened['id']}/notes", json=body)
        assert response.status_code == 400 and named in str(response.json()["error"]["errors"])
    unknown = client.post("/incidents/PI99999/notes", json={"note": {"content": "Again"}})
    assert unknown.status_code == 404
    del client.headers["From"]
    anonymous = client.post(f"/incidents/{opened['id']}/notes", json={"note": {"content": "x"}})
    assert anonymous.status_code == 400 and "From" in str(anonymous.json()["error"]["errors"])
    assert emu.notes("k1") == ["Again"]


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"type": "incident_reference"}, "'incident.type'"),
        ({"title": " "}, "'incident.title'"),
        ({"service": {"id": "PNOPE00", "type": "service_reference"}}, "'incident.service.id'"),
        ({"urgency": "urgent"}, "'incident.urgency'"),
        ({"assignments": [{"assignee": {"id": "PBOB002"}}]}, "'incident.assignments[0].assignee'"),
        ({"escalation_policy": {"id": "EPPSVC001", "type": "escalation_policy_reference"}}, "both"),
        ({"body": {"details": "no type"}}, "'incident.body.type'"),
        (
            {
                "assignments": [
                    {"assignee": {"id": u, "type": "user_reference"}}
                    for u in ("PBOB002", "PALICE1")
                ]
            },
            "one assignee",
        ),
    ],
)
def test_an_invalid_new_incident_is_refused_naming_the_field(emu, changes, named):
    client = rest_client(emu)
    client.headers["From"] = "alice@example.com"
    response = client.post("/incidents", json=new_incident(**changes))
    assert response.status_code == 400 and response.json()["error"]["code"] == 2001
    assert named in str(response.json()["error"]["errors"])
    assert emu.alert("k1") is None


def test_changes_need_a_from_user_of_the_account_and_users_are_found_by_email(emu):
    client = rest_client(emu)
    response = client.post("/incidents", json=new_incident())
    assert response.status_code == 400 and "From" in response.json()["error"]["errors"][0]
    client.headers["From"] = "mallory@example.com"
    response = client.post("/incidents", json=new_incident())
    assert response.json()["error"] == {"message": "Requester User Not Found", "code": 1008}
    assert client.find("users", "BOB@example.com", attribute="email")["id"] == "PBOB002"
    assert client.find("users", "carol@example.com", attribute="email") is None
    resolving = {"incident": {"type": "incident_reference", "status": "resolved"}}
    client.headers["From"] = "alice@example.com"
    assert client.put("/incidents/PI99999", json=resolving).status_code == 404


def test_rest_429_carries_the_rate_limit_body(emu):
    client = rest_client(emu)
    client.retry, client.sleep_timer = {429: 1}, 0.001
    emu.fail(429, retry_after=3)
    response = client.get("/users/PALICE1")
    assert response.status_code == 429 and response.headers["ratelimit-reset"] == "3"
    assert response.json() == {"error": {"message": "Rate Limit Exceeded", "code": 2020}}


def test_signed_v3_webhooks_arrive_for_trigger_acknowledge_and_resolve():
    received, answers = [], [503]  # the receiver is down for the first delivery

    async def receive(request: Request) -> Response:
        body = await request.body()
        digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        signatures = request.headers["x-pagerduty-signature"].split(",")
        assert any(hmac.compare_digest(f"v1={digest}", s) for s in signatures)
        received.append((request.headers["x-webhook-id"], json.loads(body)["event"]))
        return Response(status_code=answers.pop() if answers else 202)

    receiver = BackgroundServer(Starlette(routes=[Route("/pd", receive, methods=["POST"])]))
    receiver.start()
    try:
        with PagerDutyEmulator(webhook_secret=SECRET) as emu:
            emu.webhook_url = receiver.url + "/pd"  # may be set once the receiver is up
            emu.add_service("PSVC001", "Checkout", KEY, [ALICE])
            events_client(emu).trigger("Checkout down", "web-1", dedup_key="k1")
            emu.acknowledge("k1", ALICE[0])
            emu.resolve("k1", ALICE[0])
            eventually(lambda: len(emu.webhook_attempts) == 4)
    finally:
        receiver.stop()
    assert emu.webhook_attempts == [
        ("incident.triggered", 503),
        ("incident.triggered", 202),
        ("incident.acknowledged", 202),
        ("incident.resolved", 202),
    ]
    assert received[0][0] == received[1][0]  # a retry keeps its X-Webhook-Id
    triggered, acknowledged, resolved = (event for _, event in received[1:])
    incident = acknowledged["data"]
    assert incident["incident_key"] == "k1" and incident["status"] == "acknowledged"
    assert incident["title"] == "Checkout down" and incident["number"] == 1
    assert incident["service"]["id"] == "PSVC001" and incident["html_url"]
    assert [a["id"] for a in incident["assignees"]] == [ALICE[0]]
    assert acknowledged["agent"] == incident["assignees"][0]
    assert triggered["agent"]["type"] == "service_reference"
    assert resolved["data"]["status"] == "resolved" and resolved["occurred_at"].endswith("Z")
    assert triggered["occurred_at"] <= acknowledged["occurred_at"] <= resolved["occurred_at"]
