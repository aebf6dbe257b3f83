"""The postmortem in Slack: drafted on resolve, filled in, re-drafted in place, published."""

from tests.conftest import settle
from tests.e2e.incident_fixtures import declare_and_settle, run


def summaries(sandbox, channel_id):
    return [m for m in sandbox.messages(channel_id) if m["text"].startswith("Postmortem (")]


def attached_draft(sandbox, channel_id, summary) -> str:
    [*_, reply] = [r for r in sandbox.replies(channel_id, summary["ts"]) if r.get("files")]
    return sandbox.file_content(reply["files"][0]["id"]).decode()


def test_resolve_drafts_then_notes_redraft_in_place_then_publish(
    sandbox, incident, db, clock, announce_channel
):
    alice, sam = sandbox.user_id("alice"), sandbox.user_id("sam")
    clock.advance(minutes=3)
    run(sandbox, incident, "role ic me")
    clock.advance(minutes=14)
    run(sandbox, incident, "update identified Rising memory in v2.8.0")
    run(sandbox, incident, f"action Extend load tests to 1 hour <@{sam}> due 2026-03-20 p2")
    clock.advance(minutes=30)
    run(sandbox, incident, "resolve Rolled back to v2.7.4")

    [summary] = summaries(sandbox, incident.channel_id)
    shown = str(summary["blocks"])
    assert "Postmortem (draft): INC-1 Payments failing" in summary["text"]
    assert "*Impact:* 47 min" in shown and "*Acknowledged in:* 3 min" in shown
    assert "Extend load tests to 1 hour" in shown and "Still to fix" in shown
    markdown = attached_draft(sandbox, incident.channel_id, summary)
    assert markdown.startswith("# INC-1: Payments failing")
    assert "_Missing: the mechanism that failed" in markdown

    sandbox.driver.block_action(
        alice, "postmortem_edit", "1", channel_id=incident.channel_id, message_ts=summary["ts"]
    )
    settle(sandbox)
    [form] = [v["id"] for v in sandbox.open_views("postmortem_notes")]
    sandbox.driver.submit_view(
        alice,
        form,
        {
            "summary": {"value": "Payments were down for 47 minutes after release v2.8.0."},
            "impact": {"value": "~3,200 failed checkouts, ~$18,000 recoverable, SLA breached."},
            "root_cause": {"value": "Payment-session objects were retained after completion."},
            "contributing_factors": {
                "value": "No memory alert\nLoad tests run only 5 minutes\n"
                "Release and config changes need no approval"
            },
            "what_went_well": {"value": "Rollback took 13 minutes."},
        },
    )
    settle(sandbox)
    [redrafted] = summaries(sandbox, incident.channel_id)  # replaced, not piled up
    assert redrafted["ts"] == summary["ts"]
    assert "~3,200 failed checkouts" in str(redrafted["blocks"])
    markdown = attached_draft(sandbox, incident.channel_id, redrafted)
    assert "1. No memory alert" in markdown and "_Missing: the mechanism" not in markdown

    run(sandbox, incident, "postmortem review")
    assert "Postmortem (in review)" in summaries(sandbox, incident.channel_id)[0]["text"]
    run(sandbox, incident, "postmortem publish")
    assert "Postmortem (published)" in summaries(sandbox, incident.channel_id)[0]["text"]
    [published] = summaries(sandbox, announce_channel)
    assert "Payments were down for 47 minutes" in str(published["blocks"])
    assert attached_draft(sandbox, announce_channel, published).startswith("# INC-1")


def test_the_linter_knows_the_people_of_the_incident_from_its_tools(sandbox, incident, db):
    alice, sam = sandbox.user_id("alice"), sandbox.user_id("sam")
    sandbox.driver.join(sam, incident.channel_id)
    sandbox.driver.post_message(sam, incident.channel_id, "Looking at the EU config")
    run(sandbox, incident, "resolve Config reverted")
    [summary] = summaries(sandbox, incident.channel_id)
    sandbox.driver.block_action(
        alice, "postmortem_edit", "1", channel_id=incident.channel_id, message_ts=summary["ts"]
    )
    settle(sandbox)
    [form] = [v["id"] for v in sandbox.open_views("postmortem_notes")]
    notes = {
        "root_cause": {"value": "Sam's config change broke checkout for EU customers."},
        "detection": {"value": "Jenkins skipped the smoke stage, so nothing failed the build."},
    }
    sandbox.driver.submit_view(alice, form, notes)
    settle(sandbox)
    blocks = summaries(sandbox, incident.channel_id)[0]["blocks"]
    [findings] = [b["text"]["text"] for b in blocks if "Still to fix" in str(b)]
    assert "*root cause*: “Sam's config change broke”" in findings
    assert "Jenkins" not in findings


def test_publishing_before_resolving_is_refused(sandbox, incident):
    answer = run(sandbox, incident, "postmortem publish")
    assert "INC-1 is not resolved yet: resolve it before the postmortem is published" in answer
    assert "Say `edit`" in run(sandbox, incident, "postmortem later")


def test_a_private_incident_postmortem_stays_in_its_channel(
    sandbox, general, warroom, db, announce_channel
):
    alice = sandbox.user_id("alice")
    sandbox.driver.slash_command(alice, general, "declare")
    settle(sandbox)
    [form] = [v["id"] for v in sandbox.open_views("declare_incident")]
    sandbox.driver.submit_view(
        alice,
        form,
        {
            "title": {"value": "Leaked API keys"},
            "severity": {"value": "sev1"},
            "private": {"value": ["private"]},
        },
    )
    settle(sandbox)
    channel = sandbox.channel_by_name("inc-1").id
    sandbox.driver.slash_command(alice, channel, "resolve")
    settle(sandbox)
    sandbox.driver.slash_command(alice, channel, "postmortem publish")
    settle(sandbox)
    assert "Postmortem (published)" in summaries(sandbox, channel)[0]["text"]
    everything_announced = str(sandbox.messages(announce_channel, include_replies=True))
    assert "Leaked" not in everything_announced and "Postmortem" not in everything_announced


def test_a_4000_entry_timeline_still_posts_within_block_kit_limits(sandbox, general, warroom, db):
    declared = declare_and_settle(sandbox, db, "sev2 Noisy incident")
    alice = sandbox.user_id("alice")
    for i in range(4000):
        sandbox.driver.send_event(
            {
                "type": "message",
                "channel": declared.channel_id,
                "user": alice,
                "text": f"observation {i} " + "y" * 80,
                "ts": f"{1773238680 + i}.000200",
            },
            event_id=f"EvMany{i}",
        )
    sandbox.driver.slash_command(alice, declared.channel_id, "resolve")
    settle(sandbox)
    [summary] = summaries(sandbox, declared.channel_id)
    assert len(summary["blocks"]) <= 50
    markdown = attached_draft(sandbox, declared.channel_id, summary)
    assert "observation 3999" in markdown
