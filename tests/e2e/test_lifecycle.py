"""Updates, severity, rename, mitigation, resolution, status and list, end to end."""

import pytest
from sqlalchemy import select

from tests.conftest import settle
from tests.e2e.incident_fixtures import announcement, declare_and_settle, headline, run, told
from warroom.store import incidents
from warroom.store.models import TimelineEntry


def entries(db, declared, kind):
    with db.transaction() as session:
        query = select(TimelineEntry).where(
            TimelineEntry.incident_id == declared.id, TimelineEntry.kind == kind
        )
        return session.scalars(query.order_by(TimelineEntry.id)).all()


def current(db, declared):
    with db.transaction() as session:
        return incidents.get(session, declared.id)


def test_update_is_posted_for_stakeholders_and_mirrored(
    sandbox, incident, db, clock, announce_channel
):
    run(sandbox, incident, "update identified Memory leak in v2.8.0 <!here>; rolling back")
    assert current(db, incident).status == "identified"
    [update] = [m for m in sandbox.messages(incident.channel_id) if "update:" in m["text"]]
    shown = str(update["blocks"])
    assert "INC-1 update" in shown and "Identified" in shown
    assert "Memory leak in v2.8.0 @here; rolling back" in shown  # no ping survives
    assert "<!here>" not in shown
    assert "Next update by 14:33 UTC" in shown  # SEV1: every 15 minutes
    assert f"Posted by <@{sandbox.user_id('alice')}> at 14:18 UTC" in shown

    posted = announcement(sandbox, announce_channel, incident)
    assert "Identified" in posted["text"] and "Memory leak" in posted["text"]
    thread = sandbox.replies(announce_channel, incident.announcement_ts)
    assert len(thread) == 2 and "Memory leak" in str(thread[1]["blocks"])
    assert len(sandbox.messages(announce_channel)) == 1  # edited in place, not re-posted

    [entry] = entries(db, incident, "status_update")
    assert entry.occurred_at == clock() and entry.highlighted


@pytest.mark.settings(warroom_update_cadence_sev1="10m")
def test_the_next_update_is_promised_at_the_configured_cadence(sandbox, incident):
    run(sandbox, incident, "update Still investigating")
    [update] = [m for m in sandbox.messages(incident.channel_id) if "update:" in m["text"]]
    assert "Next update by 14:28 UTC" in str(update["blocks"])


def test_update_while_slack_answers_429_lands_once(sandbox, incident, db, announce_channel):
    sandbox.faults.fail("chat.postMessage", status=429, retry_after=0, times=2)
    sandbox.faults.fail("chat.update", status=429, retry_after=0, times=1)
    run(sandbox, incident, "update Still investigating, nothing new")
    updates = [m for m in sandbox.messages(incident.channel_id) if "update:" in m["text"]]
    assert len(updates) == 1
    assert "Still investigating" in announcement(sandbox, announce_channel, incident)["text"]
    assert told(sandbox, "alice")[-1].startswith("INC-1 is open")  # no failure reported


def test_severity_rename_mitigate_resolve_reopen(sandbox, incident, db, clock, announce_channel):
    run(sandbox, incident, "severity sev2 Only EU checkouts fail")
    assert current(db, incident).severity == "sev2"
    assert "SEV2" in sandbox.channel(incident.channel_id).topic
    assert "Severity:* SEV2" in str(headline(sandbox, incident)["blocks"])

    run(sandbox, incident, "rename EU payments failing")
    assert sandbox.channel(incident.channel_id).name == "inc-1-eu-payments-failing"
    assert "INC-1: EU payments failing" in str(headline(sandbox, incident)["blocks"])
    assert current(db, incident).channel_name == "inc-1-eu-payments-failing"

    clock.advance(minutes=30)
    run(sandbox, incident, "mitigated Rolled back to v2.7.4")
    assert current(db, incident).mitigated_at == clock()

    clock.advance(minutes=17)
    run(sandbox, incident, "resolve Error rate normal")
    resolved = current(db, incident)
    assert resolved.status == "resolved" and resolved.resolved_at == clock()
    assert "*Impact lasted:* 30 min" in str(headline(sandbox, incident)["blocks"])  # to mitigated
    assert "after 47 min" in announcement(sandbox, announce_channel, incident)["text"]
    assert "claim_role" not in str(headline(sandbox, incident)["blocks"])

    assert "already" not in run(sandbox, incident, "reopen")
    assert current(db, incident).status == "investigating"
    kinds = [e.kind for e in entries(db, incident, "severity")] + [
        e.kind
        for kind in ("renamed", "mitigated", "resolved", "reopened")
        for e in entries(db, incident, kind)
    ]
    assert kinds == ["severity", "severity", "renamed", "mitigated", "resolved", "reopened"]


