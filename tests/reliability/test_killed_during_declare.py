"""`warroom serve` killed in the middle of a declare: after a restart the incident is set up
completely, once, and the channel is told what happened."""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from tests.conftest import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, eventually, settle
from warroom.bot import start_bot
from warroom.store import incidents
from warroom.web.background import BackgroundServer, free_port


@pytest.fixture
def serve_process(sandbox, database_url, announce_channel):
    """`warroom serve` in its own process, pointed at the sandbox."""
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": sandbox.api_url,
        "DATABASE_URL": database_url,
        "WARROOM_ANNOUNCE_CHANNEL": announce_channel,
    }
    env.pop("SLACK_APP_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "warroom.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    eventually(lambda: _listening(port), timeout=30)
    sandbox.connect_http(f"{url}/slack/events")
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
    assert APP_TOKEN  # the process served HTTP, not Socket Mode


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_a_declare_interrupted_by_a_kill_is_finished_after_restart(
    sandbox, general, serve_process, settings, db, clock, announce_channel
):
    sandbox.latency = 0.4  # a slow Slack, so the kill lands in the middle of the setup
    alice = sandbox.user_id("alice")
    answer = sandbox.driver.slash_command(alice, general, "declare sev1 Payments failing")
    assert "Declaring INC-1" in answer.body["text"]
    eventually(lambda: sandbox.calls_to("conversations.create"), timeout=10)
    time.sleep(0.6)  # the channel is linked; the headline and announcement are on their way
    serve_process.send_signal(signal.SIGKILL)
    serve_process.wait(timeout=10)
    sandbox.latency = 0
    with db.transaction() as session:
        interrupted = incidents.get(session, 1)
    assert interrupted.channel_id and interrupted.setup_failure is None
    assert not (interrupted.headline_ts and interrupted.announcement_ts)

    clock.current = interrupted.declared_at + timedelta(minutes=2)  # its lease has run out
    bot = start_bot(settings, db, clock)
    server = BackgroundServer(bot.web_app()).start()
    try:

        def finished():
            with db.transaction() as session:
                incident = incidents.get(session, 1)
            return incident if incident.headline_ts and incident.announcement_ts else None

        incident = eventually(finished, timeout=30)
        settle(sandbox)
    finally:
        server.stop()
        bot.stop()
    headlines = [
        m
        for m in sandbox.messages(incident.channel_id)
        if m.get("blocks") and "INC-1: Payments failing" in str(m["blocks"])
    ]
    assert [h["ts"] for h in headlines] == [incident.headline_ts]
    assert sandbox.pins(incident.channel_id) == [incident.headline_ts]
    assert len(sandbox.messages(announce_channel)) == 1
    assert any(
        "warroom was restarted while setting up INC-1" in m["text"]
        for m in sandbox.messages(incident.channel_id)
    )
    assert len([c for c in sandbox.calls_to("conversations.create") if c.ok]) == 1
