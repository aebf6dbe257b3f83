"""What a timeline entry can record, and how each kind reads as a sentence."""

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from warroom.domain.durations import format_duration
from warroom.domain.incident import Role, Severity, Status
from warroom.domain.markup import plain_text
from warroom.domain.milestones import Milestone
from warroom.domain.status_page import Condition, Phase
from warroom.domain.web_addresses import http_address


class EntryKind(StrEnum):
    """What a timeline entry records."""

    DECLARED = "declared"
    SEVERITY = "severity"
    SETUP_FAILED = "setup_failed"
    ROLE = "role"
    STATUS_UPDATE = "status_update"
    RENAMED = "renamed"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    MILESTONE = "milestone"
    PAGE_REQUESTED = "page_requested"
    PAGED = "paged"
    PAGE_CHANGED = "page_changed"
    STATUS_PAGE = "status_page"  # an update published to the public status page
    ALERT = "alert"  # an alert of the incident's fired or resolved
    NOTE = "note"
    ATTACHED = "attached"
    INJECT = "inject"  # what a drill's scenario makes happen next
    MESSAGE = "message"
    FILE = "file"
    JOINED = "joined"
    LEFT = "left"


class Entry(Protocol):
    """A timeline entry as reports read it (a row of its columns, or the ORM entry)."""

    kind: str
    actor_id: str | None
    text: str
    details: dict


Person = Callable[[str | None], str]
Quote = Callable[[str], str]


def describe(
    entry: Entry, person: Person, quote: Quote, brief: bool = False, addressed: bool = True
) -> str:
    """An entry as a sentence, followed by the web address it keeps, if any (Slack and
    Markdown make that a link). `person` renders a user id and `quote` renders text people
    wrote, so each front end can make them safe in its own way. `brief` leaves out the
    addresses a story read top to bottom can do without; `addressed=False` leaves out every
    address, for a front end that shows `address_of(entry)` as a link of its own."""
    sentence = _SENTENCES.get(entry.kind, _message)
    said = sentence(entry, person(entry.actor_id), entry.details, person, quote)
    address = address_of(entry)
    if not address or not addressed or (brief and entry.kind in _LEFT_OUT_OF_BRIEF):
        return said
    return f"{said} {address}"


def address_of(entry: Entry) -> str | None:
    """The web address an entry keeps: a message's in Slack, a page's in PagerDuty, an
    alert's source; only ever an http(s) one."""
    key = _ADDRESSES.get(entry.kind)
    return http_address(entry.details.get(key)) if key else None


def _role(entry, by, details, person, quote) -> str:
    role = Role(details["role"])
    if details["user_id"] is None:
        return f"{by} released the {role.title} role."
    assigned = "" if details["user_id"] == entry.actor_id else f" (assigned by {by})"
    return f"{person(details['user_id'])} is now {role.title}{assigned}."


def _severity(entry, by, details, person, quote) -> str:
    if "from" not in details:
        return quote(entry.text)  # the severity set when declaring
    reason = f": {quote(details['reason'])}" if details.get("reason") else "."
    return (
        f"{by} changed the severity from {Severity(details['from']).label} to "
        f"{Severity(details['to']).label}{reason}"
    )


def _resolved(entry, by, details, person, quote) -> str:
    duration = format_duration(timedelta(seconds=details["duration_seconds"]))
    summary = f" {quote(details['summary'])}" if details.get("summary") else ""
    return f"{by} resolved the incident after {duration}.{summary}"


def _milestone(entry, by, details, person, quote) -> str:
    def shown(moment: str | None) -> str:
        return f"{datetime.fromisoformat(moment):%Y-%m-%d %H:%M} UTC" if moment else "unset"

    milestone = Milestone(details["milestone"]).label.lower()
    if details["at"] is None:
        return f"{by} cleared the {milestone} time (was {shown(details['previous'])})."
    was = f" (was {shown(details['previous'])})" if details.get("previous") else ""
    return f"{by} set {milestone} to {shown(details['at'])}{was}."


