"""The outgoing webhook end to end: warroom's outbox delivering to a receiver that checks
every request with the Standard Webhooks reference verifier."""

import base64

import httpx
import pytest

from tests.conftest import deliver_everything, eventually, settle
from tests.e2e.incident_fixtures import declare_and_settle, declare_private_and_settle, run
from warroom.emulators.webhooks import WebhookReceiver

SECRET = "whsec_" + base64.b64encode(b"a webhook key of 32 bytes, ok!!!").decode()


@pytest.fixture
def receiver():
    with WebhookReceiver(SECRET) as running:
        yield running


@pytest.fixture
def settings(settings, receiver):
    return settings.model_copy(
        update={
            "warroom_webhook_url": receiver.url,
            "warroom_webhook_secret": type(settings.slack_signing_secret)(SECRET),
        }
    )


def test_every_change_arrives_signed_once_and_in_order(sandbox, general, warroom, db, receiver):
    incident = declare_and_settle(sandbox, db, "sev2 Checkout failing")
    alice = sandbox.user_id("alice")
    run(sandbox, incident, "role ic me")
    run(sandbox, incident, "update identified Bad deploy of cart-api")
    run(sandbox, incident, "milestone impact-started 14:05")
    run(sandbox, incident, f"action Add a canary step <@{alice}> due friday")
    run(sandbox, incident, "resolve Rolled back")
    settle(sandbox)

    assert receiver.types() == [
        "incident.declared",
        "incident.role_assigned",
        "incident.status_updated",
        "incident.milestone_set",
        "action_item.added",
        "incident.resolved",
        "postmortem.changed",
    ]
    assert all(attempt.reason == "accepted" for attempt in receiver.attempts)
    declared, _, update, milestone, *_ = receiver.received
    assert milestone["data"]["milestone"] == "impact_started"
    assert milestone["data"]["incident"]["impact_started_at"] == "2026-03-11T14:05:00+00:00"
    assert declared["data"]["incident"]["title"] == "Checkout failing"
    assert declared["data"]["incident"]["reference"] == "INC-1"
    assert update["data"]["status"] == "identified"
    assert update["data"]["text"] == "Bad deploy of cart-api"
    assert update["data"]["incident"]["status"] == "identified"
    assert "reply_to" not in declared["data"]


def test_a_forged_delivery_is_refused_by_the_receiver(receiver):
    body = b'{"type": "incident.declared", "timestamp": "2026-03-11T14:18:00Z", "data": {}}'
    headers = {"webhook-id": "x", "webhook-timestamp": "1", "webhook-signature": "v1,Zm9yZ2Vk"}
    assert httpx.post(receiver.url, content=body, headers=headers).status_code == 401
    assert receiver.received == []


def test_a_private_incident_goes_out_without_its_title_or_words(
    sandbox, general, warroom, db, receiver
):
    incident = declare_private_and_settle(sandbox, db, "CEO laptop stolen", "Found in a taxi")
    run(sandbox, incident, "update Wiping it remotely")
    settle(sandbox)
    shown = str(receiver.received)
    assert receiver.types() == ["incident.declared", "incident.status_updated"]
    assert "CEO" not in shown and "taxi" not in shown and "Wiping" not in shown
    assert receiver.received[0]["data"]["incident"]["is_private"] is True


def test_a_receiver_down_for_minutes_gets_everything_after_and_slack_is_told(
    sandbox, general, warroom, db, bot, clock, receiver
):
    receiver.fail(503, retry_after=30)  # down, and asking for 30 seconds between attempts
    incident = declare_and_settle(sandbox, db, "sev1 Payments failing")
    run(sandbox, incident, "update Rolling back")
    settle(sandbox)
    assert receiver.received == []
    assert [a.status for a in receiver.attempts] == [503]  # the second waits behind the first

    clock.advance(seconds=29)
    bot.deliverer.deliver_due()
    assert len(receiver.attempts) == 1  # Retry-After is honoured
    clock.advance(minutes=3)
    bot.deliverer.deliver_due()
    settle(sandbox)

    def warnings():
        return [m for m in sandbox.messages(incident.channel_id) if "refusing" in m["text"]]

    [warning] = eventually(warnings)
    assert (
        "The outgoing webhook has been refusing the setup of the incident's channel"
        in (warning["text"])
    )
    assert "HTTP 503" in warning["text"]

    receiver.recover()
    deliver_everything(bot, clock)
    settle(sandbox)
    assert receiver.types() == ["incident.declared", "incident.status_updated"]
    [warning] = [m for m in sandbox.messages(incident.channel_id) if m["ts"] == warning["ts"]]
    assert "got INC-1's delayed events" in warning["text"]


def test_a_receiver_that_is_gone_is_given_up_on_and_slack_is_told(
    sandbox, general, warroom, db, receiver
):
    receiver.fail(410, times=1)  # Gone: it wants no more of this one
    # The refusal comes back long before the channel it is told in exists.
    sandbox.faults.slow(1.0, "conversations.create", times=1)
    incident = declare_and_settle(sandbox, db, "sev2 Search is slow")
    run(sandbox, incident, "update Reindexing")
    settle(sandbox)
    assert receiver.types() == ["incident.status_updated"]  # the next event goes on
    [notice] = [m for m in sandbox.messages(incident.channel_id) if "refused" in m["text"]]
    assert sandbox.direct_messages(sandbox.user_id("alice")) == []  # not told to the declarer
    assert (
        "The outgoing webhook refused the setup of the incident's channel of INC-1"
        in (notice["text"])
    )
    assert "HTTP 410" in notice["text"]


def test_slack_holding_up_a_notice_about_the_webhook_is_warned_about_in_turn(
    sandbox, general, warroom, db, bot, clock, receiver
):
    from warroom.app import action_items

    incident = declare_and_settle(sandbox, db, "sev2 Search is slow")
    run(sandbox, incident, f"action Add a disk alert <@{sandbox.user_id('alice')}> due friday")
    settle(sandbox)
    receiver.fail(410, times=1)  # refuses the item's change, which Slack is not told of
    sandbox.faults.fail("chat.postMessage", status=500, fraction=1.0)  # and Slack posts nothing
    action_items.close(bot.core, 1, by=sandbox.user_id("alice"))
    settle(sandbox)
    assert receiver.attempts[-1].status == 410  # refused: its notice is held up by Slack

    clock.advance(minutes=3)
    bot.deliverer.deliver_due()

    # Slack has held the notice up for minutes: that is said too (in the topic, as posts fail).
    def topic() -> str:
        return sandbox.channel(incident.channel_id).topic

    eventually(lambda: "refusing" in topic())
    assert "Slack is refusing warroom's posts about INC-1" in topic()
    sandbox.faults.clear()
    deliver_everything(bot, clock)
    settle(sandbox)
    [notice] = [
        m for m in sandbox.direct_messages(sandbox.user_id("alice")) if "refused" in m["text"]
    ]
    assert "The outgoing webhook refused" in notice["text"]
