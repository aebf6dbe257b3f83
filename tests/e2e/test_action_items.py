"""Action items end to end: the command, the form, the lists and their buttons."""

from sqlalchemy import select

from tests.conftest import settle
from tests.e2e.incident_fixtures import run
from warroom.app.postmortem_draft import gather
from warroom.store.models import ActionItem


def items(db):
    with db.transaction() as session:
        return session.scalars(select(ActionItem).order_by(ActionItem.id)).all()


def test_add_an_action_item_from_the_command(sandbox, incident, db):
    priya = sandbox.user_id("priya")
    answer = run(
        sandbox, incident, f"action Add memory alerts on payments <@{priya}> due friday p1"
    )
    assert "Added action item *#1* *P1* Add memory alerts on payments" in answer
    assert "due 2026-03-13" in answer  # 2026-03-11 is a Wednesday
    [item] = items(db)
    assert (item.owner_id, str(item.due_on), item.priority, item.status) == (
        priya,
        "2026-03-13",
        "p1",
        "open",
    )
    assert any(
        "added action item" in m["text"] and f"<@{priya}>" in m["text"]
        for m in sandbox.messages(incident.channel_id)
    )


def test_due_tbd_and_a_type_are_taken_and_the_postmortem_flags_the_date(sandbox, incident, db):
    priya = sandbox.user_id("priya")
    text = f"action Cap the retry budget at 3 type mitigate <@{priya}> due TBD p2"
    answer = run(sandbox, incident, text)
    assert "Added action item *#1* *P2* _Mitigate_ Cap the retry budget at 3" in answer
    assert "due TBD" in answer
    [item] = items(db)
    assert (item.due_on, item.kind, item.text) == (None, "mitigate", "Cap the retry budget at 3")

    run(sandbox, incident, "resolve Retries capped")
    with db.transaction() as session:
        draft = gather(session, incident.id)
    assert draft.action_items[0]["due"] == "TBD" and draft.action_items[0]["kind"] == "Mitigate"
    assert [f.quote for f in draft.findings if f.check == "action-due"] == [item.text]


def test_prayers_are_accepted_but_flagged(sandbox, incident, db):
    answer = run(
        sandbox, incident, f"action Be more careful <@{sandbox.user_id('raj')}> due tomorrow"
    )
    assert "Added action item" in answer and ":bulb:" in answer
    assert len(items(db)) == 1


def test_missing_owner_or_date_is_refused_and_nothing_is_stored(sandbox, incident, db):
    answer = run(sandbox, incident, "action Fix the leak due friday")
    assert "An action item needs exactly one owner and a due date: it has no owner" in answer
    assert "For example" in answer
    answer = run(sandbox, incident, f"action Fix the leak <@{sandbox.user_id('raj')}> due someday")
    assert "`someday` is not a date I understand" in answer
    assert items(db) == []


