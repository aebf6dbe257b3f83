"""`commands.parse` on anything a user can type: a Command, or a CommandError that explains
itself in a sentence; never any other exception (which the listener would turn into a 500)."""

from datetime import UTC, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from warroom.slack.command_types import Command, CommandError
from warroom.slack.commands import SUBCOMMANDS, parse

NOW = datetime(2026, 3, 11, 14, 18, tzinfo=UTC)
WORDS = [
    *SUBCOMMANDS,
    *(name.upper() for name in SUBCOMMANDS),
    "sev1",
    "SEV-2",
    "sev9",
    "ic",
    "lead",
    "comms",
    "scribe",
    "me",
    "none",
    "mine",
    "all",
    "page",
    "0",
    "1",
    "-1",
    "²",
    "٣",
    "1" * 5000,
    "investigating",
    "identified",
    "monitoring",
    "due",
    "friday",
    "tomorrow",
    "in",
    "3",
    "days",
    "weeks",
    "99999999",
    "2026-02-30",
    "p1",
    "P3",
    "<@U123>",
    "<@U123|bob>",
    "<@W1>",
    "<#C1|general>",
    "<!here>",
    "<https://x.example|x>",
    "&lt;",
    "&amp;",
    "edit",
    "review",
    "publish",
]
separator = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u3000", ""])
wordy = st.lists(st.tuples(st.sampled_from(WORDS), separator), max_size=10).map(
    lambda pairs: "".join(word + sep for word, sep in pairs)
)
anything = st.text(st.characters(blacklist_categories=("Cs",)))
random_text = st.one_of(anything, wordy, st.lists(st.one_of(anything, wordy)).map(" ".join))


def huge(piece: str, size: int) -> str:
    return (piece * (size // max(len(piece), 1) + 1))[:size]


huge_text = st.builds(
    huge,
    st.one_of(st.sampled_from(WORDS + [" ", "<", "&amp;", "<@U1>", "x "]), anything.filter(bool)),
    st.integers(10_000, 100_000),
)


def check(text: str) -> None:
    try:
        parsed = parse(text, "U1", NOW)
    except CommandError as error:
        problem = error.problem
        assert isinstance(problem, str) and problem.strip() == problem and problem, error
        assert problem[-1] in ".!?)", f"not a sentence: {problem!r}"
        assert error.example is None or error.example.startswith("/incident ")
    else:
        assert isinstance(parsed, Command)


@settings(max_examples=600, deadline=None, database=None)
@given(random_text)
@example("timeline ²")  # str.isdigit() accepts it, int() does not
@example("timeline " + "1" * 5000)  # more digits than int() converts
@example("action Fix it <@U123> due in 99999999 days")  # a date beyond year 9999
@example("action Fix it <@U123> due in 99999999999 days")  # beyond timedelta
def test_any_text_parses_or_explains(text):
    check(text)


@settings(max_examples=300, deadline=None, database=None)
@given(st.sampled_from(sorted(SUBCOMMANDS)), separator, random_text)
def test_every_subcommand_with_random_arguments(name, sep, rest):
    check(name + sep + rest)
    check(name.upper() + " " + rest)


@settings(max_examples=30, deadline=None, database=None)
@given(st.sampled_from(["", *sorted(SUBCOMMANDS)]), huge_text)
def test_huge_inputs(name, text):
    check(f"{name} {text}" if name else text)
