"""`/incident declare` end to end: signed requests into warroom's HTTP endpoint, real Bolt,
real database, and the sandbox standing in for Slack."""

import re
import threading

from sqlalchemy import func, select

from tests.conftest import deliver_everything, eventually, settle
from tests.e2e.incident_fixtures import open_declare_modal
from warroom.store.models import Incident, TimelineEntry

NAME = re.compile(r"^[a-z0-9_-]{1,80}$")


def incident_rows(db):
    with db.transaction() as session:
        return list(session.scalars(select(Incident).order_by(Incident.id)))


def declare(sandbox, text, user="alice"):
    """Type `/incident declare <text>`; return the acknowledgement once the setup is done."""
    channel = sandbox.channel_by_name("general").id
    answer = sandbox.driver.slash_command(sandbox.user_id(user), channel, f"declare {text}")
    if answer.status == 200 and "Declaring" in str(answer.body):
        reference = answer.body["text"].split()[1]
        eventually(lambda: setup_report(sandbox, reference, user))
    return answer


def setup_report(sandbox, reference: str, user="alice") -> str | None:
    """The message that tells the declarer how the setup went, once it has come."""
    for message in sandbox.ephemeral_messages(user_id=sandbox.user_id(user)):
        if message["text"].startswith(("I recorded " + reference, reference + " is open")):
            return message["text"]
    return None


def test_declare_opens_a_ready_channel(sandbox, general, warroom, db, announce_channel):
    alice = sandbox.user_id("alice")
    answer = declare(sandbox, "sev1 Checkout is failing")
    assert answer.status == 200
    assert "Declaring INC-1 (SEV1)" in answer.body["text"]
    sandbox.wait_idle()

    [incident] = incident_rows(db)
    channel = sandbox.channel(incident.channel_id)
    assert channel.name == "inc-1-checkout-is-failing" == incident.channel_name
    assert alice in channel.members
    assert "SEV1" in channel.topic and "IC: unassigned" in channel.topic

    [headline] = [m for m in sandbox.messages(incident.channel_id) if m.get("bot_id")]
    assert headline["ts"] == incident.headline_ts
    assert sandbox.pins(incident.channel_id) == [headline["ts"]]
    shown = str(headline["blocks"])
    for expected in (
        "INC-1: Checkout is failing",
        "SEV1",
        "Investigating",
        alice,
        "business-critical flow",
        "Incident Commander",
        "Scribe",
    ):
        assert expected in shown

    [announcement] = sandbox.messages(announce_channel)
    assert announcement["ts"] == incident.announcement_ts
    assert f"<#{incident.channel_id}>" in announcement["text"]
    assert "Checkout is failing" in announcement["text"]

    [reply] = sandbox.ephemeral_messages(user_id=alice)[-1:]
    assert f"INC-1 is open in <#{incident.channel_id}>" in reply["text"]
    assert incident.setup_failure is None


def test_declare_records_the_first_timeline_entries(sandbox, general, warroom, db, clock):
    declare(sandbox, "sev2 Search is slow")
    sandbox.wait_idle()
    with db.transaction() as session:
        entries = session.scalars(select(TimelineEntry).order_by(TimelineEntry.id)).all()
        kinds = [(e.kind, e.actor_id, e.occurred_at) for e in entries if e.slack_ts is None]
    alice = sandbox.user_id("alice")
    assert kinds == [("declared", alice, clock()), ("severity", alice, clock())]


def test_default_severity_applies_when_none_is_named(sandbox, general, warroom, db):
    declare(sandbox, "Search is slow")
    sandbox.wait_idle()
    assert incident_rows(db)[0].severity == "sev3"


