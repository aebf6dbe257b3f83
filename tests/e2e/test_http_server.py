"""The HTTP side of `warroom serve`: health checks and the Slack endpoint's gatekeeping."""

import httpx

from tests.conftest import SIGNING_SECRET
from warroom.app.core import Core
from warroom.app.incidents import declare
from warroom.app.outbox import Outbox
from warroom.domain.incident import Severity
from warroom.metrics import Metrics
from warroom.slack.app import build_app, build_services
from warroom.store.db import Database
from warroom.web.background import BackgroundServer
from warroom.web.server import create_web_app


def test_healthz_reports_a_reachable_database(warroom):
    answer = httpx.get(f"{warroom.url}/healthz")
    assert answer.status_code == 200 and answer.json() == {"ok": True}


def test_healthz_says_why_when_the_database_is_down(sandbox, settings, clock):
    unreachable = Database("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    metrics = Metrics(open_incidents=dict, pending_deliveries=dict)
    core = Core(db=unreachable, now=clock, policy=settings.nag_policy(), outbox=Outbox())
    services = build_services(settings, core, metrics)
    server = BackgroundServer(
        create_web_app(build_app(services), unreachable, metrics, SIGNING_SECRET)
    )
    server.start()
    try:
        answer = httpx.get(f"{server.url}/healthz")
    finally:
        server.stop()
    assert answer.status_code == 503
    assert answer.json()["reason"].startswith("database unreachable")
    assert "nobody" not in answer.text  # no connection details leak


def test_unsigned_requests_are_refused(warroom):
    answer = httpx.post(f"{warroom.url}/slack/events", content=b"command=/incident&text=help")
    assert answer.status_code == 401


def test_metrics_count_without_naming_private_incidents(sandbox, general, warroom, core, db):
    from tests.e2e.incident_fixtures import declare_and_settle

    declare_and_settle(sandbox, db, "sev1 Payments failing")
    sandbox.driver.slash_command(sandbox.user_id("alice"), general, "help")
    declare(core, title="Secret breach", severity=Severity.SEV1, by="U1", is_private=True)
    page = httpx.get(f"{warroom.url}/metrics").text
    assert 'warroom_open_incidents{severity="sev1",visibility="public"} 1.0' in page
    assert 'warroom_open_incidents{severity="sev1",visibility="private"} 1.0' in page
    assert 'warroom_requests_total{kind="command"}' in page
    assert 'warroom_slack_api_calls_total{method="conversations.create",outcome="ok"} 1.0' in page
    assert "Secret breach" not in page and "xoxb" not in page
