"""Milestones from Slack: when the impact really began, set on declaring, by command or from
a message, shown on the headline and told in the channel."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import settle
from tests.e2e.incident_fixtures import (
    declare_and_settle,
    headline,
    open_declare_modal,
    run,
    told,
)
from warroom.slack.capture import slack_time
from warroom.store.models import Incident, TimelineEntry


def stored(db, incident_id: int) -> Incident:
    with db.transaction() as session:
        return session.get(Incident, incident_id)


def test_declare_says_when_the_impact_started(sandbox, general, warroom, db, announce_channel):
    declared = declare_and_settle(sandbox, db, "sev1 Checkout failing started 13:54")
    incident = stored(db, declared.id)
    assert (incident.title, f"{incident.impact_started_at:%H:%M}") == ("Checkout failing", "13:54")
    shown = str(headline(sandbox, declared)["blocks"])
    assert "*Impact started:* 2026-03-11 13:54 UTC" in shown
    assert "*Declared:* 2026-03-11 14:18 UTC" in shown


def test_the_declare_form_asks_when_the_impact_started(
    sandbox, general, warroom, db, announce_channel
):
    alice = sandbox.user_id("alice")
    fields = {"title": {"value": "Checkout failing"}, "severity": {"value": "sev1"}}
    view_id = open_declare_modal(sandbox)
    answer = sandbox.driver.submit_view(alice, view_id, {**fields, "started": {"value": "later"}})
    assert "Not a time I understand" in answer.body["errors"]["started"]
    later = {"started": {"value": "2026-03-11 16:00"}}
    answer = sandbox.driver.submit_view(alice, view_id, {**fields, **later})
    assert "is in the future" in answer.body["errors"]["started"]  # it is 14:18
    answer = sandbox.driver.submit_view(alice, view_id, {**fields, "started": {"value": "13:40"}})
    assert answer.body["response_action"] == "update"
    settle(sandbox)
    with db.transaction() as session:
        [incident] = session.scalars(select(Incident)).all()
    assert f"{incident.impact_started_at:%H:%M}" == "13:40"


def test_a_title_that_merely_says_started_keeps_it(sandbox, general, warroom, db, announce_channel):
    declared = declare_and_settle(sandbox, db, "sev2 Builds started failing")
    incident = stored(db, declared.id)
    assert (incident.title, incident.impact_started_at) == ("Builds started failing", None)


def test_the_milestone_command_sets_shows_and_records(sandbox, incident, db, clock):
    answer = run(sandbox, incident, "milestone detected 14:05")
    assert "Recorded" in answer
    notices = [m["text"] for m in sandbox.messages(incident.channel_id)]
    assert any("set detected to 2026-03-11 14:05 UTC" in text for text in notices)
    assert "*Detected:* 2026-03-11 14:05 UTC" in str(headline(sandbox, incident)["blocks"])

    clock.advance(minutes=30)
    run(sandbox, incident, "mitigated Rolled back")
    run(sandbox, incident, "milestone mitigated 14:40")
    assert f"{stored(db, incident.id).mitigated_at:%H:%M}" == "14:40"
    assert "*Impact lasted:* 35 min" in str(headline(sandbox, incident)["blocks"])
    with db.transaction() as session:
        kinds = session.scalars(
            select(TimelineEntry.kind).where(TimelineEntry.incident_id == incident.id)
        ).all()
    assert kinds.count("milestone") == 2


def test_bad_milestones_are_explained_and_change_nothing(sandbox, incident, db):
    alice = "alice"
    assert "`lunch` is not a milestone" in run(sandbox, incident, "milestone lunch 12:00")
    assert "`soonish` is not a time I understand" in run(
        sandbox, incident, "milestone detected soonish"
    )
    assert "is in the future" in run(sandbox, incident, "milestone impact-started 2026-03-11 16:00")
    run(sandbox, incident, "milestone detected 14:00")
    refusal = run(sandbox, incident, "milestone impact-started 14:10")
    assert "cannot come after detected" in refusal
    assert "use `/incident mitigated` first" in run(sandbox, incident, "milestone mitigated 14:15")
    incident_row = stored(db, incident.id)
    assert incident_row.impact_started_at is None and incident_row.mitigated_at is None
    assert told(sandbox, alice)  # every refusal was ephemeral, to the one who typed it


def test_mark_as_impact_start_from_a_message(sandbox, incident, db, clock):
    bob, alice = sandbox.user_id("bob"), sandbox.user_id("alice")
    sandbox.driver.join(bob, incident.channel_id)
    ts = sandbox.driver.post_message(bob, incident.channel_id, "Error rate is climbing")
    settle(sandbox)
    posted = slack_time(ts)
    clock.current = posted + timedelta(minutes=20)  # marked twenty minutes later
    sandbox.driver.message_shortcut(alice, "mark_impact_started", incident.channel_id, ts)
    settle(sandbox)
    assert stored(db, incident.id).impact_started_at == posted.replace(microsecond=0)
    confirmation = f"Impact start of INC-1 set to {posted:%Y-%m-%d %H:%M:%S} UTC."
    assert confirmation in told(sandbox, "alice")


def test_mark_as_impact_start_elsewhere_asks_to_attach_first(sandbox, incident, db, general):
    bob, alice = sandbox.user_id("bob"), sandbox.user_id("alice")
    sandbox.driver.join(sandbox.bot_user_id, general)
    ts = sandbox.driver.post_message(bob, general, "Payments look odd")
    settle(sandbox)
    sandbox.driver.message_shortcut(alice, "mark_impact_started", general, ts)
    settle(sandbox)
    assert any("Attach it first" in text for text in told(sandbox, "alice"))
    assert stored(db, incident.id).impact_started_at is None
