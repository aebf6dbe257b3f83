"""Roles end to end: commands, buttons and pickers on the pinned headline, races."""

import threading

from sqlalchemy import select

from tests.conftest import settle
from tests.e2e.incident_fixtures import announcement, headline, run, told
from warroom.domain.incident import Role
from warroom.store import incidents
from warroom.store.models import RoleAssignment, TimelineEntry


def holders(db, declared):
    with db.transaction() as session:
        found = incidents.get(session, declared.id)
        return {role: found.holder(role) for role in Role}


def test_role_command_assigns_and_everything_updates_in_place(
    sandbox, incident, db, announce_channel
):
    priya = sandbox.user_id("priya")
    acknowledgement = run(sandbox, incident, f"role ic <@{priya}|priya>")
    assert "Recorded" in acknowledgement
    assert holders(db, incident)[Role.IC] == priya

    top = headline(sandbox, incident)  # the same message, edited
    assert f"*Incident Commander:* <@{priya}>" in str(top["blocks"])
    assert "claim_role_ic" not in str(top["blocks"])  # no "I'll be IC" button once held
    assert "claim_role_lead" in str(top["blocks"])
    assert f"IC: <@{priya}>" in sandbox.channel(incident.channel_id).topic
    assert f"*IC:* <@{priya}>" in announcement(sandbox, announce_channel, incident)["text"]
    assert priya in sandbox.channel(incident.channel_id).members  # invited to help
    assert any("You are now *Incident Commander*" in text for text in told(sandbox, "priya"))
    assert any(
        f"<@{priya}> is now Incident Commander (assigned by" in m["text"]
        for m in sandbox.messages(incident.channel_id)
    )


def test_history_is_kept_when_a_role_changes_hands(sandbox, incident, db):
    priya, sam = sandbox.user_id("priya"), sandbox.user_id("sam")
    run(sandbox, incident, f"role comms <@{priya}>")
    run(sandbox, incident, f"role comms <@{sam}>")
    run(sandbox, incident, "role comms none")
    with db.transaction() as session:
        terms = session.scalars(
            select(RoleAssignment).order_by(RoleAssignment.started_at, RoleAssignment.id)
        ).all()
        history = [(t.role, t.user_id, t.assigned_by, t.ended_at is not None) for t in terms]
        entries = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == "role").order_by(TimelineEntry.id)
        ).all()
        changes = [(e.details["user_id"], e.details["previous_user_id"]) for e in entries]
    alice = sandbox.user_id("alice")
    assert history == [("comms", priya, alice, True), ("comms", sam, alice, True)]
    assert changes == [(priya, None), (sam, priya), (None, sam)]
    assert holders(db, incident)[Role.COMMS] is None


def test_claim_button_and_a_second_claimant_is_told_who_holds_it(sandbox, incident, db):
    bob, raj = sandbox.user_id("bob"), sandbox.user_id("raj")
    for user in (bob, raj):
        sandbox.driver.join(user, incident.channel_id)
    settle(sandbox)
    click = sandbox.driver.block_action(
        bob, "claim_role_ic", "ic", channel_id=incident.channel_id, message_ts=incident.headline_ts
    )
    assert click.status == 200
    settle(sandbox)
    assert holders(db, incident)[Role.IC] == bob
    sandbox.driver.block_action(
        raj,
        "claim_role_lead",
        "lead",
        channel_id=incident.channel_id,
        message_ts=incident.headline_ts,
    )
    settle(sandbox)
    assert holders(db, incident)[Role.LEAD] == raj
    # raj's stale view of the headline still shows the IC button
    sandbox.driver.block_action(
        raj, "claim_role_ic", "ic", channel_id=incident.channel_id, message_ts=incident.headline_ts
    )
    settle(sandbox)
    assert holders(db, incident)[Role.IC] == bob
    assert f"Incident Commander is already held by <@{bob}>" in told(sandbox, "raj")[-1]


def test_two_simultaneous_claims_exactly_one_wins(sandbox, incident, db):
    bob, raj = sandbox.user_id("bob"), sandbox.user_id("raj")
    for user in (bob, raj):
        sandbox.driver.join(user, incident.channel_id)
    settle(sandbox)
    start = threading.Barrier(2)

    def claim(user):
        start.wait()
        sandbox.driver.block_action(
            user,
            "claim_role_ic",
            "ic",
            channel_id=incident.channel_id,
            message_ts=incident.headline_ts,
        )

    threads = [threading.Thread(target=claim, args=(user,)) for user in (bob, raj)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    settle(sandbox)
    winner = holders(db, incident)[Role.IC]
    loser = "raj" if winner == bob else "bob"
    assert winner in (bob, raj)
    assert f"Incident Commander is already held by <@{winner}>" in told(sandbox, loser)[-1]
    with db.transaction() as session:
        claims = session.scalars(select(RoleAssignment).where(RoleAssignment.role == "ic")).all()
    assert len(claims) == 1


def test_user_picker_assigns_someone_else(sandbox, incident, db):
    sam = sandbox.user_id("sam")
    sandbox.driver.block_action(
        sandbox.user_id("alice"),
        "assign_role_scribe",
        channel_id=incident.channel_id,
        message_ts=incident.headline_ts,
        selected_user=sam,
    )
    settle(sandbox)
    assert holders(db, incident)[Role.SCRIBE] == sam
    assert any("You are now *Scribe*" in text for text in told(sandbox, "sam"))


def test_ic_who_also_leads_a_sev1_gets_a_gentle_warning(sandbox, incident, db):
    alice = sandbox.user_id("alice")
    run(sandbox, incident, "role ic me")
    run(sandbox, incident, "role lead me")
    assert holders(db, incident)[Role.IC] == holders(db, incident)[Role.LEAD] == alice
    assert "does not debug" in told(sandbox, "alice")[-1]


def test_role_errors_are_specific(sandbox, incident, db):
    assert "`boss` is not a role" in run(sandbox, incident, "role boss me")
    assert "Nobody holds the Scribe role" in run(sandbox, incident, "role scribe none")
    run(sandbox, incident, "role ic me")
    assert "already held by" in run(sandbox, incident, "role ic me")
