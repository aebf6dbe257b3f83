"""The postmortem draft from recorded facts: durations, order, placeholders, the linter, and
user templates in Jinja's sandbox."""

from datetime import date

import pytest

from warroom.app import action_items, postmortems
from warroom.app import incidents as running
from warroom.app import postmortem_draft as postmortem
from warroom.app.postmortem_draft import PostmortemTemplateError
from warroom.domain.action_items import Priority
from warroom.domain.incident import IncidentError, Role, Severity, Status
from warroom.domain.timeline import EntryKind
from warroom.store import timeline


@pytest.fixture
def payments_outage(core, clock):
    """Seed 000's outage: declared 14:18, IC at 14:21, mitigated and resolved at 15:05."""
    number = running.declare(
        core, title="Payments service outage", severity=Severity.SEV1, by="URAJ"
    ).incident_id
    steps = [
        (3, lambda: running.assign_role(core, number, Role.IC, "UPRIYA", by="UPRIYA")),
        (
            14,
            lambda: running.post_update(
                core, number, Status.IDENTIFIED, "Rising memory in v2.8.0", by="URAJ"
            ),
        ),
        (
            17,
            lambda: running.add_note(core, number, "Decision to roll back to v2.7.4", by="UPRIYA"),
        ),
        (13, lambda: running.mark_mitigated(core, number, "Rollback complete", by="URAJ")),
        (0, lambda: running.resolve(core, number, "Error rate normal", by="UPRIYA")),
    ]
    for minutes, step in steps:
        clock.advance(minutes=minutes)
        step()
    owners = [
        ("Add the missing session-cleanup call", "URAJ", 13),
        ("Add memory alerts (warn 80%, page 90%) on payments", "UPRIYA", 15),
        ("Extend load tests to 1 hour to surface slow leaks", "USAM", 20),
        ("Require approval for release and config changes", "URAJ", 22),
    ]
    for text, owner, day in owners:
        action_items.add(
            core,
            number,
            text=text,
            owner_id=owner,
            due_on=date(2026, 3, day),
            priority=Priority.P1,
            by="URAJ",
        )
    return number


def draft_of(db, number):
    with db.transaction() as session:
        return postmortem.gather(session, number)


def test_figures_come_from_what_happened(db, payments_outage):
    draft = draft_of(db, payments_outage)
    assert (draft.start, draft.end) == ("2026-03-11 14:18:00", "2026-03-11 15:05:00")
    assert draft.duration == "47 min" and draft.time_to_resolve == "47 min"
    assert draft.time_to_acknowledge == "3 min" and draft.time_to_mitigate == "47 min"
    assert draft.impact_window == (
        "Duration: 47 min (14:18–15:05 UTC on 2026-03-11). Measured from the declaration: nobody "
        "recorded when the impact started (`/incident milestone impact-started <time>`)."
    )
    times = [event["time"] for event in draft.all_events]
    assert times == sorted(times)
    assert [e["kind"] for e in draft.key_events] == [
        "declared",
        "status_update",
        "note",
        "mitigated",
        "resolved",
    ]
    markdown = postmortem.render(draft)
    assert (
        "| 2 | Add memory alerts (warn 80%, page 90%) on payments | - | @UPRIYA | 2026-03-15 |"
        in markdown
    )
    assert "- Incident Commander: @UPRIYA from 14:21" in markdown
    assert markdown.index("Rising memory") < markdown.index("Decision to roll back")


def test_what_only_people_know_is_asked_for_never_left_empty(db, payments_outage):
    markdown = postmortem.render(draft_of(db, payments_outage))
    for section in (
        "## Summary",
        "## Root cause",
        "## Contributing factors",
        "## Detection",
        "## Lessons learned",
        "## What went well",
    ):
        body = markdown.split(section, 1)[1].lstrip().split("\n", 1)[0]
        assert body.startswith("_Missing:"), (section, body)


def test_notes_fill_the_sections_and_the_linter_reads_them(core, db, payments_outage):
    postmortems.save_notes(
        core,
        payments_outage,
        by="URAJ",
        summary="Payments were unavailable for 47 minutes.",
        impact="~3,200 failed checkout attempts; ~$18,000 recoverable; SLA breached.",
        root_cause="It looks like human error in v2.8.0.",
        contributing_factors="No memory alert\nLoad tests run only 5 minutes",
    )
    draft = draft_of(db, payments_outage)
    markdown = postmortem.render(draft)
    assert "~3,200 failed checkout attempts" in markdown
    assert "1. No memory alert\n2. Load tests run only 5 minutes" in markdown
    checks = {(f.check, f.quote) for f in draft.findings}
    assert ("hedging", "It looks like") in checks
    assert any(check == "blame" and "human error" in quote for check, quote in checks)
    assert ("few-factors", "") in checks and ("no-what-went-well", "") in checks
    assert not any(f.check.startswith("impact") for f in draft.findings)


