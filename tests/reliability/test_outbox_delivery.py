"""Slack failing for minutes, warroom killed in the middle of posting, and two replicas
delivering from one outbox: every status update still appears, once, in the order sent."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from bench.bot_process import BotProcess
from bench.harness import EVENTS_PATH
from tests.conftest import POSTGRES_URL, deliver_everything, eventually, settle
from tests.e2e.incident_fixtures import declare_and_settle
from warroom.bot import start_bot
from warroom.web.background import BackgroundServer

UPDATES = [f"Update {n}: still rolling back" for n in range(10)]


def posted_updates(sandbox, channel_id: str) -> list[str]:
    """The status updates posted in a channel, in order."""
    return updates_in(sandbox.messages(channel_id))


def updates_in(messages: list[dict]) -> list[str]:
    found = [re.search(r"Update \d+: still rolling back", m["text"]) for m in messages]
    return [match.group(0) for match in found if match]


def send_updates(sandbox, incident, user="alice") -> None:
    for text in UPDATES:
        answer = sandbox.driver.slash_command(
            sandbox.user_id(user), incident.channel_id, f"update {text}"
        )
        assert answer.status == 200 and "Recorded" in answer.body["text"]


def test_two_minutes_of_failing_posts_delay_updates_but_lose_none(
    sandbox, general, warroom, bot, db, clock, announce_channel
):
    incident = declare_and_settle(sandbox, db, "sev1 Payments failing")
    sandbox.faults.fail("chat.postMessage", status=500, times=1_000_000)
    send_updates(sandbox, incident)
    for _ in range(9):  # over two minutes of Slack answering 500, warroom retrying
        clock.advance(seconds=15)
        bot.deliverer.deliver_due()
    assert posted_updates(sandbox, incident.channel_id) == []
    # No warning can be posted either: the channel's topic says it instead.
    topic = eventually(lambda: "refusing" in sandbox.channel(incident.channel_id).topic)
    assert (
        "Slack is refusing warroom's posts about INC-1"
        in sandbox.channel(incident.channel_id).topic
    ), topic
    sandbox.faults.clear()  # Slack is back
    deliver_everything(bot, clock)
    settle(sandbox)
    assert "refusing" not in sandbox.channel(incident.channel_id).topic

    assert posted_updates(sandbox, incident.channel_id) == UPDATES
    [announcement, *thread] = sandbox.replies(announce_channel, incident.announcement_ts)
    assert updates_in(thread) == UPDATES and len(thread) == len(UPDATES)
    assert "Update 9" in announcement["text"]  # the latest


def test_a_kill_in_the_middle_of_posting_loses_and_doubles_nothing(
    sandbox, general, database_url, announce_channel, settings, db, clock
):
    with BotProcess(sandbox, database_url, announce_channel) as serving:
        incident = declare_and_settle(sandbox, db, "sev1 Payments failing")
        sandbox.latency = 0.3  # a slow Slack, so the kill lands in the middle of posting
        send_updates(sandbox, incident)
        eventually(lambda: len(posted_updates(sandbox, incident.channel_id)) >= 3, timeout=30)
        serving.kill()
    sandbox.latency = 0
    assert len(posted_updates(sandbox, incident.channel_id)) < len(UPDATES)

    clock.current = datetime.now(UTC) + timedelta(minutes=2)  # the dead one's leases ran out
    restarted = start_bot(settings, db, clock)
    server = BackgroundServer(restarted.web_app()).start()
    try:
        sandbox.connect_http(server.url + EVENTS_PATH)
        deliver_everything(restarted, clock)
        settle(sandbox)
    finally:
        server.stop()
        restarted.stop()
    assert posted_updates(sandbox, incident.channel_id) == UPDATES


@pytest.mark.skipif(
    not POSTGRES_URL,
    reason="replicas share one PostgreSQL database (SQLite has a single writer on one host): "
    "set WARROOM_TEST_DATABASE_URL",
)
def test_two_replicas_deliver_each_update_once_in_order_through_an_outage(
    sandbox, general, database_url, announce_channel, db
):
    with (
        BotProcess(sandbox, database_url, announce_channel) as first,
        BotProcess(sandbox, database_url, announce_channel) as second,
    ):
        sandbox.connect_http(first.url + EVENTS_PATH, second.url + EVENTS_PATH)
        incident = declare_and_settle(sandbox, db, "sev1 Payments failing")
        sandbox.faults.fail("chat.postMessage", status=500, times=1_000_000)
        send_updates(sandbox, incident)  # half to each replica
        time.sleep(5)  # both replicas retry, backing off
        sandbox.faults.clear()
        eventually(
            lambda: len(posted_updates(sandbox, incident.channel_id)) == len(UPDATES), timeout=60
        )
        settle(sandbox)
    assert posted_updates(sandbox, incident.channel_id) == UPDATES
