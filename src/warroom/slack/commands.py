"""`/incident ...` text -> a typed command, or a CommandError that says what to type instead."""

import re
from collections.abc import Callable, Collection
from datetime import datetime

from warroom.domain.durations import parse_moment
from warroom.domain.incident import Role, Severity, Status
from warroom.domain.markup import USER_MENTION, plain_text, words
from warroom.domain.milestones import MILESTONE_WORDS, Milestone
from warroom.slack.action_commands import action, actions
from warroom.slack.command_types import (
    POSTMORTEM_STEPS,
    AddNote,
    AssignRole,
    ChangeSeverity,
    Command,
    CommandError,
    Declare,
    Help,
    ListIncidents,
    Mitigated,
    Page,
    PostUpdate,
    PublishStatus,
    Rename,
    Reopen,
    Resolve,
    SetMilestone,
    ShowStatus,
    ShowTimeline,
    Sync,
    WritePostmortem,
)

ROLE_WORDS = {
    "ic": Role.IC,
    "commander": Role.IC,
    "lead": Role.LEAD,
    "tech": Role.LEAD,
    "techlead": Role.LEAD,
    "comms": Role.COMMS,
    "scribe": Role.SCRIBE,
}
UPDATE_STATUSES = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING)


def _first_word(rest: str) -> tuple[str, str]:
    first, _, tail = rest.strip().partition(" ")
    return first.lower(), tail.strip()


def severity_named(word: str) -> Severity | None:
    word = word.lower().replace("-", "")
    return Severity(word) if word in Severity._value2member_map_ else None


# "... started 14:54" at the end of a declare: when the impact began, if it is a time.
_STARTED = re.compile(r"^(?P<title>.*?)\s+started\s+(?P<when>\S+(?:\s+\S+)?)\s*$", re.I)
MOMENT_EXAMPLES = "14:54, 2:54pm, yesterday 23:50, 2026-12-01 14:54 or 20m ago (UTC)"


# `--drill`, as typed or as a client's smart dashes turn it (—drill).
_DRILL = re.compile(r"(?:^|\s)(?:--|—|–)drill(?=\s|$)", re.IGNORECASE)


def _declare(rest: str, _caller: str, now: datetime) -> Declare:
    drill = _DRILL.search(rest) is not None
    rest = _DRILL.sub(" ", rest).strip()
    first, tail = _first_word(rest)
    severity = severity_named(first)
    title = words(tail if severity else rest)
    started = None
    if (found := _STARTED.match(title)) and (started := parse_moment(found["when"], now)):
        title = found["title"]
    return Declare(severity=severity, title=title or None, impact_started_at=started, drill=drill)


# "payments, search: Checkout failing": the catalog services a declare is about.
_SERVICES = re.compile(r"^(?P<names>[\w.-]+(?:\s*,\s*[\w.-]+)*):\s+(?P<title>\S.*)$", re.DOTALL)


def service_prefix(title: str) -> tuple[list[str], str]:
    """`payments, search: Checkout failing` -> (["payments", "search"], "Checkout failing");
    ([], title) when the title starts with no such list."""
    if found := _SERVICES.match(title):
        return [name.strip() for name in found["names"].split(",")], found["title"]
    return [], title


MILESTONE_EXAMPLE = "/incident milestone impact-started 14:54"


def _milestone(rest: str, _caller: str, now: datetime) -> SetMilestone:
    word, when = _first_word(rest)
    milestone = MILESTONE_WORDS.get(word)
    if milestone is None:
        names = ", ".join(f"`{m.word}`" for m in Milestone if m is not Milestone.DECLARED)
        raise CommandError(
            f"`{words(word)[:40] or '(nothing)'}` is not a milestone. Say which one ({names}) "
            "and when.",
            example=MILESTONE_EXAMPLE,
        )
    if when.strip().lower() in ("clear", "none", "unset"):
        return SetMilestone(milestone=milestone, at=None)
    at = parse_moment(plain_text(when), now)
    if at is None:
        shown = f"`{words(when)[:40]}` is not a time I understand" if when.strip() else "Say when"
        raise CommandError(
            f"{shown}: try {MOMENT_EXAMPLES}, or `clear`.", example=MILESTONE_EXAMPLE
        )
    return SetMilestone(milestone=milestone, at=at)


