"""A private incident stays inside its channel: nothing of it in the log at INFO and above,
in another incident's postmortem or exports, or in what people outside it are shown."""

import logging

import pytest
from sqlalchemy import text

from tests.conftest import eventually, settle
from tests.e2e.incident_fixtures import (
    Declared,
    declare_and_settle,
    declare_private_and_settle,
    run,
    told,
)
from warroom.cli import export_postmortem, export_timeline

SECRET = "Zanzibar"  # in everything the private incident is about, and nowhere else
FORMATS = ("markdown", "json")


def work_private_incident(sandbox, db, clock, bot) -> Declared:
    """Declare a private incident and work it as responders do: talk, updates, notes, a new
    severity and title, a role, an action item, and a nag about a stale update."""
    private = declare_private_and_settle(
        sandbox, db, f"{SECRET} payroll export exposed", f"The {SECRET} bucket was public"
    )
    alice, priya = sandbox.user_id("alice"), sandbox.user_id("priya")
    sandbox.driver.invite(alice, private.channel_id, priya)
    sandbox.driver.post_message(priya, private.channel_id, f"{SECRET} access logs: 3 downloads")
    run(sandbox, private, f"update identified The {SECRET} bucket is private again")
    run(sandbox, private, f"note {SECRET} credentials rotated")
    run(sandbox, private, f"severity sev2 {SECRET} exposure contained")
    run(sandbox, private, f"rename {SECRET} export contained")
    run(sandbox, private, f"role ic <@{priya}>")
    run(sandbox, private, f"action Audit every {SECRET} bucket <@{priya}> due 2026-03-20 p1")
    clock.advance(minutes=45)  # past the SEV2 update cadence
    bot.scheduler.tick()
    settle(sandbox)
    nags = [m for m in sandbox.messages(private.channel_id) if "no status update" in m["text"]]
    assert len(nags) == 1
    return private


def write_postmortem(sandbox, private: Declared) -> None:
    """Resolve, answer the postmortem's questions in its form, and publish it."""
    run(sandbox, private, f"resolve Closed the {SECRET} bucket")
    run(sandbox, private, "postmortem edit")
    [form] = eventually(lambda: [v["id"] for v in sandbox.open_views("postmortem_notes")])
    answers = {"root_cause": {"value": f"The {SECRET} bucket policy allowed public reads."}}
    sandbox.driver.submit_view(sandbox.user_id("alice"), form, answers)
    settle(sandbox)
    run(sandbox, private, "postmortem publish")


def logged(record: logging.LogRecord) -> str:
    """Everything a record writes: its message, and its traceback when it carries one."""
    traceback = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
    return record.getMessage() + traceback + (record.stack_info or "")


def leaks(records: list[logging.LogRecord]) -> list[str]:
    return [
        f"{r.levelname} {r.name}: {logged(r)[-500:]}"
        for r in records
        if r.levelno >= logging.INFO and SECRET.lower() in logged(r).lower()
    ]


def test_a_private_incident_never_reaches_the_log_at_info_or_above(
    sandbox, general, warroom, bot, db, clock, caplog
):
    caplog.set_level(logging.DEBUG)
    private = work_private_incident(sandbox, db, clock, bot)
    run(sandbox, private, "status")
    run(sandbox, private, "timeline all")
    sandbox.driver.slash_command(sandbox.user_id("alice"), general, "list")
    sandbox.driver.open_app_home(sandbox.user_id("alice"))
    write_postmortem(sandbox, private)

    records = caplog.get_records("call")
    assert leaks(records) == []
    # The capture does hear warroom's threads: slack_sdk logs each request body at DEBUG.
    assert any(SECRET in logged(r) for r in records if r.levelno == logging.DEBUG)


@pytest.mark.expect_error_logs  # a command that finds no database is logged as an error
def test_a_database_failure_logs_nothing_of_what_was_being_written(
    sandbox, general, warroom, db, caplog
):
    caplog.set_level(logging.INFO)
    private = declare_private_and_settle(sandbox, db, f"{SECRET} payroll export exposed")
    with db.transaction() as session:  # every timeline entry now fails to be written
        session.execute(text("ALTER TABLE timeline_entries RENAME TO timeline_entries_away"))
    try:
        answer = sandbox.driver.slash_command(
            sandbox.user_id("alice"), private.channel_id, f"update The {SECRET} bucket is closed"
        )
    finally:
        with db.transaction() as session:
            session.execute(text("ALTER TABLE timeline_entries_away RENAME TO timeline_entries"))
    assert "cannot reach its database" in answer.body["text"]
    # The error's traceback would carry the statement's parameters: the update's text.
    assert leaks(caplog.get_records("call")) == []


