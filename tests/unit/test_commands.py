import re
from datetime import UTC, date, datetime

import pytest

from warroom.domain.action_items import Priority
from warroom.domain.incident import Role, Severity, Status
from warroom.domain.markup import plain_text
from warroom.slack import commands
from warroom.slack.command_types import (
    AddAction,
    AssignRole,
    ChangeSeverity,
    CommandError,
    Declare,
    Help,
    ListIncidents,
    Mitigated,
    Page,
    PostUpdate,
    Rename,
    Resolve,
)
from warroom.slack.form_values import FormErrors, declare_form

NOW = datetime(2026, 11, 24, 16, 30, tzinfo=UTC)  # a Tuesday
TODAY = NOW.date()


def test_declare_with_severity_and_title():
    assert commands.parse("declare sev1 Payments failing", "U1", NOW) == Declare(
        severity=Severity.SEV1, title="Payments failing"
    )


def test_declare_severity_is_optional_and_case_insensitive():
    assert commands.parse("declare Payments failing", "U1", NOW).severity is None
    assert commands.parse("DECLARE SEV-2 Slow", "U1", NOW).severity is Severity.SEV2


def test_declare_without_title_asks_for_the_form():
    assert commands.parse("declare", "U1", NOW) == Declare()
    assert commands.parse("declare sev1 ", "U1", NOW) == Declare(severity=Severity.SEV1)


def test_help_and_empty():
    assert isinstance(commands.parse("", "U1", NOW), Help)
    assert isinstance(commands.parse("help", "U1", NOW), Help)


def test_unknown_subcommand_names_itself():
    with pytest.raises(CommandError) as caught:
        commands.parse("explode now", "U1", NOW)
    assert "`explode`" in caught.value.problem


def test_slack_markup_becomes_what_the_user_saw():
    text = "<!channel> &lt;b&gt; <@U123|priya> in <#C42|ops> see <https://x.io|docs> &amp; more"
    assert plain_text(text) == "@channel <b> @priya in #ops see docs & more"


def test_form_errors_are_per_field():
    with pytest.raises(FormErrors) as caught:
        declare_form(
            title="  ", severity=None, description=None, ticked=set(), started="soon", now=NOW
        )
    assert set(caught.value.errors) == {"title", "severity", "started"}
    form = declare_form(
        title=" DB  down ",
        severity="sev2",
        description="",
        ticked={"private"},
        started="15:40",
        now=NOW,
    )
    assert (form.title, form.severity, form.is_private) == ("DB down", Severity.SEV2, True)
    assert not form.is_drill
    assert form.impact_started_at == datetime(2026, 11, 24, 15, 40, tzinfo=UTC)


def test_role_takes_a_mention_me_or_none():
    assert commands.parse("role ic <@U42|priya>", "U1", NOW) == AssignRole(
        role=Role.IC, user_id="U42"
    )
    assert commands.parse("role lead me", "U1", NOW) == AssignRole(role=Role.LEAD, user_id="U1")
    assert commands.parse("role comms none", "U1", NOW) == AssignRole(role=Role.COMMS, user_id=None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("role boss @x", "`boss` is not a role"),
        ("role ic", "Say who takes the Incident Commander role"),
        ("role ic priya", "Say who takes"),
        ("update", "A status update needs its text"),
        ("update identified", "A status update needs its text"),
        ("severity", "Name the new severity"),
        ("severity critical", "Name the new severity"),
        ("rename", "Give the new title"),
    ],
)
def test_malformed_arguments_get_a_specific_error_and_an_example(text, problem):
    with pytest.raises(CommandError) as caught:
        commands.parse(text, "U1", NOW)
    assert problem in caught.value.problem
    assert caught.value.example.startswith("/incident ")


def test_page_names_people_first_or_leaves_the_words_to_the_catalog():
    page = commands.parse("page <@U1|alice>, <@U2> <@U1> Need you on the ledger", "U9", NOW)
    assert page == Page(text="Need you on the ledger", people=["U1", "U2"])
    assert commands.parse("page payments help <@U1>", "U9", NOW) == Page(text="payments help @U1")


def test_update_status_is_optional():
    assert commands.parse("update identified Leak in v2.8", "U1", NOW) == PostUpdate(
        status=Status.IDENTIFIED, text="Leak in v2.8"
    )
    assert commands.parse("update Still digging", "U1", NOW) == PostUpdate(
        status=None, text="Still digging"
    )


def test_lifecycle_commands():
    assert commands.parse("severity sev1 all checkouts fail", "U1", NOW) == ChangeSeverity(
        severity=Severity.SEV1, reason="all checkouts fail"
    )
    assert commands.parse("rename Payments API down", "U1", NOW) == Rename(
        title="Payments API down"
    )
    assert commands.parse("resolve Rolled back", "U1", NOW) == Resolve(summary="Rolled back")
    assert commands.parse("mitigated", "U1", NOW) == Mitigated(note="")
    assert isinstance(commands.parse("list", "U1", NOW), ListIncidents)
    assert not ListIncidents.needs_incident_channel and Resolve.needs_incident_channel