def test_the_form_adds_and_edits_and_closes_as_wont_do(sandbox, incident, db):
    alice, sam = sandbox.user_id("alice"), sandbox.user_id("sam")
    run(sandbox, incident, "action")
    [form] = _forms(sandbox)
    answer = sandbox.driver.submit_view(alice, form, {"text": {"value": "Extend load tests"}})
    assert set(answer.body["errors"]) == {"owner"}  # a due date may be left to agree on
    sandbox.driver.submit_view(
        alice,
        form,
        {
            "text": {"value": "Extend load tests to 1 hour"},
            "owner": {"value": sam},
            "due": {"value": "2026-03-20"},
            "priority": {"value": "p2"},
            "kind": {"value": "prevent"},
        },
    )
    settle(sandbox)
    [item] = items(db)
    assert (item.text, item.owner_id, str(item.due_on), item.priority, item.kind) == (
        "Extend load tests to 1 hour",
        sam,
        "2026-03-20",
        "p2",
        "prevent",
    )

    listing = sandbox.driver.slash_command(alice, incident.channel_id, "actions").body
    assert "Extend load tests to 1 hour" in str(listing["blocks"])
    sandbox.driver.block_action(
        alice,
        "action_edit",
        str(item.id),
        channel_id=incident.channel_id,
        message_ts=post_list(sandbox, incident, listing),
    )
    settle(sandbox)
    edit = _forms(sandbox)[-1]
    answer = sandbox.driver.submit_view(
        alice,
        edit,
        {
            "text": {"value": "Extend load tests to 1 hour"},
            "owner": {"value": sam},
            "due": {"value": "2026-03-20"},
            "status": {"value": "wont_do"},
        },
    )
    assert "reason" in answer.body["errors"]
    sandbox.driver.submit_view(
        alice,
        edit,
        {
            "text": {"value": "Extend load tests to 1 hour"},
            "owner": {"value": sam},
            "due": {"value": "2026-03-20"},
            "status": {"value": "wont_do"},
            "reason": {"value": "Replaced by soak tests"},
        },
    )
    settle(sandbox)
    [item] = items(db)
    assert item.status == "wont_do" and item.closed_reason == "Replaced by soak tests"
    assert item.closed_at is not None


def test_done_button_and_my_items_across_incidents(sandbox, incident, db):
    alice = sandbox.user_id("alice")
    run(sandbox, incident, f"action Add the cleanup call <@{alice}> due tomorrow")
    run(sandbox, incident, f"action Require release approval <@{alice}> due in 3 days")
    mine = sandbox.driver.slash_command(
        alice, sandbox.channel_by_name("general").id, "actions mine"
    ).body
    shown = str(mine["blocks"])
    assert "Add the cleanup call" in shown and "Require release approval" in shown
    assert "INC-1" in shown
    first = items(db)[0]
    sandbox.driver.block_action(
        alice,
        "action_done",
        str(first.id),
        channel_id=incident.channel_id,
        message_ts=post_list(sandbox, incident, mine),
    )
    settle(sandbox)
    assert [i.status for i in items(db)] == ["done", "open"]
    assert ":white_check_mark: Action item #1 is done." in [
        m["text"] for m in sandbox.ephemeral_messages(alice)
    ]


def _forms(sandbox):
    return [v["id"] for v in sandbox.open_views("action_item_form")]


def post_list(sandbox, incident, listing) -> str:
    """The list as a message the buttons can be clicked on."""
    return sandbox.driver.post_message(
        sandbox.bot_user_id, incident.channel_id, listing["text"], blocks=listing["blocks"]
    )


def test_a_ticket_link_must_be_a_web_address_and_cannot_ping(sandbox, incident, db):
    alice, sam = sandbox.user_id("alice"), sandbox.user_id("sam")
    run(sandbox, incident, "action")
    [form] = _forms(sandbox)
    fields = {
        "text": {"value": "Alert on queue depth above 10k"},
        "owner": {"value": sam},
        "due": {"value": "2026-03-20"},
    }
    for crafted in ("<!channel>", "javascript:alert(1)", "jira.example/OPS-1"):
        answer = sandbox.driver.submit_view(alice, form, {**fields, "ticket": {"value": crafted}})
        assert "web address" in answer.body["errors"]["ticket"], crafted
    assert items(db) == []

    ticket = "https://jira.example/browse/OPS-7?a=1&b=<!channel>|x"
    sandbox.driver.submit_view(alice, form, {**fields, "ticket": {"value": ticket}})
    settle(sandbox)
    [item] = items(db)
    assert item.ticket_url == "https://jira.example/browse/OPS-7?a=1&b=%3C!channel%3E%7Cx"
    [notice] = [m["text"] for m in sandbox.messages(incident.channel_id) if "OPS-7" in m["text"]]
    assert "<https://jira.example/browse/OPS-7?a=1&amp;b=%3C!channel%3E%7Cx|ticket>" in notice
    assert "<!channel>" not in notice