def test_lifecycle_errors_are_sentences(sandbox, incident, db):
    assert "already SEV1" in run(sandbox, incident, "severity sev1")
    assert "not resolved, so it cannot be reopened" in run(sandbox, incident, "reopen")
    run(sandbox, incident, "resolve")
    assert "is resolved; `/incident reopen` it first" in run(sandbox, incident, "update hi")
    assert "is resolved" in run(sandbox, incident, "resolve")
    answer = run(sandbox, incident, "update")
    assert "A status update needs its text" in answer and "For example" in answer


def test_channel_commands_outside_an_incident_channel_say_where(sandbox, general, warroom):
    alice = sandbox.user_id("alice")
    for name in ("update all good", "resolve", "status", "role ic me", "severity sev1"):
        text = sandbox.driver.slash_command(alice, general, name).body["text"]
        assert f"`/incident {name.split()[0]}` works inside an incident's channel" in text


def test_status_summary(sandbox, incident, db, clock):
    clock.advance(minutes=20)
    text = run(sandbox, incident, "status")
    assert "INC-1: Payments failing" in text and "SEV1" in text
    assert "declared 20 min ago" in text and "last update none posted yet" in text
    assert "Incident Commander: _unassigned_" in text


def test_list_shows_most_severe_then_newest_and_hides_private_from_non_members(
    sandbox, general, warroom, db, clock
):
    declare_and_settle(sandbox, db, "sev3 Slow search")
    clock.advance(minutes=1)
    declare_and_settle(sandbox, db, "sev1 Payments failing")
    clock.advance(minutes=1)
    declare_and_settle(sandbox, db, "sev3 Flaky exports")
    view_id = _open_declare_form(sandbox, general)
    sandbox.driver.submit_view(
        sandbox.user_id("alice"),
        view_id,
        {
            "title": {"value": "Leaked keys"},
            "severity": {"value": "sev2"},
            "private": {"value": ["private"]},
        },
    )
    settle(sandbox)

    def listed(user):
        sandbox.driver.slash_command(sandbox.user_id(user), general, "list")
        settle(sandbox)
        return told(sandbox, user)[-1]

    for_alice = listed("alice")
    order = [for_alice.index(ref) for ref in ("INC-2", "INC-4", "INC-3", "INC-1")]
    assert order == sorted(order)
    assert "Leaked keys" in for_alice
    for_bob = listed("bob")
    assert "INC-4" not in for_bob and "Leaked keys" not in for_bob
    assert "INC-2" in for_bob


def test_app_home_lists_open_incidents_and_hides_private_ones(sandbox, general, warroom, db):
    declare_and_settle(sandbox, db, "sev2 Search is slow")
    view_id = _open_declare_form(sandbox, general)
    sandbox.driver.submit_view(
        sandbox.user_id("alice"),
        view_id,
        {
            "title": {"value": "Leaked keys"},
            "severity": {"value": "sev1"},
            "private": {"value": ["private"]},
        },
    )
    settle(sandbox)
    for user in ("alice", "bob"):
        sandbox.driver.open_app_home(sandbox.user_id(user))
    settle(sandbox)
    alice_home = str(sandbox.home_view(sandbox.user_id("alice")))
    bob_home = str(sandbox.home_view(sandbox.user_id("bob")))
    assert "Search is slow" in alice_home and "Leaked keys" in alice_home
    assert "Search is slow" in bob_home and "Leaked keys" not in bob_home
    assert "open_declare_form" in bob_home

    sandbox.driver.block_action(
        sandbox.user_id("bob"), "open_declare_form", view_id=_home_view_id(sandbox, "bob")
    )
    settle(sandbox)
    assert any(v["user"] == sandbox.user_id("bob") for v in sandbox.open_views("declare_incident"))


def _open_declare_form(sandbox, general) -> str:
    sandbox.driver.slash_command(sandbox.user_id("alice"), general, "declare")
    settle(sandbox)
    return sandbox.open_views("declare_incident")[-1]["id"]


def _home_view_id(sandbox, user) -> str:
    [view_id] = [
        v["id"]
        for v in sandbox.views.values()
        if v["user"] == sandbox.user_id(user) and v["view"]["type"] == "home"
    ]
    return view_id
