"""Requests shaped as real Slack sends them, which the sandbox's everyday traffic never
produced: each case here once broke warroom."""

import json

from sqlalchemy import select

from tests.conftest import eventually, settle
from tests.e2e.incident_fixtures import declare_and_settle, run, told
from warroom.store.models import TimelineEntry


def entries(db, incident_id: int) -> list[TimelineEntry]:
    with db.transaction() as session:
        query = select(TimelineEntry).where(TimelineEntry.incident_id == incident_id)
        return list(session.scalars(query.order_by(TimelineEntry.occurred_at, TimelineEntry.id)))


def messages(db, incident_id: int) -> list[TimelineEntry]:
    """The entries of messages people (or other bots) posted: no joins, no warroom changes."""
    return [e for e in entries(db, incident_id) if e.kind == "message"]


def test_a_command_whose_text_says_payload_is_still_a_command(sandbox, general, warroom, db):
    # Bolt's own body parser takes any form body containing "payload" for a button click.
    incident = declare_and_settle(sandbox, db, "sev2 Order payload mismatch")
    assert sandbox.channel(incident.channel_id).name == "inc-1-order-payload-mismatch"
    assert "Recorded" in run(sandbox, incident, "note the payload schema changed in v2")
    assert [e.text for e in entries(db, incident.id) if e.kind == "note"] == [
        "the payload schema changed in v2"
    ]


def test_a_thread_root_deleted_under_its_replies_is_a_deletion(sandbox, incident, db):
    alice = sandbox.user_id("alice")
    root = sandbox.driver.post_message(alice, incident.channel_id, "is it the cache?")
    sandbox.driver.post_message(alice, incident.channel_id, "no", thread_ts=root)
    settle(sandbox)
    # Slack keeps a thread whose root is deleted, and says so with a `tombstone` edit.
    tombstone = {
        "type": "message",
        "subtype": "tombstone",
        "hidden": True,
        "text": "This message was deleted.",
        "user": "USLACKBOT",
        "ts": root,
        "thread_ts": root,
        "reply_count": 1,
    }
    event = message_changed(incident.channel_id, tombstone, ts="1773238800.000100")
    assert sandbox.driver.send_event(event).status == 200

    [deleted] = [e for e in messages(db, incident.id) if e.slack_ts == root]
    assert deleted.text == "is it the cache?" and deleted.edited_at is None
    assert deleted.deleted_at is not None


def test_text_of_alert_attachments_and_of_blocks_is_recorded(sandbox, incident, db):
    alert = {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "BALERTS",
        "text": "",
        "attachments": [
            {
                "fallback": "[FIRING:1] HighErrorRate payments-api",
                "title": "HighErrorRate",
                "text": "5xx ratio 12% for 5m",
            }
        ],
        "ts": "1773238700.000100",
    }
    rich = {
        "type": "message",
        "user": sandbox.user_id("bob"),
        "text": "",
        "blocks": [
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "rolled back "},
                            {"type": "link", "url": "https://ci.example/42", "text": "build 42"},
                        ],
                    }
                ],
            }
        ],
        "ts": "1773238701.000100",
    }
    for event in (alert, rich):
        answer = sandbox.driver.send_event({**event, "channel": incident.channel_id})
        assert answer.status == 200

    texts = [e.text for e in messages(db, incident.id)]
    assert texts == ["[FIRING:1] HighErrorRate payments-api", "rolled back build 42"]


def test_an_edit_without_a_message_ts_is_answered_and_ignored(sandbox, incident, db):
    event = message_changed(incident.channel_id, {"type": "message", "text": "?"}, "1773238800.1")
    assert sandbox.driver.send_event(event).status == 200
    assert messages(db, incident.id) == []


def test_hidden_messages_without_a_subtype_make_no_entries(sandbox, incident, db):
    event = {"type": "message", "hidden": True, "channel": incident.channel_id, "ts": "17732388.2"}
    assert sandbox.driver.send_event(event).status == 200
    assert messages(db, incident.id) == []


def test_app_rate_limited_is_acknowledged_and_fetches_what_slack_dropped(sandbox, incident, db):
    alice = sandbox.user_id("alice")
    sandbox.pause_delivery()  # Slack stops sending events while the app is rate limited
    sandbox.driver.post_message(alice, incident.channel_id, "dropped while rate limited")
    sandbox.resume_delivery()
    notice = {
        "token": "sandbox-verification-token",
        "type": "app_rate_limited",
        "team_id": sandbox.team_id,
        "minute_rate_limited": 1773238680,
        "api_app_id": sandbox.app_id,
    }
    answer = sandbox.driver.send_raw(json.dumps(notice).encode())
    assert answer.status == 200
    eventually(lambda: [e.text for e in messages(db, incident.id)], timeout=20)
    assert [e.text for e in messages(db, incident.id)] == ["dropped while rate limited"]


def test_attaching_from_a_channel_warroom_cannot_see_says_so(sandbox, incident, db):
    alice, bob = sandbox.user_id("alice"), sandbox.user_id("bob")
    secret = sandbox.create_channel("leads", alice, is_private=True, members=[bob])
    ts = sandbox.driver.post_message(bob, secret, "the vendor confirmed the outage")
    sandbox.driver.message_shortcut(alice, "add_to_timeline", secret, ts)
    [form] = eventually(lambda: sandbox.open_views("attach_message"))
    answer = sandbox.driver.submit_view(alice, form["id"], {"incident": {"value": "1"}})
    assert answer.status == 200
    settle(sandbox)

    [attached] = [e for e in entries(db, incident.id) if e.kind == "attached"]
    assert attached.text == "the vendor confirmed the outage"
    assert "permalink" not in attached.details
    notices = [m["text"] for m in sandbox.messages(incident.channel_id)]
    assert any("attached a message" in text for text in notices)
    direct = [m["text"] for m in sandbox.direct_messages(alice)] + told(sandbox, "alice")
    assert any("without a link" in text for text in direct), direct


def message_changed(channel_id: str, message: dict, ts: str) -> dict:
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel_id,
        "message": message,
        "ts": ts,
        "event_ts": ts,
    }
