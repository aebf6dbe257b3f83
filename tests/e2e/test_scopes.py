"""slack-manifest.yml asks for the scopes warroom uses, and no others.

The sandbox grants the bot exactly the manifest's scopes and refuses a call needing another
with Slack's `missing_scope`, so every end-to-end test checks that none is missing. This one
plays an incident through everything warroom does in Slack and checks that every scope
asked for was needed by something.
"""

import pytest

from tests.conftest import settle
from tests.e2e.incident_fixtures import declare_and_settle, declare_private_and_settle, run
from tests.e2e.paging_fixtures import paged
from warroom.slack.manifest import bot_scopes


@pytest.fixture
def settings(settings, tmp_path, sandbox, pagerduty):
    """Paging too: the on-call it names are looked up in Slack by email."""
    return paged(settings, tmp_path, sandbox, pagerduty)


def test_every_scope_the_manifest_asks_for_is_used(sandbox, general, warroom, bot, db, clock):
    alice, bob = sandbox.user_id("alice"), sandbox.user_id("bob")
    # Joins #incidents, and pages payments' on-call.
    public = declare_and_settle(sandbox, db, "sev2 payments: Checkout failing")
    secret = declare_private_and_settle(sandbox, db, "Leaked credentials")
    for incident in (public, secret):
        ts = sandbox.driver.post_message(alice, incident.channel_id, "looking at it")
        sandbox.driver.add_reaction(alice, incident.channel_id, ts, "pushpin")
        sandbox.driver.pin(alice, incident.channel_id, ts)
    sandbox.driver.post_message(bob, general, "is checkout down?")
    sandbox.driver.send_direct_message(alice, "hello")
    run(sandbox, public, "sync")
    run(sandbox, public, "list")  # membership of the private incident's channel is asked
    clock.advance(hours=1)
    bot.scheduler.tick()  # a stale update: the channel is checked before the nag
    settle(sandbox)  # delivered before the resolve below makes it moot
    run(sandbox, public, "resolve Rolled back")  # the postmortem draft is uploaded
    settle(sandbox)

    assert sandbox.scopes_used == set(bot_scopes())