def test_action_with_owner_due_date_and_priority():
    parsed = commands.parse("action Add memory alerts <@U42|priya> due friday p1", "U1", NOW)
    assert parsed == AddAction(
        text="Add memory alerts", owner_id="U42", due_on=date(2026, 11, 27), priority=Priority.P1
    )
    assert commands.parse("action Extend load tests <@U7> due in 3 days", "U1", NOW).due_on == (
        date(2026, 11, 27)
    )
    assert commands.parse("action x <@U7> due 2026-12-01", "U1", NOW).due_on == date(2026, 12, 1)
    assert commands.parse("action", "U1", NOW) == AddAction(text=None)


def test_the_due_date_is_the_last_due_in_the_text():
    parsed = commands.parse(
        "action Page earlier due to error budget burn <@U7> due 2026-12-20", "U1", NOW
    )
    assert parsed.text == "Page earlier due to error budget burn"
    assert parsed.due_on == date(2026, 12, 20)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("action Fix it due friday", "it has no owner"),
        ("action Fix it <@U1> <@U2> due friday", "more than one owner"),
        ("action Fix it <@U1>", "it has no due date"),
        ("action Fix it <@U1> due someday", "`someday` is not a date I understand"),
        ("action Fix it <@U1> due 2020-01-01", "is in the past"),
        ("action <@U1> due friday", "it says nothing to do"),
    ],
)
def test_action_items_without_one_owner_and_a_due_date_are_refused(text, problem):
    with pytest.raises(CommandError) as caught:
        commands.parse(text, "U1", NOW)
    assert caught.value.problem.startswith("An action item needs exactly one owner and a due date")
    assert problem in caught.value.problem


def test_declare_takes_a_trailing_impact_start_and_only_a_real_time():
    parsed = commands.parse("declare sev1 Checkout down started 15:54", "U1", NOW)
    assert parsed.title == "Checkout down"
    assert parsed.impact_started_at == datetime(2026, 11, 24, 15, 54, tzinfo=UTC)
    kept = commands.parse("declare sev2 Jobs started failing", "U1", NOW)
    assert (kept.title, kept.impact_started_at) == ("Jobs started failing", None)


@pytest.mark.parametrize(
    ("typed", "when"),
    [
        ("milestone impact-started 14:54", datetime(2026, 11, 24, 14, 54, tzinfo=UTC)),
        ("milestone started 20m ago", datetime(2026, 11, 24, 16, 10, tzinfo=UTC)),
        ("milestone detected 23:50", datetime(2026, 11, 23, 23, 50, tzinfo=UTC)),  # yesterday's
        ("milestone ack 4:05pm", datetime(2026, 11, 24, 16, 5, tzinfo=UTC)),
        ("milestone detected clear", None),
    ],
)
def test_milestones_read_times_as_responders_type_them(typed, when):
    assert commands.parse(typed, "U1", NOW).at == when


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("milestone", "`(nothing)` is not a milestone"),
        ("milestone detected", "Say when"),
        ("milestone detected 25:61", "`25:61` is not a time I understand"),
    ],
)
def test_milestone_mistakes_say_what_works(typed, said):
    with pytest.raises(CommandError, match=re.escape(said)):
        commands.parse(typed, "U1", NOW)


def test_an_action_may_be_due_tbd_and_have_a_type():
    parsed = commands.parse("action Cap retries at 3 <@U7> due TBD type prevent", "U1", NOW)
    assert (parsed.text, parsed.due_on, parsed.kind) == ("Cap retries at 3", None, "prevent")


@pytest.mark.parametrize(
    "link",
    [
        "<https://github.com/example/payments/issues/12>",  # as Slack escapes what people type
        "<https://example.atlassian.net/browse/PAY-7|PAY-7>",
        "https://example.atlassian.net/browse/PAY-7",
    ],
)
def test_an_action_that_is_only_a_ticket_link_imports_the_ticket(link):
    parsed = commands.parse(f"action {link} <@U7> due TBD", "U1", NOW)
    assert parsed.text is None and parsed.owner_id == "U7"
    assert parsed.ticket_url == link.strip("<>").split("|")[0]
    words = commands.parse(f"action Read {link} first <@U7> due TBD", "U1", NOW)
    assert words.ticket_url is None and words.text.startswith("Read")


@pytest.mark.parametrize(
    "typed", ["declare --drill sev2 DB failover", "declare sev2 —drill DB failover"]
)
def test_a_drill_is_declared_with_its_flag_as_people_type_it(typed):
    parsed = commands.parse(typed, "U1", NOW)
    assert (parsed.drill, parsed.severity, parsed.title) == (True, "sev2", "DB failover")
    assert commands.parse("declare sev2 Drill press broken", "U1", NOW).drill is False