def test_a_user_template_overrides_and_runs_sandboxed(db, payments_outage, tmp_path):
    (tmp_path / "postmortem.md.j2").write_text("Custom {{ reference }} lasted {{ duration }}\n")
    assert postmortem.render(draft_of(db, payments_outage), tmp_path) == (
        "Custom INC-1 lasted 47 min\n"
    )
    (tmp_path / "postmortem.md.j2").write_text("{{ notes.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(PostmortemTemplateError, match="tried to reach Python internals"):
        postmortem.render(draft_of(db, payments_outage), tmp_path)
    (tmp_path / "postmortem.md.j2").write_text("{{ notes.clear() }}")
    with pytest.raises(PostmortemTemplateError, match="Python internals"):
        postmortem.render(draft_of(db, payments_outage), tmp_path)
    (tmp_path / "postmortem.md.j2").write_text("{{ no_such_value }}")
    with pytest.raises(PostmortemTemplateError, match="failed: 'no_such_value' is undefined"):
        postmortem.render(draft_of(db, payments_outage), tmp_path)


def test_a_published_postmortem_stays_published(core, db, payments_outage):
    postmortems.send_for_review(core, payments_outage)
    postmortems.draft(core, payments_outage)  # re-drafting during review keeps it in review
    assert draft_of(db, payments_outage).postmortem_status == "in review"
    postmortems.publish(core, payments_outage)
    with pytest.raises(IncidentError, match="already published"):
        postmortems.send_for_review(core, payments_outage)
    postmortems.draft(core, payments_outage)  # a re-draft only refreshes it
    postmortems.save_notes(core, payments_outage, by="URAJ", lessons="Alert on memory")
    assert draft_of(db, payments_outage).postmortem_status == "published"


def _declared_and_resolved(core, severity: Severity) -> int:
    number = running.declare(core, title="Search slow", severity=severity, by="UANA").incident_id
    running.resolve(core, number, "Fine again", by="UANA")
    return number


def test_a_sev4_postmortem_is_only_its_action_items(core, db):
    number = _declared_and_resolved(core, Severity.SEV4)
    markdown = postmortem.render(draft_of(db, number))
    assert "## Action items" in markdown and "(actions, as SEV4 needs)" in markdown
    assert "## Summary" not in markdown and "## Root cause" not in markdown


def test_a_sev3_postmortem_is_abbreviated_and_held_to_what_it_has(core, db):
    number = _declared_and_resolved(core, Severity.SEV3)
    draft = draft_of(db, number)
    markdown = postmortem.render(draft)
    assert "## Summary" in markdown and "## Root cause" in markdown
    assert "## Contributing factors" not in markdown and "## What went well" not in markdown
    found = {finding.check for finding in draft.findings}
    assert "root-cause-missing" in found
    assert not found & {"few-factors", "no-what-went-well", "detection-missing", "no-ic"}


def test_depths_are_settings(core, db):
    from warroom.config import load_settings
    from warroom.domain.postmortem import Depth

    settings = load_settings(_env_file=None, warroom_postmortem_depth_sev4="full")
    assert settings.postmortem_depths()[Severity.SEV4] is Depth.FULL
    number = _declared_and_resolved(core, Severity.SEV4)
    with db.transaction() as session:
        draft = postmortem.gather(session, number, depths=settings.postmortem_depths())
    assert "## What went well" in postmortem.render(draft)


def test_a_major_incident_without_an_ic_or_follow_ups_is_told_so(core, db):
    draft = draft_of(db, _declared_and_resolved(core, Severity.SEV2))
    found = {finding.check for finding in draft.findings}
    assert {"no-ic", "no-action-items", "root-cause-missing", "detection-missing"} <= found


def test_multi_line_notes_become_lists_and_joins_stay_out_of_key_events(core, db, clock):
    number = running.declare(core, title="Queue lag", severity=Severity.SEV2, by="UANA").incident_id
    postmortems.save_notes(
        core,
        number,
        by="UANA",
        recovery="Drained the queue\n- restarted consumers\n3. verified lag",
    )
    draft = draft_of(db, number)
    assert postmortem.as_markdown(draft.notes["recovery"]) == (
        "- Drained the queue\n- restarted consumers\n- verified lag"
    )
    assert postmortem.as_markdown("One line stays a paragraph.") == "One line stays a paragraph."
    assert "- Drained the queue\n- restarted consumers" in postmortem.render(draft)

    at = clock()
    with db.transaction() as session:  # a join someone pinned, a message attached with its link
        timeline.record(session, number, EntryKind.JOINED, at, actor_id="UBO", highlighted=True)
        timeline.record(
            session,
            number,
            EntryKind.ATTACHED,
            at,
            actor_id="UBO",
            text="Customers report errors",
            highlighted=True,
            details={"attached_by": "UANA", "permalink": "https://example.slack.com/p1"},
        )
    draft = draft_of(db, number)
    assert [e["kind"] for e in draft.key_events] == ["declared", "attached"]
    assert "https://" not in draft.key_events[-1]["text"]
    assert "https://example.slack.com/p1" in draft.all_events[-1]["text"]


def test_the_people_of_an_incident_are_known_before_the_draft_is_gathered(db, payments_outage):
    from warroom.store import incidents

    with db.transaction() as session:  # Slack is asked their names before gathering
        assert incidents.people(session, payments_outage) == {"URAJ", "UPRIYA", "USAM"}