def shown_in(sandbox, channel_id: str) -> str:
    """All a channel shows: its name, topic and purpose, every message and reply, and the
    content of the files shared in it."""
    channel = sandbox.channel(channel_id)
    shown = [channel.name, channel.topic, channel.purpose]
    for message in sandbox.messages(channel_id, include_replies=True):
        shown.append(str(message))
        shown += [sandbox.file_content(f["id"]).decode() for f in message.get("files", [])]
    return "\n".join(shown)


def seen_by(sandbox, user: str) -> str:
    """Everything Slack shows the person: the conversations they are in, what only they
    were shown, and their modals and App Home."""
    user_id = sandbox.user_id(user)
    channels = [
        c for c in list(sandbox.workspace.channels) if user_id in sandbox.channel(c).members
    ]
    shown = [shown_in(sandbox, channel_id) for channel_id in channels]
    shown += [str(e) for e in sandbox.ephemeral_messages(user_id=user_id)]
    shown += [str(v["view"]) for v in sandbox.views.values() if v["user"] == user_id]
    return "\n".join(shown)


def test_people_outside_a_private_incident_never_see_it_listed(
    sandbox, general, warroom, bot, db, clock, announce_channel
):
    declare_and_settle(sandbox, db, "sev2 Checkout latency")
    private = work_private_incident(sandbox, db, clock, bot)
    alice, bob = sandbox.user_id("alice"), sandbox.user_id("bob")
    sandbox.driver.join(bob, announce_channel)  # bob follows incidents as a stakeholder
    for person in (alice, bob):
        sandbox.driver.slash_command(person, general, "list")
        sandbox.driver.open_app_home(person)
    question = sandbox.driver.post_message(bob, general, "Is checkout slow for anyone?")
    sandbox.driver.message_shortcut(bob, "add_to_timeline", general, question)  # pick incident
    settle(sandbox)

    [bobs_list] = [t for t in told(sandbox, "bob") if t.startswith("*Open incidents*")]
    bobs_home, alices_home = str(sandbox.home_view(bob)), str(sandbox.home_view(alice))
    [attach_form] = [v["view"] for v in sandbox.open_views("attach_message")]
    for listing in (bobs_list, bobs_home, str(attach_form)):
        assert "INC-1" in listing and "INC-2" not in listing
    assert SECRET not in seen_by(sandbox, "bob")
    # A member sees it, under its current title: the lists would show it if they leaked.
    [alices_list] = [t for t in told(sandbox, "alice") if t.startswith("*Open incidents*")]
    assert f"INC-{private.id}" in alices_list and f"{SECRET} export contained" in alices_home


def test_another_incidents_postmortem_and_exports_carry_nothing_of_a_private_one(
    sandbox, general, warroom, bot, db, clock, settings, announce_channel
):
    public = declare_and_settle(sandbox, db, "sev2 Checkout latency")
    private = work_private_incident(sandbox, db, clock, bot)  # alice works both at once
    sandbox.driver.post_message(sandbox.user_id("alice"), public.channel_id, "p99 is at 4 s")
    run(sandbox, public, "update identified A slow query in checkout")
    run(sandbox, public, "resolve Added the missing index")  # drafts INC-1's postmortem
    run(sandbox, public, "postmortem publish")  # ... and sends it to stakeholders

    exports = [export_postmortem(settings, "INC-1", form) for form in FORMATS]
    exports += [export_timeline(settings, "INC-1", True, form) for form in FORMATS]
    for shown in [*exports, shown_in(sandbox, public.channel_id)]:
        assert "Checkout latency" in shown  # it is INC-1's
        assert SECRET not in shown and f"INC-{private.id}" not in shown
    assert SECRET not in shown_in(sandbox, announce_channel)
    # The private incident's own export has the word: it is there to be found.
    assert SECRET in export_postmortem(settings, f"INC-{private.id}", "markdown")