def _role(rest: str, caller: str) -> AssignRole:
    word, who = _first_word(rest)
    role = ROLE_WORDS.get(word)
    if role is None:
        raise CommandError(
            f"`{words(word)[:40] or '(nothing)'}` is not a role. "
            "The roles are ic, lead, comms and scribe.",
            example="/incident role ic @priya",
        )
    mention = USER_MENTION.fullmatch(who)
    if mention:
        return AssignRole(role=role, user_id=mention.group(1))
    if who.lower() == "me":
        return AssignRole(role=role, user_id=caller)
    if who.lower() == "none":
        return AssignRole(role=role, user_id=None)
    raise CommandError(
        f"Say who takes the {role.title} role: @someone, `me`, or `none` to release it.",
        example=f"/incident role {role.value} @priya",
    )


def _update(rest: str, _caller: str) -> PostUpdate:
    first, tail = _first_word(rest)
    status = Status(first) if first in UPDATE_STATUSES else None
    text = words(tail if status else rest)
    if not text:
        raise CommandError(
            "A status update needs its text: what we know, what we are doing, what we need.",
            example="/incident update identified Memory leak in v2.8.0; rolling back to v2.7.4",
        )
    return PostUpdate(status=status, text=text)


def _change_severity(rest: str, _caller: str) -> ChangeSeverity:
    first, tail = _first_word(rest)
    severity = severity_named(first)
    if severity is None:
        raise CommandError(
            "Name the new severity: sev1, sev2, sev3 or sev4, then optionally why.",
            example="/incident severity sev1 All checkouts failing now",
        )
    return ChangeSeverity(severity=severity, reason=words(tail))


def _rename(rest: str, _caller: str) -> Rename:
    title = words(rest)
    if not title:
        raise CommandError("Give the new title.", example="/incident rename Payments API down")
    return Rename(title=title)


def _mitigated(rest: str, _caller: str) -> Mitigated:
    return Mitigated(note=words(rest))


def _resolve(rest: str, _caller: str) -> Resolve:
    return Resolve(summary=words(rest))


def _note(rest: str, _caller: str) -> AddNote:
    text = words(rest)
    if not text:
        raise CommandError(
            "A note needs its text: what happened or was decided.",
            example="/incident note Decided to roll back to v2.7.4",
        )
    return AddNote(text=text)


_PAGED_PEOPLE = re.compile(r"^\s*((?:<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s,]*)+)(.*)$", re.S)


def _page(rest: str, _caller: str) -> Page:
    """`page payments msg`, or `page @alice @bob msg`: the people first, then the message."""
    people = _PAGED_PEOPLE.match(rest)
    if people is None:
        return Page(text=words(rest))
    users = dict.fromkeys(user for user, _name in USER_MENTION.findall(people[1]))
    return Page(text=words(people[2]), people=list(users))


_PAGED_SERVICES = re.compile(
    r"^(?P<names>[\w.-]+(?:\s*,\s*[\w.-]+)*):?(?:\s+|$)(?P<rest>.*)$", re.S
)


def paged_services(text: str, known: Collection[str]) -> tuple[list[str], str]:
    """The services a page names first (`payments, search please join`) and its message.
    Only a known first name makes a list of services: `page help needed` is a message."""
    found = _PAGED_SERVICES.match(text)
    if not found:
        return [], text
    names = [name.strip() for name in found["names"].split(",")]
    if names[0] not in known:
        return [], text
    return names, found["rest"].strip()


def _timeline(rest: str, _caller: str) -> ShowTimeline:
    words = rest.lower().split()
    everything = "all" in words
    pages = [int(word) for word in words if word.isdecimal() and word.isascii() and len(word) < 7]

    if set(words) - {"all", "page"} - {str(p) for p in pages} or len(pages) > 1 or 0 in pages:
        raise CommandError(
            "Say `all` for every entry and a page number to go further.",
            example="/incident timeline all page 2",
        )
    return ShowTimeline(everything=everything, page=pages[0] if pages else 1)


