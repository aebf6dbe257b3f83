"""The same declare over Socket Mode: `apps.connections.open` through SLACK_API_URL, then
requests as WebSocket envelopes acknowledged on the socket."""

import pytest

from tests.conftest import APP_TOKEN, eventually, settle
from warroom.bot import start_bot
from warroom.config import load_settings
from warroom.slack.app import socket_mode
from warroom.store import incidents


@pytest.fixture
def socket_warroom(sandbox, settings, db, clock):
    settings = load_settings(
        _env_file=None, **{**settings.model_dump(), "slack_app_token": APP_TOKEN}
    )
    with start_bot(settings, db, clock) as bot:
        handler = socket_mode(bot.app, settings)
        handler.connect()
        sandbox.wait_for_socket()
        yield handler
        settle(sandbox)  # every delivery acknowledged before the socket closes
        handler.close()


def test_declare_over_socket_mode(sandbox, general, socket_warroom, db):
    alice = sandbox.user_id("alice")
    answer = sandbox.driver.slash_command(alice, general, "declare sev2 Search is slow")
    assert answer.status == 200
    assert "Declaring INC-1 (SEV2)" in answer.body["text"]
    assert [c.args for c in sandbox.calls_to("apps.connections.open")]

    def opened():
        with db.transaction() as session:
            incident = incidents.get(session, 1)
            return incident if incident.headline_ts else None

    incident = eventually(opened)
    settle(sandbox)

    assert sandbox.channel(incident.channel_id).name == "inc-1-search-is-slow"
    assert sandbox.pins(incident.channel_id) == [incident.headline_ts]
