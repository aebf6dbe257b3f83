"""Paging through PagerDuty, against its emulator over real TLS: a SEV1 declare pages the
service's on-call, who is offered the IC role and whose acknowledgement (a signed v3
webhook) reaches the channel; `/incident page` and the Escalate button page on demand;
resolving resolves the page; PagerDuty down or refusing is retried or explained."""

import json

import pytest

from tests.conftest import deliver_everything, eventually, settle
from tests.e2e.incident_fixtures import (
    declare_and_settle,
    declare_private_and_settle,
    headline,
    run,
    told,
)
from tests.e2e.paging_fixtures import PAGE, acknowledged, paged, webhook
from warroom.emulators.pagerduty import HTML
from warroom.store import incidents


@pytest.fixture
def settings(settings, tmp_path, sandbox, pagerduty):
    return paged(settings, tmp_path, sandbox, pagerduty)


@pytest.fixture
def hooked(pagerduty, warroom):
    """PagerDuty's webhook subscription pointed at this warroom."""
    pagerduty.webhook_url = f"{warroom.url}/hooks/pagerduty"
    return pagerduty


def channel_texts(sandbox, declared) -> list[str]:
    return [m["text"] for m in sandbox.messages(declared.channel_id)]


def test_a_sev1_pages_the_on_call_who_takes_ic_and_acknowledges_then_resolve_resolves(
    sandbox, general, warroom, hooked, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev1 payments: Checkout failing")
    alert = hooked.alert(PAGE)
    assert alert["status"] == "triggered" and alert["severity"] == "critical"
    assert alert["summary"] == "INC-1 SEV1 payments: Checkout failing"
    [news] = [m for m in sandbox.messages(declared.channel_id) if ":pager:" in m["text"]]
    assert "PagerDuty is paging the on-call of payments. On call: Bob Builder." in news["text"]
    bob = sandbox.user_id("bob")
    [button] = [e for b in news["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert (button["text"]["text"], button["value"]) == ("Make Bob Builder IC", bob)
    sandbox.driver.block_action(
        bob, button["action_id"], bob, channel_id=declared.channel_id, message_ts=news["ts"]
    )
    settle(sandbox)
    with db.transaction() as session:
        assert incidents.get(session, declared.id).holder("ic") == bob

    hooked.acknowledge(PAGE, "PBOB")
    said = f"Bob Builder acknowledged the page for payments in PagerDuty. {HTML}/incidents/PI00001"
    eventually(lambda: any(said in text for text in channel_texts(sandbox, declared)))
    settle(sandbox)
    with db.transaction() as session:
        assert incidents.get(session, declared.id).acknowledged_at is not None
    assert "Acknowledged" in str(headline(sandbox, declared)["blocks"])

    run(sandbox, declared, "resolve Rolled back")
    assert hooked.alert(PAGE)["status"] == "resolved"


def test_page_on_demand_names_a_service_or_says_what_to_type(
    sandbox, general, warroom, pagerduty, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    assert pagerduty.alert(PAGE) is None  # SEV3 pages nobody by itself
    answer = run(sandbox, declared, "page payments Refunds stuck, please join")
    assert answer == "Recorded on INC-1's timeline."
    alert = pagerduty.alert(PAGE)
    assert alert["severity"] == "warning"
    assert alert["custom_details"]["message"] == "Refunds stuck, please join"
    assert any(
        "paged the on-call of payments: Refunds stuck" in t
        for t in channel_texts(sandbox, declared)
    )

    assert "No service called search" in run(sandbox, declared, "page payments, search hi")
    other = declare_and_settle(sandbox, db, "sev3 Search slow")
    assert "say which: `/incident page payments" in run(sandbox, other, "page please")
    assert len(pagerduty.events) == 1


def test_paging_someone_by_name_rings_them_in_the_service_and_resolve_resolves_it(
    sandbox, general, warroom, hooked, clock, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    alice = sandbox.user_id("alice")
    answer = run(sandbox, declared, f"page <@{alice}> Need you on the ledger")
    assert answer == f"Paging <@{alice}> through PagerDuty ..."
    assert told(sandbox, "alice")[-1] == "Recorded on INC-1's timeline."
    key = f"warroom-1-payments-@{alice}"
    page = hooked.alert(key)
    assert page["status"] == "triggered" and page["assignees"] == ["PALICE"]
    assert page["summary"] == "INC-1 SEV3 payments: Refunds slow"
    assert page["urgency"] == "low"  # a SEV3: a push, not a phone call
    assert page["details"].startswith("Need you on the ledger\nJoin in Slack: https://")
    texts = "\n".join(channel_texts(sandbox, declared))
    assert f"paged <@{alice}>: Need you on the ledger" in texts
    [news] = [m for m in sandbox.messages(declared.channel_id) if "is paging" in m["text"]]
    in_pagerduty = f"{HTML}/incidents/PI00001"  # where PagerDuty's app shows the page
    assert f"PagerDuty is paging <@{alice}> (payments). {in_pagerduty}" in news["text"]
    assert "Make Alice Example IC" in str(news["blocks"])

    assert hooked.notes(key) == []
    run(sandbox, declared, f"page <@{alice}> still need you")  # finds the open page
    settle(sandbox)
    opened = [call for call in hooked.calls if call[:2] == ("POST", "/incidents")]
    assert opened == [("POST", "/incidents", 201)]  # which rings nobody again, so it says so
    assert hooked.notes(key) == [
        f"Paged again from Slack for INC-1 at {clock():%H:%M:%S} UTC: still need you"
    ]

    hooked.acknowledge(key, "PALICE")
    said = f"Alice Example acknowledged the page for <@{alice}> in PagerDuty. {in_pagerduty}"
    eventually(lambda: any(said in text for text in channel_texts(sandbox, declared)))
    run(sandbox, declared, "resolve Index rebuilt")
    eventually(lambda: hooked.alert(key)["status"] == "resolved")


def test_paging_by_name_says_what_stops_it(
    sandbox, general, warroom, pagerduty, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    run(sandbox, declared, f"page <@{sandbox.bot_user_id}>")
    assert "Slack shows no email address for" in told(sandbox, "alice")[-1]
    raj = sandbox.user_id("raj")  # in Slack, but not in PagerDuty
    run(sandbox, declared, f"page <@{raj}> please")
    settle(sandbox)
    said = "PagerDuty has no user with the email address raj@example.com"
    assert any(said in text for text in channel_texts(sandbox, declared))

    other = declare_and_settle(sandbox, db, "sev3 Search slow")
    run(sandbox, other, f"page <@{raj}>")
    assert "PagerDuty pages a person within a service" in told(sandbox, "alice")[-1]
    assert not [call for call in pagerduty.calls if call[:2] == ("POST", "/incidents")]


def test_the_escalate_button_pages_every_service_of_the_incident(
    sandbox, general, warroom, pagerduty, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev4 payments: Typo on receipts")
    top = headline(sandbox, declared)
    assert "Page on-call" in str(top["blocks"])
    sandbox.driver.block_action(
        sandbox.user_id("sam"), "escalate", channel_id=declared.channel_id, message_ts=top["ts"]
    )
    settle(sandbox)
    assert pagerduty.alert(PAGE)["severity"] == "info"
    assert f"<@{sandbox.user_id('sam')}> paged the on-call of payments" in "\n".join(
        channel_texts(sandbox, declared)
    )


def test_a_private_incident_pages_without_its_title(
    sandbox, general, warroom, pagerduty, db, announce_channel
):
    declared = declare_private_and_settle(sandbox, db, "Acquisition leak", "Board only")
    run(sandbox, declared, "page payments")
    [event] = pagerduty.events
    assert "Acquisition" not in json.dumps(event) and "Board" not in json.dumps(event)
    assert event["payload"]["summary"].startswith(f"INC-{declared.id} SEV1 payments: a private")


def test_pagerduty_down_is_retried_and_a_refusal_is_explained(
    sandbox, general, warroom, pagerduty, bot, clock, db, announce_channel
):
    pagerduty.fail(503)
    declared = declare_and_settle(sandbox, db, "sev2 payments: Checkout failing")
    assert pagerduty.alert(PAGE) is None
    pagerduty.recover()
    clock.advance(minutes=1)
    bot.deliverer.deliver_due()
    settle(sandbox)
    assert pagerduty.alert(PAGE)["status"] == "triggered"

    pagerduty.fail(400)
    run(sandbox, declared, "page payments again")
    clock.advance(minutes=1)
    settle(sandbox)
    assert any("PagerDuty" in t and "HTTP 400" in t for t in channel_texts(sandbox, declared))


def test_the_webhook_refuses_forgeries_and_records_a_redelivery_once(
    sandbox, general, warroom, pagerduty, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev1 payments: Checkout failing")
    assert webhook(warroom, acknowledged(PAGE), secret="guess").status_code == 401
    assert webhook(warroom, {"event": {"id": "x"}}).status_code == 400
    assert webhook(warroom, acknowledged("someone-elses-incident")).status_code == 202
    assert webhook(warroom, acknowledged(PAGE)).status_code == 200
    assert webhook(warroom, acknowledged(PAGE)).status_code == 202  # the redelivery
    settle(sandbox)
    acks = [t for t in channel_texts(sandbox, declared) if "acknowledged the page" in t]
    assert len(acks) == 1


def test_a_re_page_note_whose_answer_was_lost_is_not_added_again(
    sandbox, general, warroom, pagerduty, bot, clock, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    alice = sandbox.user_id("alice")
    run(sandbox, declared, f"page <@{alice}> Need you on the ledger")
    pagerduty.lose_answer("POST", "/notes")  # the note is added; PagerDuty's answer is lost
    run(sandbox, declared, f"page <@{alice}> still need you")
    asked = f"{clock():%H:%M:%S}"
    deliver_everything(bot, clock)  # the retry finds the note there
    settle(sandbox)
    key = f"warroom-1-payments-@{alice}"
    assert pagerduty.notes(key) == [
        f"Paged again from Slack for INC-1 at {asked} UTC: still need you"
    ]
    assert ("POST", "/incidents/PI00001/notes", 504) in pagerduty.calls
    assert ("GET", "/incidents/PI00001/notes", 200) in pagerduty.calls


def test_the_same_words_paged_again_later_are_a_note_of_their_own_even_on_a_retry(
    sandbox, general, warroom, pagerduty, bot, clock, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    alice = sandbox.user_id("alice")
    run(sandbox, declared, f"page <@{alice}> Need you on the ledger")
    run(sandbox, declared, f"page <@{alice}> still need you")
    settle(sandbox)
    first = f"{clock():%H:%M:%S}"
    clock.advance(minutes=5)
    pagerduty.fail(500, times=1)  # the next page's first try fails: its retry reads the notes
    run(sandbox, declared, f"page <@{alice}> still need you")
    second = f"{clock():%H:%M:%S}"
    deliver_everything(bot, clock)
    settle(sandbox)
    key = f"warroom-1-payments-@{alice}"
    said = "Paged again from Slack for INC-1 at {} UTC: still need you"
    assert pagerduty.notes(key) == [said.format(first), said.format(second)]
    assert ("GET", "/incidents/PI00001/notes", 200) in pagerduty.calls
