"""Nags end to end: the clock moves instead of the test sleeping, and the scheduler ticks."""

from sqlalchemy import func, select

from tests.conftest import deliver_everything, settle
from tests.e2e.incident_fixtures import declare_and_settle, run
from warroom.store.models import NagSent


def tick(sandbox, bot) -> int:
    sent = bot.scheduler.tick()
    settle(sandbox)
    return sent


def nag_messages(sandbox, channel_id, marker):
    return [m for m in sandbox.messages(channel_id) if marker in m["text"]]


def test_stale_update_nag_fires_repeats_snoozes_and_stops(sandbox, incident, db, clock, bot):
    def stale_nags():
        return nag_messages(sandbox, incident.channel_id, "no status update")

    run(sandbox, incident, "role ic me")  # keep the no-IC nag out of this test
    clock.advance(minutes=14)
    tick(sandbox, bot)
    assert stale_nags() == []
    clock.advance(minutes=1)  # SEV1: 15 minutes without an update
    assert tick(sandbox, bot) == 1
    [nag] = stale_nags()
    assert f"<@{sandbox.user_id('alice')}>" in nag["text"]  # no comms lead: the IC
    assert "nag_post_update" in str(nag["blocks"]) and "nag_snooze" in str(nag["blocks"])
    assert tick(sandbox, bot) == 0  # once per due time, however often we tick

    clock.advance(minutes=15)
    tick(sandbox, bot)
    assert len(nag_messages(sandbox, incident.channel_id, "no status update")) == 2

    sandbox.driver.block_action(
        sandbox.user_id("alice"),
        "nag_snooze",
        channel_id=incident.channel_id,
        message_ts=nag["ts"],
    )
    settle(sandbox)
    clock.advance(minutes=14, seconds=59)
    tick(sandbox, bot)
    assert len(nag_messages(sandbox, incident.channel_id, "no status update")) == 2

    run(sandbox, incident, "update Rolling back v2.8.0")
    clock.advance(minutes=14)
    tick(sandbox, bot)
    assert len(nag_messages(sandbox, incident.channel_id, "no status update")) == 2
    clock.advance(minutes=2)
    tick(sandbox, bot)
    assert len(nag_messages(sandbox, incident.channel_id, "no status update")) == 3

    run(sandbox, incident, "resolve")
    clock.advance(hours=5)
    tick(sandbox, bot)
    assert len(nag_messages(sandbox, incident.channel_id, "no status update")) == 3


def test_the_nag_mentions_the_comms_lead_first(sandbox, incident, db, clock, bot):
    priya = sandbox.user_id("priya")
    run(sandbox, incident, f"role comms <@{priya}>")
    clock.advance(minutes=15)
    tick(sandbox, bot)
    [nag] = nag_messages(sandbox, incident.channel_id, "no status update")
    assert nag["text"].startswith(f":hourglass: <@{priya}>")


def test_post_update_button_opens_the_update_form(sandbox, incident, db, clock, bot):
    clock.advance(minutes=15)
    tick(sandbox, bot)
    [nag] = nag_messages(sandbox, incident.channel_id, "no status update")
    alice = sandbox.user_id("alice")
    sandbox.driver.block_action(
        alice,
        "nag_post_update",
        str(incident.id),
        channel_id=incident.channel_id,
        message_ts=nag["ts"],
    )
    settle(sandbox)
    [form] = [v["id"] for v in sandbox.open_views("status_update")]
    sandbox.driver.submit_view(
        alice,
        form,
        {"status": {"value": "monitoring"}, "text": {"value": "Fix deployed, watching"}},
    )
    settle(sandbox)
    assert any(
        "Fix deployed, watching" in str(m.get("blocks"))
        for m in sandbox.messages(incident.channel_id)
    )
    clock.advance(minutes=14)
    tick(sandbox, bot)
    assert len(nag_messages(sandbox, incident.channel_id, "no status update")) == 1


def test_no_ic_nag_until_someone_takes_it(sandbox, incident, db, clock, bot):
    clock.advance(minutes=5)
    tick(sandbox, bot)
    [nag] = nag_messages(sandbox, incident.channel_id, "no Incident Commander")
    assert "claim_role_ic" in str(nag["blocks"])
    bob = sandbox.user_id("bob")
    sandbox.driver.join(bob, incident.channel_id)
    sandbox.driver.block_action(
        bob, "claim_role_ic", "ic", channel_id=incident.channel_id, message_ts=nag["ts"]
    )
    settle(sandbox)
    clock.advance(minutes=30)
    tick(sandbox, bot)
    assert len(nag_messages(sandbox, incident.channel_id, "no Incident Commander")) == 1


