"""Direct messages between users and the bot, through a real slack_sdk WebClient."""

import pytest
from slack_sdk.errors import SlackApiError


def error_of(call, **kwargs) -> str:
    with pytest.raises(SlackApiError) as raised:
        call(**kwargs)
    return raised.value.response["error"]


def test_conversations_open_gives_the_same_dm_every_time(sandbox, client):
    alice = sandbox.user_id("alice")
    first = client.conversations_open(users=alice)
    again = client.conversations_open(users=alice)
    dm = first["channel"]
    assert dm["id"].startswith("D") and dm["is_im"] and dm["user"] == alice
    assert again["channel"]["id"] == dm["id"] and again["already_open"]
    assert "already_open" not in first
    assert client.conversations_open(channel=dm["id"])["channel"]["id"] == dm["id"]
    assert sandbox.channel(dm["id"]).members == [sandbox.bot_user_id, alice]
    assert client.conversations_open(users=sandbox.user_id("bob"))["channel"]["id"] != dm["id"]


def test_conversations_open_errors(sandbox, client):
    alice, bob = sandbox.user_id("alice"), sandbox.user_id("bob")
    general = sandbox.channel_by_name("general").id
    assert error_of(client.conversations_open, users="") == "users_list_not_supplied"
    assert error_of(client.conversations_open, users="U404") == "user_not_found"
    assert error_of(client.conversations_open, users=[alice, bob]) == "too_many_users"
    assert error_of(client.conversations_open, channel=general) == (
        "method_not_supported_for_channel_type"
    )


def test_the_bot_posts_to_a_user_id_without_opening_the_dm_first(sandbox, client):
    alice = sandbox.user_id("alice")
    assert sandbox.direct_messages(alice) == []
    posted = client.chat_postMessage(channel=alice, text="You are the incident commander")
    dm_id = posted["channel"]
    assert (
        dm_id.startswith("D") and dm_id == client.conversations_open(users=alice)["channel"]["id"]
    )
    client.chat_update(channel=alice, ts=posted["ts"], text="You are the commander of INC-1")
    [message] = sandbox.direct_messages(alice)
    assert message["text"] == "You are the commander of INC-1" and message["ts"] == posted["ts"]
    assert sandbox.direct_messages(sandbox.user_id("bob")) == []


def test_the_bot_posts_to_the_dm_id_and_reads_the_history(sandbox, client):
    alice = sandbox.user_id("alice")
    dm_id = client.conversations_open(users=alice)["channel"]["id"]
    first = client.chat_postMessage(channel=dm_id, text="one")
    second = client.chat_postMessage(channel=dm_id, text="two", thread_ts=first["ts"])
    assert second["channel"] == dm_id
    assert [m["text"] for m in sandbox.direct_messages(alice)] == ["one", "two"]
    history = client.conversations_history(channel=dm_id)["messages"]
    assert [m["text"] for m in history] == ["one"]
    assert client.conversations_info(channel=dm_id)["channel"]["is_im"]


def test_dm_messages_reach_the_bot_only_when_subscribed_to_message_im(sandbox, receiver):
    alice = sandbox.user_id("alice")
    ts = sandbox.driver.send_direct_message(alice, "how do I declare?")
    sandbox.wait_idle()
    [delivered] = receiver.events("message")
    event = delivered["event"]
    assert event["channel_type"] == "im" and event["ts"] == ts and event["user"] == alice
    assert event["channel"] == sandbox.workspace.direct_message(alice).id

    sandbox.bot_events = frozenset({"message.channels", "app_home_opened"})
    sandbox.driver.send_direct_message(alice, "anyone?")
    sandbox.driver.open_app_home(alice)
    sandbox.wait_idle()
    assert len(receiver.events("message")) == 1
    [home] = receiver.events("app_home_opened")
    assert home["event"]["channel"] == event["channel"]  # the Home tab names the same DM


def test_dms_refuse_what_only_channels_do(sandbox, client):
    alice = sandbox.user_id("alice")
    dm_id = client.conversations_open(users=alice)["channel"]["id"]
    unsupported = "method_not_supported_for_channel_type"
    assert error_of(client.conversations_archive, channel=dm_id) == unsupported
    assert error_of(client.conversations_rename, channel=dm_id, name="x") == unsupported
    assert error_of(client.conversations_invite, channel=dm_id, users="U1") == unsupported
    assert error_of(client.conversations_leave, channel=dm_id) == unsupported