def _page_requested(entry, by, details, person, quote) -> str:
    paged = [f"the on-call of {', '.join(details['services'])}"] if details["services"] else []
    paged += [person(someone["user"]) for someone in details.get("people", [])]
    message = f": {quote(entry.text)}" if entry.text else "."
    return f"{by} paged {' and '.join(paged)}{message}"


def _paged(entry, by, details, person, quote) -> str:
    if details.get("person"):
        return f"PagerDuty is paging {person(details['person'])} ({details['service']})."
    on_call = ", ".join(quote(someone["name"]) for someone in details.get("on_call", []))
    who = f" On call: {on_call}." if on_call else ""
    return f"PagerDuty is paging the on-call of {details['service']}.{who}"


def _page_changed(entry, by, details, person, quote) -> str:
    who = quote(details["by"]) if details.get("by") else "Someone"
    paged = person(details["person"]) if details.get("person") else details["service"]
    return f"{who} {details['status']} the page for {paged} in PagerDuty."


def _status_page(entry, by, details, person, quote) -> str:
    affected = ", ".join(
        f"{quote(name)} {Condition(condition).label.lower()}"
        for name, condition in details["components"].items()
    )
    said = f" ({affected})" if affected else ""
    title, phase = quote(details["title"]), Phase(details["phase"]).label
    return f"{by} published to the status page, {phase}{said}: {title}: {quote(entry.text)}"


def _alert(entry, by, details, person, quote) -> str:
    return f"Alert {details['status']}: {quote(entry.text)}"


def _attached(entry, by, details, person, quote) -> str:
    who = person(details.get("attached_by"))
    said = quote(plain_text(entry.text))
    return f"{who} attached a message by {by}: {said}"


def _file(entry, by, details, person, quote) -> str:
    files = (f"{file['name']} ({file.get('filetype') or 'file'})" for file in details["files"])
    return f"{by} shared " + ", ".join(quote(name) for name in files)


def _message(entry, by, details, person, quote) -> str:
    return f"{by}: {quote(plain_text(entry.text))}"


_SENTENCES = {
    EntryKind.ROLE: _role,
    EntryKind.SEVERITY: _severity,
    EntryKind.RESOLVED: _resolved,
    EntryKind.MILESTONE: _milestone,
    EntryKind.ATTACHED: _attached,
    EntryKind.PAGE_REQUESTED: _page_requested,
    EntryKind.PAGED: _paged,
    EntryKind.PAGE_CHANGED: _page_changed,
    EntryKind.STATUS_PAGE: _status_page,
    EntryKind.ALERT: _alert,
    EntryKind.FILE: _file,
    EntryKind.DECLARED: lambda e, by, d, p, q: f"{by} declared the incident: {q(e.text)}",
    EntryKind.RENAMED: lambda e, by, d, p, q: f"{by} renamed the incident to {q(d['to'])}.",
    EntryKind.STATUS_UPDATE: lambda e, by, d, p, q: (
        f"{by} posted an update ({Status(d['status']).label}): {q(e.text)}"
    ),
    EntryKind.MITIGATED: lambda e, by, d, p, q: f"{by} marked the impact mitigated: {q(e.text)}",
    EntryKind.REOPENED: lambda e, by, d, p, q: f"{by} reopened the incident.",
    EntryKind.NOTE: lambda e, by, d, p, q: f"{by} noted: {q(e.text)}",
    EntryKind.INJECT: lambda e, by, d, p, q: f"Drill: {q(e.text)}",
    EntryKind.JOINED: lambda e, by, d, p, q: f"{by} joined the channel.",
    EntryKind.LEFT: lambda e, by, d, p, q: f"{by} left the channel.",
    EntryKind.SETUP_FAILED: lambda e, by, d, p, q: f"Slack setup failed: {q(e.text)}",
}
# Where each kind of entry keeps its web address, if it has one.
_ADDRESSES = {
    EntryKind.ATTACHED: "permalink",
    EntryKind.PAGED: "url",
    EntryKind.PAGE_CHANGED: "url",
    EntryKind.ALERT: "link",
}
# Those a brief story leaves out: a message's Slack address, a page's in PagerDuty.
_LEFT_OUT_OF_BRIEF = {EntryKind.ATTACHED, EntryKind.PAGED, EntryKind.PAGE_CHANGED}
