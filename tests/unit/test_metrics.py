import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from warroom.metrics import Metrics
from warroom.slack.instrumentation import call_counter, instrument

RATE_LIMITED = (429, {"Retry-After": "0"}, {"ok": False, "error": "ratelimited"})


def ok(**fields) -> tuple[int, dict, dict]:
    return 200, {}, {"ok": True, **fields}


def samples(metrics: Metrics) -> dict[tuple[str, frozenset], float]:
    """Every rendered sample, keyed by its name and labels."""
    body, _ = metrics.render()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def value(metrics: Metrics, name: str, **labels) -> float | None:
    return samples(metrics).get((name, frozenset(labels.items())))


class FakeSlack(ThreadingHTTPServer):
    """A Web API that answers each method from a script: one reply per call, the last
    reply repeated once the script runs out."""

    def __init__(self, script: dict[str, list[tuple[int, dict, dict]]]):
        super().__init__(("127.0.0.1", 0), _ScriptedReply)
        self.script = script

    @property
    def api_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/api/"

    def reply_for(self, method: str) -> tuple[int, dict, dict]:
        replies = self.script[method]
        return replies.pop(0) if len(replies) > 1 else replies[0]


class _ScriptedReply(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, headers, body = self.server.reply_for(self.path.rsplit("/", 1)[-1])
        payload = json.dumps(body).encode()
        self.send_response(status)
        for name, header_value in {**headers, "Content-Type": "application/json"}.items():
            self.send_header(name, header_value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        pass  # keep test output to what the tests say


@pytest.fixture
def fake_slack(request):
    server = FakeSlack(request.param)
    # A short poll interval so that shutting the server down does not slow every test.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_render_exposes_each_family_with_its_labels():
    metrics = Metrics(lambda: {}, lambda: {"slack": 3, "slack.notices": 1})
    metrics.request_handled("command", 0.2)
    metrics.slack_call("chat.postMessage", "ok")
    metrics.nag_sent("status_update")
    metrics.tick(0.5)
    metrics.delivery_settled("slack", "delivered", 0.2)
    metrics.delivery_settled("slack", "retry", 40.0)

    body, content_type = metrics.render()

    assert content_type.startswith("text/plain")
    assert value(metrics, "warroom_requests_total", kind="command") == 1
    assert value(metrics, "warroom_request_seconds_count", kind="command") == 1
    assert value(metrics, "warroom_request_seconds_bucket", kind="command", le="0.25") == 1
    assert value(metrics, "warroom_request_seconds_bucket", kind="command", le="0.1") == 0
    assert value(metrics, "warroom_request_seconds_bucket", kind="command", le="3.0") == 1
    assert (
        value(metrics, "warroom_slack_api_calls_total", method="chat.postMessage", outcome="ok")
        == 1
    )
    assert value(metrics, "warroom_nags_sent_total", kind="status_update") == 1
    assert value(metrics, "warroom_scheduler_tick_seconds_sum") == 0.5
    assert b"# TYPE warroom_open_incidents gauge" in body
    assert value(metrics, "warroom_outbox_pending", destination="slack") == 3
    assert value(metrics, "warroom_outbox_pending", destination="slack.notices") == 1
    delivered = {"destination": "slack", "outcome": "delivered"}
    assert value(metrics, "warroom_outbox_delivery_seconds_bucket", **delivered, le="0.25") == 1
    retried = {"destination": "slack", "outcome": "retry"}
    assert value(metrics, "warroom_outbox_delivery_seconds_bucket", **retried, le="15.0") == 0


def test_open_incidents_are_counted_at_scrape_time_by_severity_and_visibility():
    open_now = {"sev1": (2, 1), "sev2": (0, 3)}
    metrics = Metrics(lambda: open_now, lambda: {})

    assert value(metrics, "warroom_open_incidents", severity="sev1", visibility="public") == 2
    assert value(metrics, "warroom_open_incidents", severity="sev1", visibility="private") == 1
    assert value(metrics, "warroom_open_incidents", severity="sev2", visibility="private") == 3

    open_now["sev1"] = (0, 0)
    assert value(metrics, "warroom_open_incidents", severity="sev1", visibility="private") == 0

    label_names = {
        name
        for (sample_name, labels) in samples(metrics)
        if sample_name == "warroom_open_incidents"
        for name, _ in labels
    }
    assert label_names == {"severity", "visibility"}


def test_each_bot_has_a_registry_of_its_own():
    first, second = Metrics(lambda: {}, lambda: {}), Metrics(lambda: {}, lambda: {})
    first.nag_sent("status_update")

    assert value(first, "warroom_nags_sent_total", kind="status_update") == 1
    assert value(second, "warroom_nags_sent_total", kind="status_update") is None


BOT = ok(user_id="UBOT", bot_id="BBOT", team_id="T1", team="warroom", url="https://x/")


@pytest.mark.parametrize("fake_slack", [{"auth.test": [BOT]}], indirect=True)
def test_the_app_times_each_request_it_dispatches_until_it_is_acknowledged(fake_slack):
    metrics = Metrics(lambda: {}, lambda: {})
    instrument(app := bolt_app(fake_slack, []), metrics)

    @app.command("/incident")
    def slow_command(ack):
        time.sleep(0.05)  # the listener's work counts towards the time Slack waits
        ack()

    @app.event("app_mention")
    def mention(ack):
        ack()

    assert app.dispatch(command_request()).status == 200
    assert app.dispatch(event_request()).status == 200

    assert value(metrics, "warroom_requests_total", kind="command") == 1
    assert value(metrics, "warroom_requests_total", kind="event") == 1
    assert value(metrics, "warroom_request_seconds_sum", kind="command") >= 0.05


@pytest.mark.parametrize("fake_slack", [{"auth.test": [BOT]}], indirect=True)
def test_calls_made_through_bolts_per_request_clients_are_counted(fake_slack):
    metrics = Metrics(lambda: {}, lambda: {})
    app = bolt_app(fake_slack, [call_counter(metrics)])
    app.command("/incident")(lambda ack: ack())

    app.dispatch(command_request())

    # Bolt authorizes with a client of its own, built from a copy of the handler list.
    assert value(metrics, "warroom_slack_api_calls_total", method="auth.test", outcome="ok") == 1


@pytest.mark.parametrize(
    "fake_slack",
    [
        {
            "chat.postMessage": [ok()],
            "conversations.info": [(200, {}, {"ok": False, "error": "channel_not_found"})],
            "conversations.create": [RATE_LIMITED, ok(channel={"id": "C1"})],
            "conversations.invite": [RATE_LIMITED],
        }
    ],
    indirect=True,
)
def test_web_api_calls_are_counted_by_method_and_outcome_with_their_retries(fake_slack):
    metrics = Metrics(lambda: {}, lambda: {})
    client = WebClient(
        token="xoxb-test",
        base_url=fake_slack.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1), call_counter(metrics)],
    )

    client.chat_postMessage(channel="C1", text="hello")
    with pytest.raises(SlackApiError):
        client.conversations_info(channel="C404")
    client.conversations_create(name="inc-1")
    with pytest.raises(SlackApiError):
        client.conversations_invite(channel="C1", users="U1")  # still limited after its retry

    assert {
        (dict(labels)["method"], dict(labels)["outcome"]): count
        for (name, labels), count in samples(metrics).items()
        if name == "warroom_slack_api_calls_total"
    } == {
        ("chat.postMessage", "ok"): 1,
        ("conversations.info", "error"): 1,
        ("conversations.create", "retry"): 1,
        ("conversations.create", "ok"): 1,
        ("conversations.invite", "retry"): 1,
        ("conversations.invite", "error"): 1,
    }


def bolt_app(fake_slack: FakeSlack, retry_handlers: list) -> App:
    # Bolt calls auth.test before a listener runs: the fake Slack answers it.
    client = WebClient(
        token="xoxb-test", base_url=fake_slack.api_url, retry_handlers=retry_handlers
    )
    return App(
        client=client,
        signing_secret="secret",
        token_verification_enabled=False,
        request_verification_enabled=False,
    )


def command_request() -> BoltRequest:
    body = {"team_id": "T1", "user_id": "U1", "channel_id": "C1", "command": "/incident"}
    return BoltRequest(
        body=urlencode(body),
        headers={"content-type": ["application/x-www-form-urlencoded"]},
    )


def event_request() -> BoltRequest:
    body = {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event_id": "Ev1",
        "event_time": 1700000000,
        "event": {"type": "app_mention", "user": "U1", "channel": "C1", "text": "hi", "ts": "1.0"},
    }
    return BoltRequest(body=json.dumps(body), headers={"content-type": ["application/json"]})
