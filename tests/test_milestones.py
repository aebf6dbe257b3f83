"""Milestones: the figures of an incident detected late, and the edits that cannot be right."""

from datetime import UTC, datetime

import pytest

from warroom.app import incidents as running
from warroom.app import postmortem_draft as postmortem
from warroom.app import postmortems
from warroom.app.milestones import set_milestone
from warroom.domain.incident import IncidentError, Role, Severity
from warroom.domain.milestones import Milestone
from warroom.domain.timeline import EntryKind
from warroom.store import timeline


def at(hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(2026, 3, 11, hour, minute, tzinfo=UTC)


@pytest.fixture
def detected_late(core, clock):
    """Impact from 13:14, noticed by an alert at 14:16, declared 14:18, IC at 14:21,
    mitigated 14:22, resolved 14:45."""
    number = running.declare(
        core,
        title="Checkout errors",
        severity=Severity.SEV1,
        by="UANA",
        impact_started_at=at("13:14"),
    ).incident_id
    set_milestone(core, number, Milestone.DETECTED, at("14:16"), by="UANA")
    clock.advance(minutes=3)
    running.assign_role(core, number, Role.IC, "UKOFI", by="UKOFI")
    clock.advance(minutes=1)
    running.mark_mitigated(core, number, "Rolled back", by="UKOFI")
    clock.advance(minutes=23)
    running.resolve(core, number, "Error rate normal", by="UKOFI")
    return number


def draft_of(db, number):
    with db.transaction() as session:
        return postmortem.gather(session, number)


def test_an_incident_detected_late_is_measured_from_its_impact(db, detected_late):
    draft = draft_of(db, detected_late)
    assert draft.impact_duration == "1 h 08 min"  # 13:14 to the mitigation at 14:22
    assert draft.impact_window == "Duration: 1 h 08 min (13:14–14:22 UTC on 2026-03-11)."
    assert draft.time_to_detect == "1 h 02 min"
    assert draft.time_to_acknowledge == "5 min"  # from the alert at 14:16 to the IC at 14:21
    assert draft.time_to_mitigate == "1 h 08 min"
    assert draft.time_to_resolve == "1 h 31 min"
    assert draft.duration == "27 min"  # the declared incident itself
    shown = {m["name"]: m["time"] for m in draft.milestones}
    assert shown == {
        "impact_started": "2026-03-11 13:14:00",
        "detected": "2026-03-11 14:16:00",
        "declared": "2026-03-11 14:18:00",
        "acknowledged": "2026-03-11 14:21:00",
        "mitigated": "2026-03-11 14:22:00",
        "resolved": "2026-03-11 14:45:00",
    }
    first, second = draft.key_events[:2]
    assert (first["time"], first["text"]) == ("2026-03-11 13:14:00", "Impact started.")
    assert (second["time"], second["text"]) == ("2026-03-11 14:16:00", "Detected.")
    rendered = postmortem.render(draft)
    assert "| Time to detect | 1 h 02 min |" in rendered
    assert "| Impact started (UTC) | 2026-03-11 13:14:00 |" in rendered


def test_a_summary_that_states_another_duration_gets_a_finding(core, db, detected_late):
    summary = "Checkout failed for 27 minutes after the 2.4 release."
    postmortems.save_notes(core, detected_late, by="UANA", summary=summary)
    [finding] = [f for f in draft_of(db, detected_late).findings if f.check == "duration"]
    assert finding.quote == "27 minutes" and "1 h 08 min" in finding.suggestion

    postmortems.save_notes(core, detected_late, by="UANA", summary="Checkout failed for 68 min.")
    assert not [f for f in draft_of(db, detected_late).findings if f.check == "duration"]


def test_each_edit_is_on_the_timeline_with_what_it_replaced(core, db, detected_late):
    set_milestone(core, detected_late, Milestone.MITIGATED, at("14:20"), by="UANA")
    set_milestone(core, detected_late, Milestone.DETECTED, None, by="UANA")
    with db.transaction() as session:
        edits = [
            e.details
            for e in timeline.entries(session, detected_late)
            if e.kind == EntryKind.MILESTONE
        ]
    assert edits[-2:] == [
        {
            "milestone": "mitigated",
            "at": "2026-03-11T14:20:00+00:00",
            "previous": "2026-03-11T14:22:00+00:00",
        },
        {"milestone": "detected", "at": None, "previous": "2026-03-11T14:16:00+00:00"},
    ]
    assert draft_of(db, detected_late).impact_duration == "1 h 06 min"


@pytest.mark.parametrize(
    ("milestone", "when", "refusal"),
    [
        (Milestone.DETECTED, "13:00", "Impact started (2026-03-11 13:14 UTC) cannot come after"),
        (Milestone.IMPACT_STARTED, "14:17", "cannot come after detected"),
        (Milestone.IMPACT_STARTED, "15:30", "is in the future"),
        (Milestone.DECLARED, "14:00", "recorded the declaration itself"),
        (Milestone.MITIGATED, "14:30", "not mitigated yet"),
        (Milestone.RESOLVED, None, "not resolved yet"),
        (Milestone.ACKNOWLEDGED, None, "not set, so there is nothing to clear"),
    ],
)
def test_impossible_milestones_are_refused_in_words(core, clock, milestone, when, refusal):
    number = running.declare(
        core, title="Slow search", severity=Severity.SEV2, by="UANA", impact_started_at=at("13:14")
    ).incident_id
    set_milestone(core, number, Milestone.DETECTED, at("14:00"), by="UANA")
    clock.advance(minutes=10)
    with pytest.raises(IncidentError, match=refusal.replace("(", r"\(").replace(")", r"\)")):
        set_milestone(core, number, milestone, at(when) if when else None, by="UANA")


def test_the_first_ic_acknowledges_and_later_ones_do_not(core, clock, db):
    number = running.declare(core, title="Queue lag", severity=Severity.SEV2, by="UANA").incident_id
    clock.advance(minutes=4)
    running.assign_role(core, number, Role.IC, "UKOFI", by="UKOFI")
    clock.advance(minutes=30)
    running.assign_role(core, number, Role.IC, "UMEI", by="UKOFI")
    assert draft_of(db, number).time_to_acknowledge == "4 min"
