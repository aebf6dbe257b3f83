"""`/incident declare --drill`: a practice incident runs the whole process in its channel
(headline, roles, updates, the postmortem) but pages no one, announces nowhere, tells
customers nothing, opens no ticket and counts in no insight."""

from datetime import date, timedelta

import pytest

from tests.conftest import settle
from tests.e2e.incident_fixtures import declare_and_settle, headline, open_declare_modal, run
from tests.e2e.paging_fixtures import PAGE, paged
from warroom.app.insights import insights
from warroom.domain.incident import Severity
from warroom.store import incidents


@pytest.fixture
def settings(settings, tmp_path, sandbox, pagerduty):
    return paged(settings, tmp_path, sandbox, pagerduty)


def test_a_drill_pages_no_one_announces_nothing_and_counts_in_no_insight(
    sandbox, general, warroom, pagerduty, db, announce_channel, clock
):
    drill = declare_and_settle(sandbox, db, "--drill sev1 payments: Practice checkout outage")
    assert drill.channel_id is not None and drill.announcement_ts is None
    assert sandbox.messages(announce_channel) == []
    assert pagerduty.alert(PAGE) is None  # a SEV1 of a paged service, and no page
    shown = headline(sandbox, drill)
    assert "A drill: it pages no one" in str(shown["blocks"])
    assert sandbox.channel(drill.channel_id).topic.startswith("DRILL | SEV1")

    run(sandbox, drill, "role ic me")
    run(sandbox, drill, "update Failing over to the replica")
    assert any("Failing over" in m["text"] for m in sandbox.messages(drill.channel_id))
    assert "is a drill: it pages no one." in run(sandbox, drill, "page payments")
    assert "is a drill: it tells customers nothing." in run(sandbox, drill, "statuspage")
    run(sandbox, drill, "resolve Practice over")
    assert sandbox.messages(announce_channel) == []

    real = declare_and_settle(sandbox, db, "sev2 Search slow")
    assert real.announcement_ts is not None
    with db.transaction() as session:
        found = insights(
            session,
            date(2026, 1, 1),
            date(2026, 3, 31),
            visible_private=(),
            postmortem_due={Severity.SEV1: timedelta(days=3)},
            now=clock(),
        )
    assert found.incidents == 1 and found.per_week[0][1] == {"SEV2": 1}


def test_the_declare_form_declares_a_drill_too(sandbox, general, warroom, db, announce_channel):
    view_id = open_declare_modal(sandbox)
    fields = {
        "title": {"value": "Game day: lose the primary database"},
        "severity": {"value": "sev2"},
        "private": {"value": ["drill"]},
    }
    answer = sandbox.driver.submit_view(sandbox.user_id("alice"), view_id, fields)
    assert answer.status == 200, answer
    settle(sandbox)
    with db.transaction() as session:
        incident = incidents.get(session, 1)
        assert incident.is_drill and not incident.is_private
        assert incident.channel_id and incident.announcement_ts is None
    assert sandbox.messages(announce_channel) == []
