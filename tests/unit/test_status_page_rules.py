from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain.incident import Severity, Status
from warroom.domain.nags import History, NagKind, NagPolicy, incident_due
from warroom.domain.status_page import (
    Condition,
    Phase,
    PublicUpdate,
    StatusPageError,
    conditions,
    overall,
)
from warroom.slack.status_page_views import draft_metadata, draft_of
from warroom.store.models import Incident

DOWN, SLOW = Condition.MAJOR_OUTAGE, Condition.DEGRADED


def update(phase=Phase.INVESTIGATING, **components) -> PublicUpdate:
    return PublicUpdate("Checkout errors", phase, "We are looking into it.", components)


def test_a_component_is_in_the_worst_condition_its_open_incidents_say():
    latest = [update(Checkout=SLOW), update(Checkout=DOWN, API=SLOW), update(Phase.RESOLVED)]
    found = conditions(["API", "Checkout", "Search"], latest)
    assert found == {"API": SLOW, "Checkout": DOWN, "Search": Condition.OPERATIONAL}
    assert overall(found, 2) == ("Major outage", "major_outage")


def test_a_resolved_incident_and_an_unknown_component_say_nothing():
    assert conditions(["API"], [update(Phase.RESOLVED, API=Condition.OPERATIONAL)]) == {
        "API": Condition.OPERATIONAL
    }
    assert conditions(["API"], [update(Gone=DOWN)]) == {"API": Condition.OPERATIONAL}


def test_the_headline_admits_an_open_incident_that_names_no_component():
    operational = {"API": Condition.OPERATIONAL}
    assert overall(operational, 0) == ("All systems operational", "operational")
    assert overall(operational, 1) == ("Some systems are affected", "affected")
    assert overall({}, 0) == ("All systems operational", "operational")


@pytest.mark.parametrize(
    ("title", "message", "phase", "components", "part"),
    [
        (" ", "Fine", Phase.MONITORING, {}, "title"),
        ("Slow", "\n", Phase.MONITORING, {}, "message"),
        ("Slow", "Fixed", Phase.RESOLVED, {"API": SLOW}, "condition"),
    ],
)
def test_an_update_that_cannot_be_published_names_its_part(title, message, phase, components, part):
    with pytest.raises(StatusPageError) as raised:
        PublicUpdate(title, phase, message, components)
    assert raised.value.part == part


def test_the_no_public_update_nag_waits_for_its_severities_and_stops_once_told():
    declared = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    policy = NagPolicy(
        update_cadence={},
        no_ic_after=timedelta(minutes=5),
        action_reminder_interval=timedelta(days=1),
        postmortem_due={},
        snooze=timedelta(minutes=15),
        public_update_after={Severity.SEV1: timedelta(minutes=5)},
    )

    def due(**changes):
        incident = Incident(
            severity=Severity.SEV1,
            status=Status.INVESTIGATING,
            is_private=False,
            is_drill=False,
            public_update_at=None,
            declared_at=declared,
        )
        for name, value in changes.items():
            setattr(incident, name, value)
        return incident_due(NagKind.NO_PUBLIC_UPDATE, incident, History(), policy, False)

    assert due() == declared + timedelta(minutes=5)
    assert due(severity=Severity.SEV3) is None
    assert due(public_update_at=declared) is None
    assert due(is_private=True) is None
    assert due(is_drill=True) is None  # a drill tells customers nothing
    assert due(status=Status.RESOLVED) is None


def test_a_draft_in_any_script_fits_the_preview_until_it_is_really_too_long():
    japanese = PublicUpdate("決済の遅延", Phase.MONITORING, "決" * 1400, {"決済": SLOW})
    assert draft_of(draft_metadata(7, japanese)) == (7, japanese)
    too_long = PublicUpdate(
        "Slow", Phase.MONITORING, "x" * 1400, {f"c{n}" * 20: SLOW for n in range(40)}
    )
    with pytest.raises(StatusPageError) as raised:
        draft_metadata(7, too_long)
    assert raised.value.part == "message"
