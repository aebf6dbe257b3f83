"""The database unreachable while messages flow: commands are answered in words, events
are refused so Slack retries them, and once the database is back the timeline is complete."""

import time

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, eventually, settle, watch_bot_work
from tests.e2e.incident_fixtures import declare_and_settle
from tests.reliability.tcp_proxy import TcpProxy
from warroom.bot import start_bot
from warroom.store import timeline
from warroom.store.db import Database
from warroom.web.background import BackgroundServer

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="the outage is a cut network link to PostgreSQL: set WARROOM_TEST_DATABASE_URL",
)

OUTAGE_SECONDS = 3  # long enough for Slack's retries of every delivery to be refused


@pytest.mark.expect_error_logs  # a command failing for want of a database is an error to log
def test_nothing_is_lost_while_the_database_is_unreachable(
    sandbox, general, settings, database_url, clock, announce_channel
):
    url = make_url(database_url)
    proxy = TcpProxy(url.host, url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    db = Database(proxied)
    bot = start_bot(settings.model_copy(update={"database_url": proxied}), db, clock)
    server = BackgroundServer(bot.web_app()).start()
    sandbox.connect_http(f"{server.url}/slack/events")
    direct = Database(database_url)  # the outbox as settle reads it, past the proxy
    watch_bot_work(sandbox, bot, direct)
    sandbox.delivery.retry_delays = (0.1, 0.2, 0.4)
    try:
        incident = declare_and_settle(sandbox, db, "sev1 Payments failing")
        alice = sandbox.user_id("alice")
        sandbox.driver.post_message(alice, incident.channel_id, "before the outage")
        settle(sandbox)

        proxy.cut()
        for n in range(5):
            sandbox.driver.post_message(alice, incident.channel_id, f"during the outage {n}")
        answer = sandbox.driver.slash_command(alice, incident.channel_id, "status")
        assert answer.status == 200
        assert "cannot reach its database" in answer.body["text"]
        sandbox.wait_idle(timeout=20)
        refused = [a for a in sandbox.deliveries if a.status == 500]
        assert refused  # Slack was told to retry, and gave up after its retries
        time.sleep(OUTAGE_SECONDS)
        proxy.restore()

        def recorded():
            with db.transaction() as session:
                texts = [
                    e.text for e in timeline.entries(session, incident.id) if e.kind == "message"
                ]
            return texts if len(texts) == 6 else None

        texts = eventually(recorded, timeout=60)
        assert texts == ["before the outage"] + [f"during the outage {n}" for n in range(5)]
    finally:
        server.stop()
        bot.stop()
        proxy.close()
        db.dispose()
        direct.dispose()
