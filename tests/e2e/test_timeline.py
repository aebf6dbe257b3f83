"""The timeline end to end: every message once, in order, nothing lost."""

import random
import threading

import pytest
from sqlalchemy import select

from tests.conftest import eventually, settle
from tests.e2e.incident_fixtures import run, told
from warroom.bot import start_bot
from warroom.slack.listeners import FOLLOW_UP_FAILED
from warroom.store import timeline
from warroom.store.models import TimelineEntry
from warroom.web.background import BackgroundServer


def recorded(db, declared, **filters):
    with db.transaction() as session:
        query = select(TimelineEntry).where(TimelineEntry.incident_id == declared.id)
        for column, value in filters.items():
            query = query.where(getattr(TimelineEntry, column) == value)
        return session.scalars(query.order_by(TimelineEntry.occurred_at)).all()


def test_500_messages_with_redeliveries_and_duplicates_become_500_ordered_entries(
    sandbox, incident, db
):
    alice = sandbox.user_id("alice")
    base = 1773238680  # 2026-03-11 14:18 UTC
    events = [
        {
            "type": "message",
            "channel": incident.channel_id,
            "channel_type": "channel",
            "user": alice,
            "text": f"message {i}",
            "ts": f"{base + i // 10}.{i % 10:06d}",
        }
        for i in range(500)
    ]
    rng = random.Random(7)
    sends = [(event, f"Ev{i:05d}", None) for i, event in enumerate(events)]
    sends += [(events[i], f"Ev{i:05d}", 1) for i in rng.sample(range(500), 60)]  # retries
    sends += [(events[i], f"EvCopy{i:05d}", None) for i in rng.sample(range(500), 60)]
    rng.shuffle(sends)
    answers = []

    def deliver(batch):
        for event, event_id, retry in batch:
            answers.append(sandbox.driver.send_event(event, event_id=event_id, retry_num=retry))

    threads = [threading.Thread(target=deliver, args=(sends[n::8],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 620 and all(answer.status == 200 for answer in answers)
    messages = recorded(db, incident, kind="message")
    assert [m.text for m in messages] == [f"message {i}" for i in range(500)]
    assert messages[0].occurred_at.isoformat() == "2026-03-11T14:18:00+00:00"
    assert len({m.slack_ts for m in messages}) == 500


def test_edits_deletes_threads_files_and_membership(sandbox, incident, db):
    alice, bob = sandbox.user_id("alice"), sandbox.user_id("bob")
    channel = incident.channel_id
    sandbox.driver.join(bob, channel)
    first = sandbox.driver.post_message(alice, channel, "DB CPU at 100%")
    reply = sandbox.driver.post_message(bob, channel, "Looking at slow queries", thread_ts=first)
    typo = sandbox.driver.post_message(bob, channel, "rollback started")
    sandbox.driver.edit_message(bob, channel, typo, "rollback to v2.7.4 started")
    oops = sandbox.driver.post_message(bob, channel, "wrong channel, sorry")
    sandbox.driver.delete_message(bob, channel, oops)
    sandbox.driver.share_file(bob, channel, "heap.png", "png", b"\x89PNG")
    sandbox.driver.leave(bob, channel)
    settle(sandbox)

    entries = {e.slack_ts: e for e in recorded(db, incident) if e.slack_ts}
    assert entries[reply].details["thread_ts"] == first
    edited = entries[typo]
    assert edited.text == "rollback to v2.7.4 started"
    assert edited.original_text == "rollback started" and edited.edited_at is not None
    assert entries[oops].deleted_at is not None
    assert oops not in {e.slack_ts for e in _visible(db, incident)}
    [shared] = [e for e in entries.values() if e.kind == "file"]
    assert shared.details["files"][0]["name"] == "heap.png"
    assert shared.details["files"][0]["permalink"]
    kinds = [e.kind for e in entries.values()]
    assert kinds.count("joined") >= 1 and kinds.count("left") == 1
    assert not any(e.actor_id == sandbox.bot_user_id for e in entries.values())


def _visible(db, declared):
    with db.transaction() as session:
        return timeline.entries(session, declared.id)


def test_pushpin_reactions_and_pins_mark_key_events(sandbox, incident, db):
    alice = sandbox.user_id("alice")
    channel = incident.channel_id
    ts = sandbox.driver.post_message(alice, channel, "Memory climbing since the 13:50 deploy")
    other = sandbox.driver.post_message(alice, channel, "Rolling back")
    sandbox.driver.add_reaction(alice, channel, ts, "pushpin")
    sandbox.driver.add_reaction(alice, channel, other, "eyes")
    sandbox.driver.pin(alice, channel, other)
    settle(sandbox)
    highlighted = {e.slack_ts for e in recorded(db, incident) if e.highlighted and e.slack_ts}
    assert highlighted == {ts, other}

    sandbox.driver.remove_reaction(alice, channel, ts, "pushpin")
    sandbox.driver.unpin(alice, channel, other)
    settle(sandbox)
    assert not any(e.highlighted for e in recorded(db, incident) if e.slack_ts)


def test_notes_and_the_timeline_command(sandbox, incident, db, clock):
    alice = sandbox.user_id("alice")
    sandbox.driver.post_message(alice, incident.channel_id, "just chatter <!channel>")
    clock.advance(minutes=5)
    run(sandbox, incident, "note Decided to roll back to v2.7.4")
    [note] = recorded(db, incident, kind="note")
    assert note.highlighted and note.occurred_at == clock()
    assert any(
        "noted: Decided to roll back" in m["text"] for m in sandbox.messages(incident.channel_id)
    )

    answer = sandbox.driver.slash_command(alice, incident.channel_id, "timeline")
    key_events = str(answer.body["blocks"])
    assert "times in UTC" in key_events
    assert "03-11 14:23:00" in key_events and "Decided to roll back" in key_events
    assert "just chatter" not in key_events
    everything = str(sandbox.driver.slash_command(alice, incident.channel_id, "timeline all").body)
    assert "just chatter @channel" in everything and "<!channel>" not in everything


def test_a_long_timeline_is_paginated_within_block_kit_limits(sandbox, incident, db):
    alice = sandbox.user_id("alice")
    for i in range(400):
        sandbox.driver.send_event(
            {
                "type": "message",
                "channel": incident.channel_id,
                "user": alice,
                "text": f"step {i} " + "x" * 200,
                "ts": f"{1773238680 + i}.000100",
            },
            event_id=f"EvLong{i}",
        )
    first = sandbox.driver.slash_command(alice, incident.channel_id, "timeline all").body
    assert len(first["blocks"]) <= 50
    assert "page 1 of" in first["text"]
    pages = int(first["text"].rsplit("of ", 1)[1].rstrip(")"))
    assert pages >= 2
    last = sandbox.driver.slash_command(alice, incident.channel_id, f"timeline all page {pages}")
    assert "step 399" in str(last.body["blocks"]) and len(last.body["blocks"]) <= 50
    bad = sandbox.driver.slash_command(alice, incident.channel_id, "timeline everything").body
    assert "Say `all` for every entry" in bad["text"]


def test_message_shortcut_attaches_a_message_from_another_channel(sandbox, incident, db, general):
    bob, alice = sandbox.user_id("bob"), sandbox.user_id("alice")
    sandbox.driver.join(sandbox.bot_user_id, general)
    ts = sandbox.driver.post_message(bob, general, "Customers report failed payments")
    settle(sandbox)
    sandbox.driver.message_shortcut(alice, "add_to_timeline", general, ts)
    settle(sandbox)
    [form] = sandbox.open_views("attach_message")
    answer = sandbox.driver.submit_view(
        alice, form["id"], {"incident": {"value": str(incident.id)}}
    )
    assert answer.status == 200
    settle(sandbox)
    [attached] = recorded(db, incident, kind="attached")
    assert attached.highlighted and attached.text == "Customers report failed payments"
    assert attached.actor_id == bob and attached.details["attached_by"] == alice
    assert attached.details["permalink"].startswith("http")
    [notice] = [m for m in sandbox.messages(incident.channel_id) if "attached a" in m["text"]]
    assert attached.details["permalink"] in notice["text"]

    assert any("attached a message" in m["text"] for m in sandbox.messages(incident.channel_id))


def test_messages_posted_while_warroom_was_down_are_backfilled_on_start(
    sandbox, incident, db, settings, clock, warroom
):
    alice = sandbox.user_id("alice")
    sandbox.driver.post_message(alice, incident.channel_id, "before the outage")
    settle(sandbox)
    warroom.stop()
    sandbox.pause_delivery()
    missed = sandbox.driver.post_message(alice, incident.channel_id, "while warroom was down")
    sandbox.driver.post_message(alice, incident.channel_id, "a reply", thread_ts=missed)
    sandbox.resume_delivery()  # Slack gave up on those deliveries

    bot = start_bot(settings, db, clock)
    restarted = BackgroundServer(bot.web_app()).start()
    try:
        sandbox.connect_http(f"{restarted.url}/slack/events")
        texts = eventually(
            lambda: (
                (t := [e.text for e in recorded(db, incident, kind="message")])
                and len(t) == 3
                and t
            )
        )
    finally:
        restarted.stop()
        bot.stop()
    assert texts == ["before the outage", "while warroom was down", "a reply"]


def test_sync_fetches_what_was_missed(sandbox, incident, db):
    alice = sandbox.user_id("alice")
    sandbox.pause_delivery()
    sandbox.driver.post_message(alice, incident.channel_id, "lost event 1")
    sandbox.driver.post_message(alice, incident.channel_id, "lost event 2")
    sandbox.resume_delivery()
    run(sandbox, incident, "sync")
    assert "2 missed messages recorded" in told(sandbox, "alice")[-1]
    assert [e.text for e in recorded(db, incident, kind="message")] == [
        "lost event 1",
        "lost event 2",
    ]
    run(sandbox, incident, "sync")
    assert "0 missed messages recorded" in told(sandbox, "alice")[-1]


@pytest.mark.expect_error_logs  # the failure is logged for the operators
def test_a_follow_up_that_fails_is_told_not_swallowed(sandbox, incident, monkeypatch):
    def broken(services, incident):
        raise RuntimeError("conversations.history answered nonsense")

    monkeypatch.setattr("warroom.slack.follow_up.backfill_channel", broken)
    run(sandbox, incident, "sync")
    assert told(sandbox, "alice")[-1] == FOLLOW_UP_FAILED


def test_timeline_export_from_the_command_line(sandbox, incident, db, monkeypatch, capsys):
    import json

    from warroom.cli import main

    alice = sandbox.user_id("alice")
    sandbox.driver.post_message(alice, incident.channel_id, "a | pipe and <b>tags</b>")
    run(sandbox, incident, "note Rollback decided")
    monkeypatch.setenv("DATABASE_URL", db.url)
    assert main(["timeline", "INC-1", "--all"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# INC-1: Payments failing")
    assert "| 2026-03-11 14:18:00 | **" in markdown and "a \\| pipe and <b>tags</b>" in markdown
    assert main(["timeline", "1", "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert [e["kind"] for e in exported["entries"]] == ["declared", "note"]
    assert main(["timeline", "INC-99"]) == 2
    assert "There is no incident INC-99" in capsys.readouterr().err
