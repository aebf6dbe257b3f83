"""Declaring for catalog services: the headline's runbooks and dashboards, owners invited
and their team called, the form's picker, and a catalog edited while warroom runs."""

import os

import pytest

from tests.conftest import settle
from tests.e2e.incident_fixtures import declare_and_settle, headline, open_declare_modal
from tests.unit.test_catalog import PAYMENTS
from warroom.store import incidents


@pytest.fixture
def catalog_file(tmp_path, sandbox):
    path = tmp_path / "catalog-info.yaml"
    path.write_text(PAYMENTS.replace("U0PRIYA", sandbox.user_id("bob")))
    return path


@pytest.fixture
def settings(settings, catalog_file):
    # Paging has tests of its own, against the PagerDuty emulator.
    return settings.model_copy(
        update={"warroom_catalog": catalog_file, "warroom_page_on_declare": ()}
    )


def services_of(db, incident_id: int) -> list[str]:
    with db.transaction() as session:
        return incidents.get(session, incident_id).services


def test_a_declare_for_a_service_brings_its_context_and_owners(
    sandbox, general, warroom, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev2 payments: Checkout failing")
    assert services_of(db, declared.id) == ["payments"]
    shown = str(headline(sandbox, declared)["blocks"])
    assert "INC-1: Checkout failing" in shown
    assert "*Payments API*" in shown
    assert "<https://runbooks.example.com/payments|Payments runbook>" in shown
    assert "<https://grafana.example.com/d/payments|Checkout latency>" in shown
    assert "Source" not in shown  # a link that is neither runbook nor dashboard
    assert sandbox.user_id("bob") in sandbox.channel(declared.channel_id).members
    called = [m["text"] for m in sandbox.messages(declared.channel_id) if "subteam" in m["text"]]
    assert called == [":rotating_light: <!subteam^S0PAYTEAM>: an incident affects Payments API."]


def test_a_name_the_catalog_lacks_stays_in_the_title_and_says_so(
    sandbox, general, warroom, db, announce_channel
):
    answer = sandbox.driver.slash_command(
        sandbox.user_id("alice"), general, "declare sev3 paymnts: Refunds slow"
    )
    assert "`paymnts`: no such service in the catalog" in answer.body["text"]
    settle(sandbox)
    declared = declare_and_settle(sandbox, db, "sev3 DB: replica lag")  # a colon, no service
    with db.transaction() as session:
        titles = [incidents.get(session, number).title for number in (1, declared.id)]
    assert titles == ["paymnts: Refunds slow", "DB: replica lag"]
    assert services_of(db, 1) == []


def test_the_form_offers_the_catalog_and_refuses_what_left_it(
    sandbox, general, warroom, db, announce_channel, catalog_file
):
    alice = sandbox.user_id("alice")
    view_id = open_declare_modal(sandbox)
    [picker] = [b for b in sandbox.views[view_id]["view"]["blocks"] if b["block_id"] == "services"]
    assert [o["value"] for o in picker["element"]["options"]] == ["payments"]

    catalog_file.write_text(PAYMENTS.replace("name: payments\n  title", "name: billing\n  title"))
    os.utime(catalog_file, ns=(1, 10**18))  # edited while warroom runs
    fields = {
        "title": {"value": "Checkout failing"},
        "severity": {"value": "sev2"},
        "services": {"value": ["payments"]},
    }
    answer = sandbox.driver.submit_view(alice, view_id, fields)
    assert "payments is no longer in the catalog" in answer.body["errors"]["services"]

    # the form stays open on its errors: picked again, it declares
    answer = sandbox.driver.submit_view(
        alice, view_id, {**fields, "services": {"value": ["billing"]}}
    )
    assert answer.body["response_action"] == "update"
    settle(sandbox)
    assert services_of(db, 1) == ["billing"]
    assert " is open in " in str(sandbox.views[view_id]["view"])


def test_a_private_incident_calls_and_invites_nobody_for_its_services(
    sandbox, general, warroom, db, announce_channel
):
    view_id = open_declare_modal(sandbox)
    fields = {
        "title": {"value": "Card numbers in logs"},
        "severity": {"value": "sev1"},
        "services": {"value": ["payments"]},
        "private": {"value": ["private"]},
    }
    sandbox.driver.submit_view(sandbox.user_id("alice"), view_id, fields)
    settle(sandbox)
    with db.transaction() as session:
        incident = incidents.get(session, 1)
    assert incident.services == ["payments"]
    assert sandbox.user_id("bob") not in sandbox.channel(incident.channel_id).members
    texts = [m["text"] for m in sandbox.messages(incident.channel_id)]
    assert not [text for text in texts if "subteam" in text]