def test_hostile_titles_make_valid_channels_and_never_ping(
    sandbox, general, warroom, db, announce_channel
):
    titles = [
        "<!channel> down",
        "x" * 5000,
        "🔥🔥🔥",
        "'; DROP TABLE incidents; --",
        "<@U999|boss> broke <https://evil.example|the docs>",
    ]
    for title in titles:
        assert declare(sandbox, f"sev2 {title}").status == 200
    sandbox.wait_idle()

    rows = incident_rows(db)
    assert len(rows) == len(titles)
    assert rows[3].title == "'; DROP TABLE incidents; --"
    for row in rows:
        assert row.setup_failure is None
        assert NAME.match(sandbox.channel(row.channel_id).name)
    bot_output = [m for row in rows for m in sandbox.messages(row.channel_id)]
    bot_output += sandbox.messages(announce_channel)
    for message in bot_output:
        rendered = str(message.get("text")) + str(message.get("blocks"))
        assert "<!channel>" not in rendered
        assert "<@U999" not in rendered
        assert "<https://evil" not in rendered


def test_name_collision_gets_a_suffix(sandbox, general, warroom, db):
    sandbox.create_channel("inc-1-db-down", sandbox.user_id("bob"))
    declare(sandbox, "sev2 DB down")
    sandbox.wait_idle()
    [incident] = incident_rows(db)
    assert incident.channel_name == "inc-1-db-down-2"
    assert incident.setup_failure is None


def test_a_429_in_the_middle_of_a_declare_is_retried(sandbox, general, warroom, db):
    sandbox.faults.fail("pins.add", status=429, retry_after=0, times=1)
    sandbox.faults.fail("conversations.setTopic", status=500, times=1)
    declare(sandbox, "sev1 Payments failing")
    sandbox.wait_idle()
    [incident] = incident_rows(db)
    assert incident.setup_failure is None
    assert sandbox.pins(incident.channel_id) == [incident.headline_ts]
    assert len([c for c in sandbox.calls_to("pins.add")]) == 2


def test_a_refused_step_is_reported_and_recorded_exactly(sandbox, general, warroom, db):
    sandbox.faults.refuse("pins.add", "restricted_action")
    declare(sandbox, "sev1 Payments failing")
    sandbox.wait_idle()
    [incident] = incident_rows(db)
    assert incident.channel_id and incident.headline_ts  # what exists is linked
    assert sandbox.pins(incident.channel_id) == []
    assert "pin the headline" in incident.setup_failure
    reply = sandbox.ephemeral_messages(user_id=sandbox.user_id("alice"))[-1]
    assert "could not pin the headline (Slack said `restricted_action`)" in reply["text"]
    assert len(sandbox.calls_to("pins.add")) == 1  # a refusal is not retried


def test_a_slack_outage_during_the_setup_is_waited_out(sandbox, general, warroom, db, bot, clock):
    sandbox.faults.fail("pins.add", status=500, times=1000)
    declare(sandbox, "sev1 Payments failing")
    [incident] = incident_rows(db)
    reply = sandbox.ephemeral_messages(user_id=sandbox.user_id("alice"))[-1]
    assert f"INC-1 is open in <#{incident.channel_id}>" in reply["text"]
    assert "Slack is refusing part of its setup for now" in reply["text"]
    assert incident.setup_failure is None

    clock.advance(minutes=3)
    bot.deliverer.deliver_due()  # still failing, three minutes on: the channel is told
    settle(sandbox)

    def warnings():
        return [m for m in sandbox.messages(incident.channel_id) if "refusing" in m["text"]]

    [warning] = eventually(warnings)
    assert (
        "Slack has been refusing the setup of the incident's channel of INC-1" in (warning["text"])
    )
    sandbox.faults.clear()
    deliver_everything(bot, clock)
    assert sandbox.pins(incident.channel_id) == [incident.headline_ts]
    [warning] = [m for m in sandbox.messages(incident.channel_id) if m["ts"] == warning["ts"]]
    assert "got INC-1's delayed events" in warning["text"]  # edited in place
    headlines = [m for m in sandbox.messages(incident.channel_id) if "INC-1:" in str(m)]
    assert [h["ts"] for h in headlines if h.get("blocks")] == [incident.headline_ts]


