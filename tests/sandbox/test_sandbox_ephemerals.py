"""Buttons on ephemeral messages: Slack's payload for the click, and the response_url that
replaces, deletes or adds to the clicked ephemeral."""

import json

import httpx
import pytest

from warroom.sandbox import SlackError

ACK_BUTTON = {
    "type": "actions",
    "block_id": "controls",
    "elements": [
        {
            "type": "button",
            "action_id": "ack",
            "text": {"type": "plain_text", "text": "Ack"},
            "value": "inc-1",
        }
    ],
}


def clicks(receiver) -> list[dict]:
    return [json.loads(r["body"]["payload"]) for r in receiver.requests if "payload" in r["body"]]


@pytest.fixture
def alice(sandbox, client, incident_channel) -> str:
    alice = sandbox.user_id("alice")
    client.conversations_invite(channel=incident_channel, users=alice)
    return alice


def test_a_click_on_an_ephemeral_is_answered_by_replacing_it(
    sandbox, client, receiver, incident_channel, alice
):
    ts = client.chat_postEphemeral(
        channel=incident_channel, user=alice, text="Ack INC-1?", blocks=[ACK_BUTTON]
    )["message_ts"]
    [shown] = sandbox.ephemeral_messages(user_id=alice)
    assert shown["ts"] == ts and shown["blocks"] == [ACK_BUTTON]

    answer = sandbox.driver.ephemeral_action(alice, ts, "ack")
    assert answer.status == 200
    [click] = clicks(receiver)
    assert click["type"] == "block_actions" and "message" not in click
    assert click["container"] == {
        "type": "message",
        "message_ts": ts,
        "channel_id": incident_channel,
        "is_ephemeral": True,
    }
    assert click["channel"] == {"id": incident_channel, "name": "inc-test"}
    assert click["actions"][0]["value"] == "inc-1" and click["actions"][0]["block_id"] == "controls"

    # The bot answers the click as Bolt apps do: through the response_url.
    reply = {"replace_original": True, "text": "Acknowledged by <@alice>"}
    httpx.post(click["response_url"], json=reply).raise_for_status()
    [replaced] = sandbox.ephemeral_messages(user_id=alice)
    assert (replaced["ts"], replaced["text"], replaced["blocks"]) == (ts, reply["text"], [])
    assert sandbox.messages(incident_channel) == []


def test_an_ephemeral_click_can_delete_it_or_add_another(
    sandbox, client, receiver, incident_channel, alice
):
    ts = client.chat_postEphemeral(
        channel=incident_channel, user=alice, text="Ack?", blocks=[ACK_BUTTON]
    )["message_ts"]
    sandbox.driver.ephemeral_action(alice, ts, "ack")
    response_url = clicks(receiver)[-1]["response_url"]
    httpx.post(response_url, json={"text": "Noted"}).raise_for_status()
    assert [e["text"] for e in sandbox.ephemeral_messages(user_id=alice)] == ["Ack?", "Noted"]
    httpx.post(response_url, json={"delete_original": True}).raise_for_status()
    assert [e["text"] for e in sandbox.ephemeral_messages(user_id=alice)] == ["Noted"]
    with pytest.raises(SlackError, match="message_not_found"):
        sandbox.driver.ephemeral_action(alice, ts, "ack")


def test_response_url_ephemerals_have_a_ts_and_clickable_buttons(sandbox, receiver, alice):
    general = sandbox.channel_by_name("general").id
    sandbox.driver.slash_command(alice, general, "help")
    [command] = [r["body"] for r in receiver.requests if "command" in r["body"]]
    command_url = command["response_url"]
    httpx.post(command_url, json={"text": "Ack?", "blocks": [ACK_BUTTON]}).raise_for_status()
    [ephemeral] = sandbox.ephemeral_messages(user_id=alice)
    assert ephemeral["source"] == "response_url" and ephemeral["ts"]

    sandbox.driver.ephemeral_action(alice, ephemeral["ts"], "ack", "overridden")
    [click] = clicks(receiver)
    assert click["container"]["channel_id"] == general and click["channel"]["name"] == "general"
    assert click["actions"][0]["value"] == "overridden"


def test_only_the_user_who_sees_an_ephemeral_can_click_it(sandbox, client, incident_channel, alice):
    ts = client.chat_postEphemeral(channel=incident_channel, user=alice, text="psst")["message_ts"]
    with pytest.raises(SlackError, match="message_not_found"):
        sandbox.driver.ephemeral_action(sandbox.user_id("bob"), ts, "ack")