def test_sev3_has_no_ic_nag_and_an_hourly_cadence(sandbox, general, warroom, db, clock, bot):
    declared = declare_and_settle(sandbox, db, "sev3 Slow exports")
    clock.advance(minutes=59)
    tick(sandbox, bot)
    assert sandbox.messages(declared.channel_id)[-1]["ts"] == declared.headline_ts
    clock.advance(minutes=1)
    tick(sandbox, bot)
    assert nag_messages(sandbox, declared.channel_id, "no status update")
    assert not nag_messages(sandbox, declared.channel_id, "no Incident Commander")


def test_overdue_action_item_goes_to_its_owner_daily_until_done(sandbox, incident, db, clock, bot):
    sam = sandbox.user_id("sam")
    run(sandbox, incident, "resolve")
    run(sandbox, incident, f"action Extend load tests to 1 hour <@{sam}> due tomorrow")
    clock.advance(hours=18, minutes=42)  # 2026-03-12 09:00 UTC, the due date
    tick(sandbox, bot)
    [reminder] = sandbox.direct_messages(sam)
    assert "Extend load tests" in reminder["text"] and "was due 2026-03-12" in reminder["text"]
    clock.advance(hours=12)
    tick(sandbox, bot)
    assert len(sandbox.direct_messages(sam)) == 1
    clock.advance(hours=12)
    tick(sandbox, bot)
    assert len(sandbox.direct_messages(sam)) == 2
    [item_id] = [b["value"] for b in _buttons(reminder) if b["action_id"] == "action_done"]
    dm = next(c.id for c in sandbox.workspace.channels.values() if c.im_user == sam)
    sandbox.driver.block_action(
        sam, "action_done", item_id, channel_id=dm, message_ts=reminder["ts"]
    )

    settle(sandbox)
    clock.advance(days=3)
    tick(sandbox, bot)
    assert len(sandbox.direct_messages(sam)) == 2


def test_weekly_digest_of_overdue_items_in_the_channel(sandbox, incident, db, clock, bot):
    run(sandbox, incident, f"action Add alerts <@{sandbox.user_id('sam')}> due tomorrow")
    clock.advance(days=7)
    tick(sandbox, bot)
    [digest] = nag_messages(sandbox, incident.channel_id, "overdue action items this week")
    assert "Add alerts" in digest["text"]


def test_postmortem_overdue_nag_to_the_ic(sandbox, incident, db, clock, bot):
    raj = sandbox.user_id("raj")
    run(sandbox, incident, f"role ic <@{raj}>")
    run(sandbox, incident, "update Identified")
    run(sandbox, incident, "resolve")
    clock.advance(days=2, hours=23)
    tick(sandbox, bot)
    assert not sandbox.direct_messages(raj)
    clock.advance(hours=1)
    tick(sandbox, bot)
    [nag] = sandbox.direct_messages(raj)
    assert "The postmortem of INC-1 (SEV1, resolved 3 d 0 h ago) is overdue" in nag["text"]


def test_a_nag_missed_during_downtime_is_sent_once(sandbox, incident, db, clock, bot):
    clock.advance(hours=3)  # twelve cadences passed while nobody ticked
    tick(sandbox, bot)
    tick(sandbox, bot)
    assert len(nag_messages(sandbox, incident.channel_id, "no status update")) == 1
    with db.transaction() as session:
        # the stale update, no IC, and no word to customers on the status page
        assert session.scalar(select(func.count()).select_from(NagSent)) == 3


def test_slack_failure_while_nagging_is_retried(sandbox, incident, db, clock, bot):
    run(sandbox, incident, "role ic me")  # one nag only: the stale update
    sandbox.faults.fail("chat.postMessage", status=500, times=8)  # two attempts, retries and all

    clock.advance(minutes=15)
    tick(sandbox, bot)
    assert not nag_messages(sandbox, incident.channel_id, "no status update")
    deliver_everything(bot, clock)  # tried again after a second, then after two
    assert len(nag_messages(sandbox, incident.channel_id, "no status update")) == 1


def test_a_nag_whose_cause_is_gone_before_it_is_sent_is_not_sent(sandbox, incident, clock, bot):
    run(sandbox, incident, "role ic me")
    sandbox.faults.fail("chat.postMessage", status=500, times=4)  # the first attempt fails
    clock.advance(minutes=15)
    tick(sandbox, bot)
    run(sandbox, incident, "update Still investigating")  # what the nag asked for
    deliver_everything(bot, clock)
    assert nag_messages(sandbox, incident.channel_id, "no status update") == []


def _buttons(message):
    return [e for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]
