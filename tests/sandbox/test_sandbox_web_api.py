"""The Web API through a real slack_sdk WebClient: Slack's rules and error codes."""

import threading

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from warroom.sandbox import SlackError


def error_of(call, *args, **kwargs) -> str:
    with pytest.raises(SlackApiError) as raised:
        call(*args, **kwargs)
    return raised.value.response["error"]


def test_tokens_are_checked(sandbox):
    def client(token):
        return WebClient(token=token, base_url=sandbox.api_url)

    assert error_of(client(None).auth_test) == "not_authed"
    assert error_of(client("xoxb-wrong").auth_test) == "invalid_auth"
    assert error_of(client(sandbox.app_token).auth_test) == "not_allowed_token_type"
    opened_with_bot_token = client(None).apps_connections_open
    assert error_of(opened_with_bot_token, app_token=sandbox.bot_token) == (
        "not_allowed_token_type"
    )
    assert client(sandbox.bot_token).auth_test()["user_id"] == sandbox.bot_user_id


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("Incident 1", "invalid_name_specials"),
        ("inc-ä", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
        ("general", "name_taken"),
    ],
)
def test_channel_names_follow_slack_rules(client, name, error):
    assert error_of(client.conversations_create, name=name) == error


def test_archived_names_stay_taken_and_renames_are_checked(client, incident_channel):
    client.conversations_archive(channel=incident_channel)
    assert error_of(client.conversations_create, name="inc-test") == "name_taken"
    other = client.conversations_create(name="inc_2-ok")["channel"]["id"]
    assert error_of(client.conversations_rename, channel=other, name="general") == "name_taken"
    assert error_of(client.conversations_rename, channel=other, name="No!") == (
        "invalid_name_specials"
    )


def test_concurrent_creates_of_one_name_have_one_winner(client):
    results = []

    def create():
        try:
            results.append(client.conversations_create(name="inc-race")["ok"])
        except SlackApiError as error:
            results.append(error.response["error"])

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [True] + ["name_taken"] * 7


SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"text": "t", "blocks": [SECTION] * 51}, "invalid_blocks"),
        (
            {
                "text": "t",
                "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
            },
            "invalid_blocks",
        ),
        ({"text": "t", "blocks": [{"type": "no_such_block"}]}, "invalid_blocks"),
        ({"blocks": [SECTION]}, "no_text"),
        ({"text": ""}, "no_text"),
        ({"text": "x" * 40_001}, "msg_too_long"),
    ],
)
@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_messages_are_validated(client, incident_channel, kwargs, error):
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=incident_channel, **kwargs)
    assert raised.value.response["error"] == error
    if error == "invalid_blocks":
        assert raised.value.response["response_metadata"]["messages"]


def test_fifty_valid_blocks_with_a_fallback_are_fine(client, incident_channel):
    answer = client.chat_postMessage(channel=incident_channel, text="t", blocks=[SECTION] * 50)
    assert answer["message"]["blocks"] == [SECTION] * 50


def test_posting_needs_membership_and_a_live_channel(sandbox, client, incident_channel):
    general = sandbox.channel_by_name("general").id
    assert error_of(client.chat_postMessage, channel=general, text="hi") == "not_in_channel"
    assert error_of(client.chat_postMessage, channel="C404", text="hi") == "channel_not_found"
    client.conversations_join(channel=general)
    client.chat_postMessage(channel=general, text="hi")
    client.conversations_archive(channel=incident_channel)
    assert error_of(client.chat_postMessage, channel=incident_channel, text="x") == "is_archived"


def test_an_archived_channel_refuses_every_kind_of_post(sandbox, client, incident_channel):
    alice = sandbox.user_id("alice")
    client.conversations_invite(channel=incident_channel, users=alice)
    ts = client.chat_postMessage(channel=incident_channel, text="before")["ts"]
    client.conversations_archive(channel=incident_channel)
    assert sandbox.channel(incident_channel).is_archived
    assert error_of(client.conversations_archive, channel=incident_channel) == "already_archived"
    assert error_of(client.chat_postMessage, channel=incident_channel, text="x") == "is_archived"
    assert error_of(client.chat_update, channel=incident_channel, ts=ts, text="x") == (
        "is_archived"
    )
    assert (
        error_of(client.chat_postEphemeral, channel=incident_channel, user=alice, text="x")
        == "is_archived"
    )
    with pytest.raises(SlackError, match="is_archived"):
        sandbox.driver.post_message(alice, incident_channel, "x")
    assert [m["text"] for m in sandbox.messages(incident_channel)] == ["before"]


def test_message_ownership_and_item_errors(sandbox, client, incident_channel):
    alice = sandbox.user_id("alice")
    client.conversations_invite(channel=incident_channel, users=alice)
    assert error_of(client.conversations_invite, channel=incident_channel, users=alice) == (
        "already_in_channel"
    )
    assert error_of(client.conversations_invite, channel=incident_channel, users="U404") == (
        "user_not_found"
    )
    theirs = sandbox.driver.post_message(alice, incident_channel, "mine")
    assert error_of(client.chat_update, channel=incident_channel, ts=theirs, text="x") == (
        "cant_update_message"
    )
    assert error_of(client.chat_update, channel=incident_channel, ts="1.000001", text="x") == (
        "message_not_found"
    )
    ts = client.chat_postMessage(channel=incident_channel, text="pin me")["ts"]
    client.pins_add(channel=incident_channel, timestamp=ts)
    assert error_of(client.pins_add, channel=incident_channel, timestamp=ts) == "already_pinned"
    client.reactions_add(channel=incident_channel, timestamp=ts, name="eyes")
    assert error_of(client.reactions_add, channel=incident_channel, timestamp=ts, name="eyes") == (
        "already_reacted"
    )
    assert (
        error_of(client.reactions_remove, channel=incident_channel, timestamp=ts, name="fire")
        == "no_reaction"
    )
    assert sandbox.pins(incident_channel) == [ts]
    bob = sandbox.user_id("bob")
    assert (
        error_of(client.chat_postEphemeral, channel=incident_channel, user=bob, text="psst")
        == "user_not_in_channel"
    )


