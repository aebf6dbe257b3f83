import pytest

from warroom import commands
from warroom.commands import CommandError, Declare, FormErrors, Help
from warroom.domain import Severity


def test_declare_with_severity_and_title():
    assert commands.parse("declare sev1 Payments failing") == Declare(
        severity=Severity.SEV1, title="Payments failing"
    )


def test_declare_severity_is_optional_and_case_insensitive():
    assert commands.parse("declare Payments failing").severity is None
    assert commands.parse("DECLARE SEV-2 Slow").severity is Severity.SEV2


def test_declare_without_title_asks_for_the_form():
    assert commands.parse("declare") == Declare()
    assert commands.parse("declare sev1 ") == Declare(severity=Severity.SEV1)


def test_help_and_empty():
    assert isinstance(commands.parse(""), Help)
    assert isinstance(commands.parse("help"), Help)


def test_unknown_subcommand_names_itself():
    with pytest.raises(CommandError) as caught:
        commands.parse("explode now")
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
