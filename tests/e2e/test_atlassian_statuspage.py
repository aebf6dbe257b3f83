"""Atlassian Statuspage, against its emulator: what the comms lead publishes from Slack also
goes there, opening one Statuspage incident and then updating it; Statuspage busy or down
is retried, and a component it does not have, or a key it refuses, is said in the channel."""

import pytest

from tests.conftest import deliver_everything, settle
from tests.e2e.incident_fixtures import declare_and_settle, run
from tests.e2e.status_page_fixtures import publish, with_status_page
from warroom.emulators.statuspage import StatuspageEmulator


@pytest.fixture
def statuspage():
    with StatuspageEmulator() as emulator:
        emulator.add_component("Checkout")
        emulator.add_component("Dashboard")
        yield emulator


@pytest.fixture
def settings(settings, tmp_path, statuspage):
    secret = type(settings.slack_signing_secret)
    return with_status_page(settings, tmp_path).model_copy(
        update={
            "warroom_statuspage_api_url": statuspage.api_url,
            "warroom_statuspage_page_id": statuspage.page_id,
            "warroom_statuspage_api_key": secret(statuspage.api_key),
        }
    )


def channel_text(sandbox, declared) -> str:
    return "\n".join(m["text"] for m in sandbox.messages(declared.channel_id))


def test_updates_open_one_statuspage_incident_then_update_it(
    sandbox, general, warroom, db, statuspage, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Ledger replica lag")
    run(sandbox, declared, "statuspage")
    said = "Some card payments take longer than usual."
    publish(sandbox, {"title": {"value": "Slow checkout"}, "message": {"value": said}})
    [incident] = statuspage.incidents.values()
    assert (incident["name"], incident["status"]) == ("Slow checkout", "investigating")
    assert incident["incident_updates"][0]["body"] == said
    assert statuspage.status_of("Checkout") == "partial_outage"

    run(sandbox, declared, "statuspage")
    publish(
        sandbox,
        {
            "phase": {"value": "monitoring"},
            "condition": {"value": "degraded_performance"},
            "message": {"value": "A fix is out; we are watching."},
        },
    )
    assert list(statuspage.incidents) == [incident["id"]]  # updated, not opened again
    assert incident["status"] == "monitoring" and len(incident["incident_updates"]) == 2
    assert statuspage.status_of("Checkout") == "degraded_performance"
    assert "Ledger" not in str(statuspage.incidents)


def test_statuspage_down_is_retried_and_what_it_lacks_or_refuses_is_said(
    sandbox, general, warroom, bot, clock, db, statuspage, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    statuspage.fail(503, times=2)
    statuspage.lose_answers(1)  # then the incident is opened, but warroom never hears so
    run(sandbox, declared, "statuspage")
    publish(
        sandbox,
        {
            "title": {"value": "Slow refunds"},
            "message": {"value": "Refunds take a day longer."},
            "components": {"value": ["Checkout", "API"]},  # API is warroom's only
        },
    )
    assert statuspage.incidents == {}
    deliver_everything(bot, clock)
    settle(sandbox)
    [incident] = statuspage.incidents.values()  # found on the retry, not opened twice
    assert incident["name"] == "Slow refunds" and len(incident["incident_updates"]) == 2
    assert "Atlassian Statuspage has no component called API" in channel_text(sandbox, declared)

    statuspage.api_key = "rotated"
    run(sandbox, declared, "statuspage")
    publish(sandbox, {"message": {"value": "Still slow."}})
    deliver_everything(bot, clock)
    settle(sandbox)
    assert "Atlassian Statuspage answered HTTP 401: Could not authenticate" in channel_text(
        sandbox, declared
    )
    assert len(incident["incident_updates"]) == 2
