"""A database that accepts connections and answers nothing, for a minute: every request is
still answered within Slack's 3 seconds (commands in words, events with an error so that
Slack retries them), /healthz says so, and once the database answers again nothing is lost."""

import time

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, eventually, settle, watch_bot_work
from tests.e2e.incident_fixtures import declare_and_settle
from tests.reliability.tcp_proxy import TcpProxy
from warroom.bot import start_bot
from warroom.store import timeline
from warroom.store.db import ANSWER_WITHIN, Database
from warroom.web.background import BackgroundServer

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="the hang is a PostgreSQL connection that stops answering: set "
    "WARROOM_TEST_DATABASE_URL",
)

HANG_SECONDS = 60
SLACK_DEADLINE = 3.0


@pytest.mark.expect_error_logs  # commands failing for want of a database are errors to log
def test_a_database_that_stops_answering_holds_nothing_up(
    sandbox, general, settings, database_url, clock, announce_channel
):
    url = make_url(database_url)
    proxy = TcpProxy(url.host, url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    db = Database(proxied, answer_within=ANSWER_WITHIN)
    bot = start_bot(settings.model_copy(update={"database_url": proxied}), db, clock)
    server = BackgroundServer(bot.web_app()).start()
    sandbox.connect_http(f"{server.url}/slack/events")
    direct = Database(database_url)  # the outbox as settle reads it, past the proxy
    watch_bot_work(sandbox, bot, direct)
    sandbox.delivery.retry_delays = (0.1, 0.2, 0.4)
    alice = sandbox.user_id("alice")
    try:
        incident = declare_and_settle(sandbox, db, "sev1 Payments failing")
        proxy.hang()
        hung_until = time.monotonic() + HANG_SECONDS
        answers, posted, health = [], [], []
        while time.monotonic() < hung_until - 5:
            started = time.monotonic()
            answer = sandbox.driver.slash_command(alice, incident.channel_id, "status")
            assert answer.status == 200, f"not answered within Slack's 3 seconds: {answer}"
            answers.append((time.monotonic() - started, answer.body["text"]))
            text = f"during the hang {len(posted)}"
            sandbox.driver.post_message(alice, incident.channel_id, text)
            posted.append(text)
            started = time.monotonic()
            status = httpx.get(f"{server.url}/healthz", timeout=10).status_code
            health.append((time.monotonic() - started, status))
            time.sleep(5)
        sandbox.wait_idle(timeout=120)  # Slack has given up on the events it retried
        time.sleep(max(0.0, hung_until - time.monotonic()))
        proxy.unhang()

        assert max(seconds for seconds, _ in answers) < SLACK_DEADLINE, answers
        assert all("cannot reach its database" in text for _, text in answers)
        assert all(status == 503 and seconds < SLACK_DEADLINE for seconds, status in health)
        # The sandbox, like Slack, gives up on an answer after 3 seconds.
        assert [a for a in sandbox.deliveries if a.error == "http_timeout"] == []
        assert any(a.status == 500 for a in sandbox.deliveries)  # refused: Slack retried

        def recorded():
            with db.transaction() as session:
                entries = timeline.entries(session, incident.id)
                return [e.text for e in entries if e.kind == "message"]

        assert eventually(lambda: recorded() == posted and recorded(), timeout=60) == posted
        answer = sandbox.driver.slash_command(alice, incident.channel_id, "note database back")
        assert "Recorded" in answer.body["text"]
        settle(sandbox)
    finally:
        server.stop()
        bot.stop()
        proxy.close()
        db.dispose()
        direct.dispose()
