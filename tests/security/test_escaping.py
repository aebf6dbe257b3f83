"""User text never turns into a ping, a mention or a link in anything warroom shows.

Slack delivers command text with `&`, `<` and `>` escaped and real mentions as markup
(`<@U123|bob>`, `<!here>`); a forged or escaping-off request may carry raw markup. Either
way, whatever warroom echoes of it must be inert.
"""

import re

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.conftest import settle
from tests.security.conftest import everything_shown, markup_problems
from warroom.domain.markup import plain_text
from warroom.slack.blocks import escape

MARKUP = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!here|here>",
    "<!channel|<!channel>>",
    "<!subteam^S1>",
    "<!subteam^S1|@oncall>",
    "<!date^1392734382^{date_num}|Feb 18>",
    "<@U123>",
    "<@U123|bob>",
    "<@W999>",
    "<#C999>",
    "<#C999|secret>",
    "<https://evil.example|ok>",
    "<https://evil.example>",
    "<mailto:x@evil.example|mail>",
    "&lt;!channel&gt;",
    "&lt;@U123&gt;",
    "&amp;lt;!here&amp;gt;",
    "@channel",
    "@here",
    "<",
    ">",
    "&",
    "!",
    "@",
    "|",
    "^",
    "*",
    "`",
    "\n",
    " ",
]
any_char = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
markup_text = st.lists(
    st.one_of(st.sampled_from(MARKUP), st.text(any_char, max_size=6)), min_size=1, max_size=8
).map("".join)
user_text = markup_text.filter(lambda t: plain_text(t).strip())


def slack_escaped(text: str) -> str:
    """Text as Slack sends what the user literally typed (escaping on)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescaped(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --- pure properties ------------------------------------------------------------------


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(markup_text, st.text()))
def test_escape_leaves_no_markup_and_loses_nothing(text):
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert re.fullmatch(r"(?:[^&]|&amp;|&lt;|&gt;)*", escaped, re.DOTALL)
    assert unescaped(escaped) == text


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(markup_text, st.text()))
def test_plain_text_gives_back_what_the_user_typed(typed):
    assert plain_text(slack_escaped(typed)) == typed


mention = st.sampled_from(
    [
        "<@U123>",
        "<@U123|bob>",
        "<#C999|secret>",
        "<!here>",
        "<!channel>",
        "<!subteam^S1|@oncall>",
        "<https://evil.example|ok>",
    ]
)
no_angles = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="<>"))


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.one_of(mention, no_angles.map(slack_escaped)), max_size=8).map("".join))
def test_plain_text_resolves_every_mention_slack_sends(delivered):
    """Typed without `<` or `>`, as Slack delivers it: nothing of Slack's markup is left."""
    assert "<" not in plain_text(delivered) and ">" not in plain_text(delivered)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(markup_text, st.text()))
def test_echoing_command_text_is_inert(raw):
    """What every sink does with command text: resolve the markup, then escape it."""
    shown = escape(plain_text(raw))
    assert "<" not in shown and ">" not in shown


# --- through Slack, end to end ------------------------------------------------------


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: each example is a full round trip
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=user_text, as_slack_sends_it=st.booleans())
@example(text="<!channel>", as_slack_sends_it=True)
@example(text="<!here> <@U123> <https://evil.example|ok>", as_slack_sends_it=False)
def test_user_text_never_pings_links_or_mentions(
    sandbox, general, incident, text, as_slack_sends_it
):
    """The text as a title (raw and escaped), an update, a note and a rename; then everything
    warroom shows: messages, threads, topics, ephemerals, response_url answers, views."""
    before = everything_shown(sandbox)
    alice = sandbox.user_id("alice")
    typed = slack_escaped(text) if as_slack_sends_it else text
    run = sandbox.driver.slash_command
    answers = [
        run(alice, general, f"declare sev2 {slack_escaped(text)}"),
        run(alice, general, f"declare sev2 {text}"),
        run(alice, incident.channel_id, f"update identified {typed}"),
        run(alice, incident.channel_id, f"note {typed}"),
        run(alice, incident.channel_id, f"rename {typed}"),
        run(alice, incident.channel_id, "postmortem"),
        run(alice, incident.channel_id, "status"),
        run(alice, incident.channel_id, "timeline all"),
        run(alice, general, "list"),
    ]
    sandbox.driver.open_app_home(alice)
    settle(sandbox)
    assert all(answer.status == 200 for answer in answers), answers
    shown = everything_shown(sandbox, answers) - before
    assert not markup_problems(sandbox, shown)
