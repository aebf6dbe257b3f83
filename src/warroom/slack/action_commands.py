"""`/incident action ...` and `/incident actions [mine]` -> their typed commands: the text,
one owner, a due date (or TBD), a priority and a type; a lone ticket link imports it."""

import re
from datetime import datetime

from warroom.domain.action_items import ActionKind, Priority
from warroom.domain.durations import parse_due_date
from warroom.domain.markup import USER_MENTION, plain_text, words
from warroom.slack.command_types import AddAction, CommandError, ListActions

# The last " due " starts the date: the text itself may say "due to".
_DUE = re.compile(r"^(?P<text>.*)\s+due\s+(?P<due>.+?)\s*$", re.IGNORECASE | re.DOTALL)
_PRIORITY = re.compile(r"(?:^|\s)(?P<priority>[pP][123])(?=\s|$)")
_KIND = re.compile(r"(?:^|\s)type\s+(?P<kind>mitigate|prevent|process)(?=\s|$)", re.IGNORECASE)
_LONE_LINK = re.compile(r"^<?(https?://[^\s<>|]+)(?:\|[^>]*)?>?$")  # as Slack escapes it, or not
UNDECIDED = ("tbd", "tba", "later")
ACTION_EXAMPLE = "/incident action Add memory alerts on payments @priya due friday p1 type prevent"


def _take(pattern: re.Pattern[str], rest: str) -> tuple[str | None, str]:
    """The pattern's one group where it matches, and the text without it."""
    if found := pattern.search(rest):
        return found.group(1).lower(), rest[: found.start()] + rest[found.end() :]
    return None, rest


def action(rest: str, _caller: str, now: datetime) -> AddAction:
    today = now.date()
    if not rest.strip():
        return AddAction(text=None)
    priority, rest = _take(_PRIORITY, rest)
    kind, rest = _take(_KIND, rest)
    problems = []
    due_on = None
    if found := _DUE.match(rest):
        due = plain_text(found.group("due"))
        rest = found.group("text")
        if due.strip().lower() not in UNDECIDED:
            due_on = parse_due_date(due, today)
            if due_on is None:
                problems.append(
                    f"`{words(due)[:40]}` is not a date I understand "
                    "(try 2026-12-01, friday, tomorrow, in 3 days, or TBD)"
                )
            elif due_on < today:
                problems.append(f"the due date {due_on} is in the past")
    else:
        problems.append("it has no due date (end with `due <date>`, or `due TBD`)")
    owners = USER_MENTION.findall(rest)
    if len(owners) != 1:
        problems.append("it has no owner" if not owners else "it names more than one owner")
    text = words(USER_MENTION.sub(" ", rest))
    ticket = _LONE_LINK.match(USER_MENTION.sub(" ", rest).strip())
    if not text:
        problems.append("it says nothing to do")
    if problems:
        raise CommandError(
            "An action item needs exactly one owner and a due date: " + "; ".join(problems) + ".",
            example=ACTION_EXAMPLE,
        )
    return AddAction(
        text=None if ticket else text,
        ticket_url=ticket[1] if ticket else None,
        owner_id=owners[0][0],
        due_on=due_on,
        priority=Priority(priority) if priority else None,
        kind=ActionKind(kind) if kind else None,
    )


def actions(rest: str, _caller: str) -> ListActions:
    word = rest.strip().lower()
    if word not in ("", "mine"):
        raise CommandError("Say `mine` or nothing.", example="/incident actions mine")
    return ListActions(mine=word == "mine")
