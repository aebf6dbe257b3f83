"""A busy incident while Slack answers 429 (with Retry-After) or 500 to a third of all
calls, at random: every post still lands, once, in order."""

from sqlalchemy import func, select

from tests.conftest import deliver_everything, settle
from tests.e2e.incident_fixtures import declare_and_settle, run
from warroom.store.models import TimelineEntry


def test_every_post_lands_once_and_in_order_while_a_third_of_calls_fail(
    sandbox, general, warroom, bot, db, clock, announce_channel
):
    sandbox.faults.seed(2026)
    sandbox.faults.fail(status=429, fraction=1 / 6, retry_after=0)
    sandbox.faults.fail(status=500, fraction=1 / 5)  # of the calls the 429s spared: 1/3 in all
    incident = declare_and_settle(sandbox, db, "sev1 Payments failing")
    people = {name: sandbox.user_id(name) for name in ("alice", "bob", "priya", "sam")}
    for name in ("bob", "priya", "sam"):
        sandbox.driver.join(people[name], incident.channel_id)
    run(sandbox, incident, f"role ic <@{people['priya']}>")
    run(sandbox, incident, f"role lead <@{people['sam']}>")
    updates = [f"update number {n}: still investigating" for n in range(4)]
    for n, text in enumerate(updates):
        clock.advance(minutes=5)
        run(sandbox, incident, f"update {text}")
        sandbox.driver.post_message(people["sam"], incident.channel_id, f"observation {n}")
        run(sandbox, incident, f"note checkpoint {n}")
    clock.advance(minutes=5)
    run(sandbox, incident, "resolve Rolled back")
    deliver_everything(bot, clock)  # what failed all of its attempts, tried again later
    settle(sandbox)

    faulted = [call for call in sandbox.calls if call.http_status in (429, 500)]
    assert len(faulted) >= len(sandbox.calls) // 5  # the faults really happened
    channel = sandbox.messages(incident.channel_id)
    posted_updates = [m["text"] for m in channel if "update:" in m["text"]]
    assert len(posted_updates) == 4  # each once
    assert [u.split("\n")[-1] for u in posted_updates] == updates  # in order
    notes = [m["text"] for m in channel if "noted: checkpoint" in m["text"]]
    assert notes == [f":pushpin: <@{people['alice']}> noted: checkpoint {n}" for n in range(4)]
    assert [m["ts"] for m in channel if "INC-1: Payments failing" in str(m.get("blocks"))] == [
        incident.headline_ts
    ]
    assert sandbox.pins(incident.channel_id) == [incident.headline_ts]
    thread = sandbox.replies(announce_channel, incident.announcement_ts)
    assert len(sandbox.messages(announce_channel)) == 1
    assert len([r for r in thread[1:] if "update number" in str(r.get("blocks"))]) == 4
    assert "Resolved" in sandbox.messages(announce_channel)[0]["text"]
    with db.transaction() as session:
        observations = session.scalar(
            select(func.count())
            .select_from(TimelineEntry)
            .where(TimelineEntry.text.like("observation %"))
        )
    assert observations == 4