def test_history_and_replies_paginate_for_backfill(sandbox, client, incident_channel):
    posted = [
        client.chat_postMessage(channel=incident_channel, text=f"m{i}")["ts"] for i in range(5)
    ]
    reply = client.chat_postMessage(channel=incident_channel, text="r", thread_ts=posted[0])["ts"]

    first = client.conversations_history(channel=incident_channel, limit=3)
    assert [m["ts"] for m in first["messages"]] == posted[:1:-1]
    cursor = first["response_metadata"]["next_cursor"]
    second = client.conversations_history(channel=incident_channel, limit=3, cursor=cursor)
    assert [m["ts"] for m in second["messages"]] == posted[1::-1]
    assert not second["has_more"] and second["messages"][-1]["reply_count"] == 1

    window = client.conversations_history(
        channel=incident_channel, oldest=posted[1], latest=posted[3], inclusive=True
    )
    assert [m["ts"] for m in window["messages"]] == posted[3:0:-1]

    thread = client.conversations_replies(channel=incident_channel, ts=posted[0])
    assert [m["ts"] for m in thread["messages"]] == [posted[0], reply]
    assert error_of(client.conversations_replies, channel=incident_channel, ts="1.1") == (
        "thread_not_found"
    )


def test_rate_limits_and_server_errors_are_retried_and_land_once(sandbox, client, incident_channel):
    sandbox.faults.fail("chat.postMessage", status=429, retry_after=0)
    sandbox.faults.fail("chat.postMessage", status=500)
    client.chat_postMessage(channel=incident_channel, text="once")
    statuses = [call.http_status for call in sandbox.calls_to("chat.postMessage")]
    assert sorted(statuses) == [200, 429, 500]
    assert [m["text"] for m in sandbox.messages(incident_channel)] == ["once"]


def test_a_faulted_call_changes_nothing(sandbox):
    sandbox.faults.fail("conversations.create", status=500)
    bare = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
    with pytest.raises(SlackApiError):
        bare.conversations_create(name="inc-never")
    assert sandbox.channel_by_name("inc-never") is None
    assert sandbox.calls_to("conversations.create")[0].error == "internal_error"


def test_random_faults_are_reproducible(sandbox):
    bare = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)

    def outcomes():
        sandbox.faults.clear()
        sandbox.faults.seed(7)
        sandbox.faults.fail("auth.test", status=500, fraction=0.5)
        results = []
        for _ in range(20):
            try:
                results.append(bare.auth_test()["ok"])
            except SlackApiError:
                results.append(False)
        return results

    first = outcomes()
    assert first == outcomes() and 0 < first.count(False) < 20


def test_views_open_needs_a_fresh_trigger(sandbox, client, receiver):
    alice = sandbox.user_id("alice")
    general = sandbox.channel_by_name("general").id
    modal = {
        "type": "modal",
        "callback_id": "declare",
        "title": {"type": "plain_text", "text": "Declare"},
        "blocks": [SECTION],
    }

    sandbox.driver.slash_command(alice, general, "declare")
    trigger_id = receiver.requests[-1]["body"]["trigger_id"]
    view = client.views_open(trigger_id=trigger_id, view=modal)["view"]
    assert sandbox.views[view["id"]]["user"] == alice

    sandbox.driver.slash_command(alice, general, "declare")
    stale = receiver.requests[-1]["body"]["trigger_id"]
    sandbox.clock.advance(3.5)
    assert error_of(client.views_open, trigger_id=stale, view=modal) == "expired_trigger_id"
    assert error_of(client.views_open, trigger_id="nope", view=modal) == "invalid_trigger_id"
    too_long = {**modal, "title": {"type": "plain_text", "text": "t" * 25}}
    sandbox.driver.slash_command(alice, general, "declare")
    fresh = receiver.requests[-1]["body"]["trigger_id"]
    assert error_of(client.views_open, trigger_id=fresh, view=too_long) == "invalid_arguments"


def test_files_upload_v2_shares_into_the_channel(sandbox, client, incident_channel):
    client.files_upload_v2(
        channel=incident_channel,
        content=b"timeline\n",
        filename="t.md",
        title="Timeline",
        initial_comment="Postmortem draft",
    )
    [message] = sandbox.messages(incident_channel)
    assert message["subtype"] == "file_share" and message["text"] == "Postmortem draft"
    [shared] = message["files"]
    assert shared["title"] == "Timeline"
    assert sandbox.file_content(shared["id"]) == b"timeline\n"


def test_timestamps_are_unique_and_increasing_even_from_many_threads(sandbox):
    sandbox.clock.set(1_732_412_345.0)
    stamps = []
    threads = [
        threading.Thread(target=lambda: stamps.extend(sandbox.clock.next_ts() for _ in range(200)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(stamps)) == 800
    assert all(s.startswith("17324123") and len(s.split(".")[1]) == 6 for s in stamps)
