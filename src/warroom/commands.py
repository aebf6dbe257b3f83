"""`/incident ...` text -> a typed command, or a CommandError that says what to type instead."""

import re
from typing import Literal

from pydantic import BaseModel

from warroom.domain import Severity

# Slack's markup in command text (with escaping on): <@U123|name>, <#C123|name>,
# <!here>, <https://url|label>, and &amp; &lt; &gt; for the user's literal characters.
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL_MENTION = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL_MENTION = re.compile(r"<!([a-z]+)(?:\^[^>|]*)?(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>")


class CommandError(ValueError):
    """Bad input, explained: what was wrong, and an example of what works."""

    def __init__(self, problem: str, example: str | None = None):
        self.problem, self.example = problem, example
        super().__init__(problem)


class Declare(BaseModel):
    kind: Literal["declare"] = "declare"
    severity: Severity | None = None
    title: str | None = None  # None: ask for the details in a modal


class DeclareForm(BaseModel):
    title: str
    severity: Severity
    description: str = ""
    is_private: bool = False


class Help(BaseModel):
    kind: Literal["help"] = "help"


Command = Declare | Help


class FormErrors(ValueError):
    """Problems with a submitted form, keyed by the field they belong to."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


USAGE = {
    "declare": (
        "/incident declare [sev1|sev2|sev3|sev4] <title>",
        "Declare a new incident (no title opens a form).",
    ),
    "help": ("/incident help", "Show this list."),
}


def plain_text(slack_text: str) -> str:
    """What the user saw when typing, from the markup Slack sends us.

    Mentions become their visible names, so that echoing the text can never ping anyone.
    """
    text = _USER_MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)), slack_text)
    text = _CHANNEL_MENTION.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL_MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)).lstrip("@"), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse(text: str) -> Command:
    """Parse the text after `/incident`."""
    name, _, rest = text.strip().partition(" ")
    name = name.lower()
    rest = rest.strip()
    if name in ("", "help"):
        return Help()
    if name == "declare":
        return _declare(rest)
    raise CommandError(
        f"`{plain_text(name)[:40]}` is not a warroom command.", example="/incident help"
    )


def _declare(rest: str) -> Declare:
    first, _, title = rest.partition(" ")
    severity = _severity(first)
    if severity is None:
        title = rest
    title = " ".join(plain_text(title).split())
    return Declare(severity=severity, title=title or None)


def declare_form(
    title: str | None, severity: str | None, description: str | None, private: bool
) -> "DeclareForm":
    """Validate the declare modal's fields, all at once so the user fixes them in one go."""
    errors = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = "Give the incident a title: what is broken, as users see it."
    chosen = _severity(severity or "")
    if chosen is None:
        errors["severity"] = "Pick a severity; the rubric under each one helps you choose."
    if errors:
        raise FormErrors(errors)
    return DeclareForm(
        title=title, severity=chosen, description=(description or "").strip(), is_private=private
    )


def _severity(word: str) -> Severity | None:
    word = word.lower().replace("-", "")
    return Severity(word) if word in Severity._value2member_map_ else None