def _postmortem(rest: str, _caller: str) -> WritePostmortem:
    step = rest.strip().lower() or "draft"
    if step not in POSTMORTEM_STEPS:
        raise CommandError(
            "Say `edit` to fill in what only people know, `review` when it is ready for "
            "review, `publish` when it is final, or nothing to (re)draft it.",
            example="/incident postmortem edit",
        )
    return WritePostmortem(step=step)


def _without_arguments(command: type[Command]) -> Callable[[str, str], Command]:
    return lambda _rest, _caller: command()


SUBCOMMANDS: dict[str, tuple[Callable[..., Command], str, str]] = {
    "declare": (
        _declare,
        "/incident declare [--drill] [sev1|sev2|sev3|sev4] [service[, service]:] <title> "
        "[started <time>]",
        "Declare a new incident (no title opens a form); a drill pages and announces nothing.",
    ),
    "role": (
        _role,
        "/incident role <ic|lead|comms|scribe> <@person|me|none>",
        "Give a role to someone, take it, or release it.",
    ),
    "update": (
        _update,
        "/incident update [investigating|identified|monitoring] <text>",
        "Post a status update for stakeholders.",
    ),
    "severity": (
        _change_severity,
        "/incident severity <sev1..sev4> [reason]",
        "Change the severity.",
    ),
    "rename": (_rename, "/incident rename <title>", "Retitle the incident and its channel."),
    "mitigated": (_mitigated, "/incident mitigated [note]", "Record that the impact stopped."),
    "resolve": (_resolve, "/incident resolve [summary]", "Resolve the incident."),
    "reopen": (_without_arguments(Reopen), "/incident reopen", "Reopen a resolved incident."),
    "milestone": (
        _milestone,
        "/incident milestone <impact-started|detected|acknowledged|mitigated|resolved> <time>",
        "Record when something happened (UTC), e.g. when the impact really began.",
    ),
    "action": (
        action,
        "/incident action <text|ticket link> @owner due <date|TBD> [p1|p2|p3] "
        "[type mitigate|prevent|process]",
        "Add an action item (a ticket's link makes it one; no text opens a form).",
    ),
    "actions": (
        actions,
        "/incident actions [mine]",
        "List this incident's action items, or yours everywhere.",
    ),
    "note": (_note, "/incident note <text>", "Add a key event to the timeline."),
    "page": (
        _page,
        "/incident page [service[, service] | @person] [message]",
        "Page the on-call, or someone by name, through PagerDuty (no one named: the on-call "
        "of all the incident's services).",
    ),
    "timeline": (
        _timeline,
        "/incident timeline [all] [page N]",
        "Show the key events (or all of them).",
    ),
    "sync": (_without_arguments(Sync), "/incident sync", "Fetch messages warroom missed."),
    "statuspage": (
        _without_arguments(PublishStatus),
        "/incident statuspage",
        "Tell customers on the status page, with a preview first.",
    ),
    "postmortem": (
        _postmortem,
        "/incident postmortem [edit|review|publish]",
        "Draft the postmortem, fill it in, send it for review, publish it.",
    ),
    "status": (_without_arguments(ShowStatus), "/incident status", "Show where things stand."),
    "list": (_without_arguments(ListIncidents), "/incident list", "List open incidents."),
    "help": (_without_arguments(Help), "/incident help", "Show this list."),
}


def usage(name: str) -> str:
    return SUBCOMMANDS[name][1]


# The subcommands whose text can hold a date or a time, read against the present moment.
TIMED = {"action", "declare", "milestone"}


def parse(text: str, caller: str, now: datetime) -> Command:
    """Parse the text after `/incident`, typed by the user `caller` at `now` (UTC)."""
    name, rest = _first_word(text)
    if name == "":
        return Help()
    if name not in SUBCOMMANDS:
        raise CommandError(f"`{plain_text(name)[:40]}` is not a warroom command.", show_help=True)
    parser = SUBCOMMANDS[name][0]
    return parser(rest, caller, now) if name in TIMED else parser(rest, caller)
