"""The HTTP side of `warroom serve`: health checks and the Slack endpoint's gatekeeping."""

import httpx

from warroom.db import Database
from warroom.slack.app import build_app, build_services
from warroom.web import BackgroundServer, create_web_app


def test_healthz_reports_a_reachable_database(warroom):
    answer = httpx.get(f"{warroom.url}/healthz")
    assert answer.status_code == 200 and answer.json() == {"ok": True}


def test_healthz_says_why_when_the_database_is_down(sandbox, settings, clock):
    unreachable = Database("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    server = BackgroundServer(
        create_web_app(build_app(build_services(settings, unreachable, clock)), unreachable)
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