def test_channel_creation_refused_leaves_no_channel_linked(sandbox, general, warroom, db):
    sandbox.faults.refuse("conversations.create", "restricted_action")
    declare(sandbox, "sev1 Payments failing")
    sandbox.wait_idle()
    [incident] = incident_rows(db)
    assert incident.channel_id is None and incident.headline_ts is None
    assert "create the channel" in incident.setup_failure
    reply = sandbox.ephemeral_messages(user_id=sandbox.user_id("alice"))[-1]
    assert "could not create its channel" in reply["text"]


def test_two_concurrent_declares_make_two_incidents(sandbox, general, warroom, db):
    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(declare(sandbox, "sev2 Same title")))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sandbox.wait_idle()
    assert [a.status for a in answers] == [200, 200]
    rows = incident_rows(db)
    assert [r.id for r in rows] == [1, 2]
    assert len({r.channel_id for r in rows}) == 2
    assert all(r.setup_failure is None for r in rows)


def test_private_declare_keeps_the_title_out_of_sight(
    sandbox, general, warroom, db, announce_channel
):
    view_id = open_declare_modal(sandbox)
    answer = sandbox.driver.submit_view(
        sandbox.user_id("alice"),
        view_id,
        {
            "title": {"value": "CEO laptop compromised"},
            "severity": {"value": "sev1"},
            "description": {"value": "EDR alert on the CEO's laptop"},
            "private": {"value": ["private"]},
        },
    )
    assert answer.status == 200
    assert "Declaring INC-1" in str(answer.body["view"])
    eventually(lambda: "INC-1 is open" in str(sandbox.views[view_id]["view"]))
    [incident] = incident_rows(db)
    channel = sandbox.channel(incident.channel_id)
    assert channel.is_private and channel.name == "inc-1"
    [announcement] = sandbox.messages(announce_channel)
    assert "CEO" not in str(announcement) and "EDR" not in str(announcement)
    assert "private" in announcement["text"]


def test_modal_declare_with_a_field_error(sandbox, general, warroom, db):
    view_id = open_declare_modal(sandbox)
    answer = sandbox.driver.submit_view(
        sandbox.user_id("alice"),
        view_id,
        {"title": {"value": "   "}, "severity": {"value": "sev2"}},
    )
    assert answer.body["response_action"] == "errors"
    assert "title" in answer.body["errors"]
    assert incident_rows(db) == []

    answer = sandbox.driver.submit_view(
        sandbox.user_id("alice"),
        view_id,
        {"title": {"value": "Search is slow"}, "severity": {"value": "sev2"}},
    )
    assert answer.status == 200
    eventually(lambda: "INC-1 is open" in str(sandbox.views[view_id]["view"]))
    [incident] = incident_rows(db)
    assert (incident.title, incident.severity) == ("Search is slow", "sev2")
    assert incident.channel_name == "inc-1-search-is-slow"


def test_help_and_unknown_subcommands(sandbox, general, warroom):
    alice = sandbox.user_id("alice")
    help_text = sandbox.driver.slash_command(alice, general, "help").body["text"]
    assert "/incident declare" in help_text
    answer = sandbox.driver.slash_command(alice, general, "explode <!here>").body["text"]
    assert "`explode` is not a warroom command" in answer
    assert "/incident declare" in answer


def test_forged_and_stale_requests_are_refused(sandbox, general, warroom, db):
    assert (
        sandbox.driver.slash_command(
            sandbox.user_id("alice"), "C1", "declare sev1 Forged", signing_secret="wrong"
        ).status
        == 401
    )
    assert (
        sandbox.driver.slash_command(
            sandbox.user_id("alice"), "C1", "declare sev1 Stale", timestamp_offset=-600
        ).status
        == 401
    )
    assert incident_rows(db) == []
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(TimelineEntry)) == 0


def test_stopping_the_bot_ends_the_threads_that_answer_commands(sandbox, general, warroom, bot):
    answer = sandbox.driver.slash_command(sandbox.user_id("alice"), general, "list")
    assert answer.status == 200
    settle(sandbox)

    def answering() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name.startswith("follow-up")]

    assert answering()  # `/incident list` answers after its acknowledgement
    bot.stop()
    assert not answering()
