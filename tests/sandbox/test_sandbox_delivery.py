"""The sandbox acting as Slack toward the bot over HTTP: signed events, retries, downtime,
interactivity and response_urls."""

import json

import httpx

from tests.sandbox.conftest import Receiver

ALICE = "alice"


def test_a_posted_message_is_delivered_as_a_signed_event(
    sandbox, client, receiver, incident_channel
):
    ts = client.chat_postMessage(channel=incident_channel, text="status: investigating")["ts"]
    sandbox.wait_idle()
    [request] = [r for r in receiver.requests if r["body"]["event"]["type"] == "message"]
    assert request["valid"] and request["headers"]["Content-Type"] == "application/json"
    callback = request["body"]
    assert callback["event_id"].startswith("Ev") and callback["team_id"] == sandbox.team_id
    assert callback["authorizations"][0]["user_id"] == sandbox.bot_user_id
    event = callback["event"]
    assert (event["ts"], event["channel"], event["channel_type"]) == (
        ts,
        incident_channel,
        "channel",
    )
    assert event["bot_id"] == sandbox.bot_id and event["user"] == sandbox.bot_user_id
    assert "subtype" not in event


def test_user_activity_reaches_the_bot_as_events(sandbox, client, receiver, incident_channel):
    alice = sandbox.user_id(ALICE)
    sandbox.driver.join(alice, incident_channel)
    ts = sandbox.driver.post_message(alice, incident_channel, "I see errors")
    reply = sandbox.driver.post_message(alice, incident_channel, "more", thread_ts=ts)
    sandbox.driver.edit_message(alice, incident_channel, ts, "I see 500s")
    sandbox.driver.add_reaction(alice, incident_channel, ts, "eyes")
    sandbox.driver.pin(alice, incident_channel, ts)
    sandbox.driver.share_file(alice, incident_channel, "graph.png", "png", b"\x89PNG")
    sandbox.driver.delete_message(alice, incident_channel, reply)
    sandbox.wait_idle()
    seen = [(e["event"]["type"], e["event"].get("subtype")) for e in receiver.events()]
    assert seen == [
        ("message", "channel_join"),
        ("member_joined_channel", None),
        ("message", None),
        ("message", None),
        ("message", "message_changed"),
        ("reaction_added", None),
        ("pin_added", None),
        ("message", "file_share"),
        ("message", "message_deleted"),
    ]
    threaded = receiver.events("message")[2]["event"]
    assert threaded["thread_ts"] == ts and threaded["user"] == alice


def test_channels_the_bot_is_not_in_stay_silent(sandbox, receiver):
    general = sandbox.channel_by_name("general").id
    sandbox.driver.post_message(sandbox.user_id(ALICE), general, "lunch?")
    sandbox.wait_idle()
    assert receiver.requests == []


def test_a_failed_delivery_is_retried_with_retry_headers(
    sandbox, client, receiver, incident_channel
):
    receiver.failures_left = 2
    client.chat_postMessage(channel=incident_channel, text="hello")
    sandbox.wait_idle()
    attempts = [r for r in receiver.requests if r["body"]["event"]["type"] == "message"]
    assert len(attempts) == 3
    assert len({a["body"]["event_id"] for a in attempts}) == 1
    assert "X-Slack-Retry-Num" not in attempts[0]["headers"]
    assert [a["headers"].get("X-Slack-Retry-Num") for a in attempts[1:]] == ["1", "2"]
    assert attempts[1]["headers"]["X-Slack-Retry-Reason"] == "http_error"


def test_events_while_the_bot_is_down_are_not_delivered_by_default(sandbox, receiver):
    alice = sandbox.user_id(ALICE)
    channel = sandbox.create_channel("inc-down", alice, members=[sandbox.bot_user_id])
    sandbox.wait_idle()
    receiver.requests.clear()
    sandbox.pause_delivery()
    sandbox.driver.post_message(alice, channel, "anyone there?")
    sandbox.resume_delivery()
    sandbox.wait_idle()
    assert receiver.requests == [] and len(sandbox.undelivered) == 1
    sandbox.pause_delivery()
    sandbox.resume_delivery(deliver_missed=True)
    sandbox.wait_idle()
    assert [e["event"]["text"] for e in receiver.events("message")] == ["anyone there?"]


def test_several_request_urls_take_requests_in_turn(sandbox, client, receiver, incident_channel):
    sandbox.wait_idle()  # the channel's own events went to the first receiver alone
    receiver.requests.clear()
    other = Receiver(sandbox.signing_secret)
    try:
        sandbox.connect_http(receiver.url, other.url)
        for n in range(4):
            client.chat_postMessage(channel=incident_channel, text=f"message {n}")
        sandbox.wait_idle()
        for _ in range(2):
            sandbox.driver.slash_command(sandbox.user_id(ALICE), incident_channel, "status")
    finally:
        other.close()
    received = sorted([e["event"]["text"] for e in r.events("message")] for r in (receiver, other))
    assert received == [["message 0", "message 2"], ["message 1", "message 3"]]
    commands = [sum("command" in r["body"] for r in each.requests) for each in (receiver, other)]
    assert commands == [1, 1]


