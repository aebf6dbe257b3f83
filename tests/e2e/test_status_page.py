"""The status page end to end: the comms lead publishes from Slack through a form and its
preview, customers read only that at /status (HTML, JSON, Atom), resolving proposes the
closing update, a private incident never appears, and a SEV1/2 that told customers
nothing is nagged."""

from datetime import UTC, datetime
from xml.etree import ElementTree

import httpx
import pytest

from tests.e2e.incident_fixtures import declare_and_settle, declare_private_and_settle, run
from tests.e2e.status_page_fixtures import open_form, publish, submit, with_status_page
from tests.e2e.test_nags import tick
from warroom.slack.status_page_views import CLOSING_BUTTON, CLOSING_MESSAGE, OPEN_BUTTON
from warroom.store import status_updates

INTERNAL_TITLE = "Ledger replica lag after INTERNAL-42 migration"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def settings(settings, tmp_path):
    return with_status_page(settings, tmp_path)


def summary(warroom) -> dict:
    response = httpx.get(f"{warroom.url}/status.json")
    assert response.status_code == 200
    return response.json()


def channel_text(sandbox, declared) -> str:
    return "\n".join(m["text"] for m in sandbox.messages(declared.channel_id))


def test_the_comms_lead_publishes_with_a_preview_and_customers_read_only_that(
    sandbox, general, warroom, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, f"sev2 payments: {INTERNAL_TITLE}")
    run(sandbox, declared, "statuspage")
    form = open_form(sandbox)
    [chosen] = [b for b in form["view"]["blocks"] if b.get("block_id") == "components"]
    assert [o["value"] for o in chosen["element"]["initial_options"]] == ["Checkout"]
    said = "Some card payments take longer than usual. We are looking into it."
    answer = submit(
        sandbox, form, {"title": {"value": "Slow checkout"}, "message": {"value": said}}
    )
    preview = answer["view"]
    assert said in str(preview["blocks"]) and "Checkout: Partial outage" in str(preview["blocks"])
    assert summary(warroom)["incidents"] == []  # a preview publishes nothing

    assert submit(sandbox, open_form(sandbox, "status_page_preview"), {}) == {
        "response_action": "clear"
    }
    assert sandbox.open_views("status_page_form") == []
    told = "published to the status page, Investigating (Checkout partial outage): Slow checkout"
    assert told in channel_text(sandbox, declared)

    page = summary(warroom)
    assert page["status"] == {"description": "Partial outage", "indicator": "partial_outage"}
    assert page["components"] == [
        {"name": "API", "status": "operational"},
        {"name": "Dashboard", "status": "operational"},
        {"name": "Checkout", "status": "partial_outage"},
    ]
    [incident] = page["incidents"]
    assert (incident["name"], incident["status"]) == ("Slow checkout", "investigating")
    html = httpx.get(f"{warroom.url}/status").text
    assert "Slow checkout" in html and said in html
    for internal in ("Ledger", "INTERNAL-42", declared.channel_id, "alice", "INC-1"):
        assert internal not in html
    feed = ElementTree.fromstring(httpx.get(f"{warroom.url}/status.atom").content)
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Slow checkout: Investigating"
    assert entry.findtext(f"{ATOM}content") == said

    run(sandbox, declared, "resolve Replica caught up")
    [proposal] = [
        m for m in sandbox.messages(declared.channel_id) if CLOSING_BUTTON in str(m["blocks"])
    ]
    assert "customers still read *Investigating*" in proposal["text"]
    sandbox.driver.block_action(
        sandbox.user_id("alice"),
        CLOSING_BUTTON,
        str(declared.id),
        channel_id=declared.channel_id,
        message_ts=proposal["ts"],
    )
    closing = open_form(sandbox)
    assert CLOSING_MESSAGE in str(closing["view"]["blocks"])
    publish(sandbox, {})
    page = summary(warroom)
    assert page["status"]["description"] == "All systems operational"
    assert [u["status"] for u in page["incidents"][0]["updates"]] == ["resolved", "investigating"]
    assert "Recent incidents" in httpx.get(f"{warroom.url}/status").text


def test_what_cannot_be_published_is_said_on_the_form_and_nothing_leaks(
    sandbox, general, warroom, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    run(sandbox, declared, "statuspage")
    form = open_form(sandbox)
    answer = submit(sandbox, form, {"title": {"value": "Slow refunds"}, "message": {"value": " "}})
    assert answer["response_action"] == "errors" and "message" in answer["errors"]
    answer = submit(
        sandbox,
        form,
        {
            "title": {"value": "Slow refunds"},
            "message": {"value": "Fixed."},
            "phase": {"value": "resolved"},
        },
    )
    assert "components operational" in answer["errors"]["condition"]
    publish(
        sandbox,
        {"title": {"value": "<script>alert(1)</script> & co"}, "message": {"value": "<b>hi</b>"}},
    )
    html = httpx.get(f"{warroom.url}/status").text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html

    private = declare_private_and_settle(sandbox, db, "Acquisition leak", "Board only")
    refused = run(sandbox, private, "statuspage")
    assert "private incidents never appear on the status page" in refused
    assert sandbox.open_views("status_page_form") == []
    with db.transaction() as session:  # as if it had been published before it went private
        status_updates.add(
            session,
            incident_id=private.id,
            published_at=datetime.now(UTC),
            published_by=sandbox.user_id("alice"),
            title="Board only",
            phase="investigating",
            message="Acquisition news",
            components={"API": "major_outage"},
        )
    for path in ("/status", "/status.json", "/status.atom"):
        shown = httpx.get(f"{warroom.url}{path}").text
        assert "Acquisition" not in shown and "Board" not in shown, path
    assert summary(warroom)["components"][0] == {"name": "API", "status": "operational"}


def test_a_sev1_that_told_customers_nothing_nags_until_it_does(
    sandbox, general, warroom, db, clock, bot, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev1 payments: Checkout failing")
    run(sandbox, declared, f"role comms <@{sandbox.user_id('sam')}>")

    def nags():
        marker = "the status page still tells customers nothing"
        return [m for m in sandbox.messages(declared.channel_id) if marker in m["text"]]

    clock.advance(minutes=4)
    tick(sandbox, bot)
    assert nags() == []
    clock.advance(minutes=1, seconds=1)
    tick(sandbox, bot)
    [nag] = nags()
    assert f"<@{sandbox.user_id('sam')}>" in nag["text"]  # the comms lead
    assert OPEN_BUTTON in str(nag["blocks"])

    sandbox.driver.block_action(
        sandbox.user_id("sam"),
        OPEN_BUTTON,
        str(declared.id),
        channel_id=declared.channel_id,
        message_ts=nag["ts"],
    )
    publish(
        sandbox,
        {"title": {"value": "Checkout errors"}, "message": {"value": "Payments fail."}},
        user="sam",
    )
    clock.advance(minutes=30)
    tick(sandbox, bot)
    assert len(nags()) == 1
