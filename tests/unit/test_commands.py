import pytest

from warroom import commands
from warroom.commands import (
    AssignRole,
    ChangeSeverity,
    CommandError,
    Declare,
    FormErrors,
    Help,
    ListIncidents,
    Mitigated,
    PostUpdate,
    Rename,
    Resolve,
)
from warroom.domain import Role, Severity, Status


def test_declare_with_severity_and_title():
    assert commands.parse("declare sev1 Payments failing", "U1") == Declare(
        severity=Severity.SEV1, title="Payments failing"
    )


def test_declare_severity_is_optional_and_case_insensitive():
    assert commands.parse("declare Payments failing", "U1").severity is None
    assert commands.parse("DECLARE SEV-2 Slow", "U1").severity is Severity.SEV2


def test_declare_without_title_asks_for_the_form():
    assert commands.parse("declare", "U1") == Declare()
    assert commands.parse("declare sev1 ", "U1") == Declare(severity=Severity.SEV1)


def test_help_and_empty():
    assert isinstance(commands.parse("", "U1"), Help)
    assert isinstance(commands.parse("help", "U1"), Help)


def test_unknown_subcommand_names_itself():
    with pytest.raises(CommandError) as caught:
        commands.parse("explode now", "U1")
    assert "`explode`" in caught.value.problem


def test_slack_markup_becomes_what_the_user_saw():
    text = "<!channel> &lt;b&gt; <@U123|priya> in <#C42|ops> see <https://x.io|docs> &amp; more"
    assert commands.plain_text(text) == "@channel <b> @priya in #ops see docs & more"


def test_form_errors_are_per_field():
    with pytest.raises(FormErrors) as caught:
        commands.declare_form(title="  ", severity=None, description=None, private=False)
    assert set(caught.value.errors) == {"title", "severity"}
    form = commands.declare_form(title=" DB  down ", severity="sev2", description="", private=True)
    assert (form.title, form.severity, form.is_private) == ("DB down", Severity.SEV2, True)


def test_role_takes_a_mention_me_or_none():
    assert commands.parse("role ic <@U42|priya>", "U1") == AssignRole(role=Role.IC, user_id="U42")
    assert commands.parse("role lead me", "U1") == AssignRole(role=Role.LEAD, user_id="U1")
    assert commands.parse("role comms none", "U1") == AssignRole(role=Role.COMMS, user_id=None)


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
        commands.parse(text, "U1")
    assert problem in caught.value.problem
    assert caught.value.example.startswith("/incident ")


def test_update_status_is_optional():
    assert commands.parse("update identified Leak in v2.8", "U1") == PostUpdate(
        status=Status.IDENTIFIED, text="Leak in v2.8"
    )
    assert commands.parse("update Still digging", "U1") == PostUpdate(
        status=None, text="Still digging"
    )


def test_lifecycle_commands():
    assert commands.parse("severity sev1 all checkouts fail", "U1") == ChangeSeverity(
        severity=Severity.SEV1, reason="all checkouts fail"
    )
    assert commands.parse("rename Payments API down", "U1") == Rename(title="Payments API down")
    assert commands.parse("resolve Rolled back", "U1") == Resolve(summary="Rolled back")
    assert commands.parse("mitigated", "U1") == Mitigated(note="")
    assert isinstance(commands.parse("list", "U1"), ListIncidents)
    assert not ListIncidents.needs_incident_channel and Resolve.needs_incident_channel