def test_slash_commands_are_signed_forms_and_answer_through_response_urls(sandbox, receiver):
    alice = sandbox.user_id(ALICE)
    general = sandbox.channel_by_name("general").id
    receiver.answer = {"text": "on it"}
    answer = sandbox.driver.slash_command(alice, general, "declare sev1 Checkout down")
    assert answer.status == 200 and answer.body == {"text": "on it"}
    [request] = receiver.requests
    form = request["body"]
    assert request["valid"] and form["command"] == "/incident" and form["user_id"] == alice
    assert form["channel_name"] == "general" and form["trigger_id"]

    httpx.post(form["response_url"], json={"text": "only you see this"}).raise_for_status()
    httpx.post(
        form["response_url"], json={"text": "everyone sees this", "response_type": "in_channel"}
    ).raise_for_status()
    [ephemeral] = sandbox.ephemeral_messages(user_id=alice, channel_id=general)
    assert ephemeral["text"] == "only you see this" and ephemeral["source"] == "response_url"
    assert [m["text"] for m in sandbox.messages(general)] == ["everyone sees this"]


def test_forged_and_stale_signatures_can_be_sent(sandbox, receiver):
    alice = sandbox.user_id(ALICE)
    forged = sandbox.driver.slash_command(alice, "C1", "x", signing_secret="wrong")
    stale = sandbox.driver.slash_command(alice, "C1", "x", timestamp_offset=-600)
    assert (forged.status, stale.status) == (401, 401)
    raw = sandbox.driver.send_raw(b'{"type": "url_verification", "challenge": "c"}')
    assert raw.status == 200


def test_block_actions_and_view_submissions_are_shaped_like_slack(
    sandbox, client, receiver, incident_channel
):
    alice = sandbox.user_id(ALICE)
    client.conversations_invite(channel=incident_channel, users=alice)
    severity = {
        "type": "static_select",
        "action_id": "severity",
        "options": [{"text": {"type": "plain_text", "text": "SEV1"}, "value": "sev1"}],
    }
    blocks = [
        {
            "type": "actions",
            "block_id": "controls",
            "elements": [
                {
                    "type": "button",
                    "action_id": "ack",
                    "text": {"type": "plain_text", "text": "Ack"},
                    "value": "inc-1",
                },
                severity,
            ],
        }
    ]
    ts = client.chat_postMessage(channel=incident_channel, text="INC-1", blocks=blocks)["ts"]

    sandbox.driver.block_action(alice, "ack", channel_id=incident_channel, message_ts=ts)
    sandbox.driver.block_action(
        alice, "severity", channel_id=incident_channel, message_ts=ts, selected_option="sev1"
    )
    clicks = [r["body"] for r in receiver.requests if "payload" in r["body"]]
    button, select = (json.loads(c["payload"]) for c in clicks)
    assert button["type"] == "block_actions" and button["message"]["ts"] == ts
    assert button["actions"][0] | {"action_ts": None} == {
        "type": "button",
        "action_id": "ack",
        "block_id": "controls",
        "action_ts": None,
        "text": {"type": "plain_text", "text": "Ack"},
        "value": "inc-1",
    }
    assert select["actions"][0]["selected_option"]["value"] == "sev1"

    trigger = button["trigger_id"]
    modal = {
        "type": "modal",
        "callback_id": "resolve",
        "title": {"type": "plain_text", "text": "Resolve"},
        "submit": {"type": "plain_text", "text": "Resolve"},
        "blocks": [
            {
                "type": "input",
                "block_id": "summary",
                "label": {"type": "plain_text", "text": "Summary"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
    }
    view_id = client.views_open(trigger_id=trigger, view=modal)["view"]["id"]
    receiver.answer = {"response_action": "errors", "errors": {"summary": "Too short"}}
    answer = sandbox.driver.submit_view(alice, view_id, {"summary": {"value": "ok"}})
    assert answer.body["response_action"] == "errors" and view_id in sandbox.views
    submitted = json.loads(receiver.requests[-1]["body"]["payload"])
    assert submitted["view"]["state"]["values"] == {
        "summary": {"value": {"type": "plain_text_input", "value": "ok"}}
    }
    receiver.answer = {}
    sandbox.driver.submit_view(alice, view_id, {"summary": {"value": "fixed by rollback"}})
    assert view_id not in sandbox.views


def test_app_home_and_message_shortcuts(sandbox, client, receiver, incident_channel):
    alice = sandbox.user_id(ALICE)
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "No incidents"}}],
    }
    client.views_publish(user_id=alice, view=home)
    sandbox.driver.open_app_home(alice)
    sandbox.wait_idle()
    [opened] = receiver.events("app_home_opened")
    assert opened["event"]["user"] == alice and opened["event"]["view"]["type"] == "home"
    assert sandbox.home_view(alice)["blocks"] == home["blocks"]

    ts = client.chat_postMessage(channel=incident_channel, text="DB is at 100% CPU")["ts"]
    sandbox.wait_idle()  # the message's own event must not be mistaken for the shortcut
    sandbox.driver.message_shortcut(alice, "add_to_timeline", incident_channel, ts)
    shortcut = json.loads(receiver.requests[-1]["body"]["payload"])
    assert shortcut["type"] == "message_action" and shortcut["callback_id"] == "add_to_timeline"
    assert shortcut["message"]["text"] == "DB is at 100% CPU" and shortcut["trigger_id"]
