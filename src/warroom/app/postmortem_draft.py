"""The blameless postmortem: gather what was recorded, render it with Jinja2, lint it.

Templates run in Jinja's immutable sandbox and see plain values only (no database objects),
so a user's template can read the incident but never change or reach past it.
"""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from sqlalchemy.orm import Session

from warroom.domain.action_items import ActionKind, ActionStatus
from warroom.domain.durations import format_duration
from warroom.domain.incident import Role, Severity, Status
from warroom.domain.lint import ActionItemText, Finding, PostmortemText, lint
from warroom.domain.milestones import Figures, Milestone, figures
from warroom.domain.postmortem import DEFAULT_DEPTH, Depth, PostmortemStatus, factors
from warroom.domain.timeline import Entry, EntryKind, describe
from warroom.store import action_items, deploys, incidents, timeline
from warroom.store.db import package_folder
from warroom.store.models import PostmortemNotes
from warroom.store.postmortems import NOTE_FIELDS

BUNDLED_TEMPLATES = package_folder("warroom.templates")
TEMPLATE = "postmortem.md.j2"


class PostmortemTemplateError(Exception):
    """A template could not render; the message says which and why, for people."""


@dataclass
class Draft:
    """Everything the template sees, as plain values, plus the linter's findings."""

    reference: str
    title: str
    severity: str
    depth: str  # full, abbreviated or actions (see domain.postmortem.Depth)
    status: str
    postmortem_status: str
    is_private: bool
    start: str
    end: str | None
    duration: str | None
    milestones: list[dict]
    time_to_detect: str | None
    time_to_acknowledge: str | None
    time_to_mitigate: str | None
    time_to_resolve: str | None
    impact_duration: str | None
    impact_window: str
    notes: dict[str, str]
    contributing_factors: list[str]
    severity_changes: list[dict]
    roles: list[dict]
    participants: list[str]
    updates: list[dict]
    key_events: list[dict]
    deploys: list[dict]  # of its services, from an hour before the impact to its end
    all_events: list[dict]
    action_items: list[dict]
    findings: list[Finding] = field(default_factory=list)

    def as_json(self) -> str:
        return json.dumps(asdict(self), indent=2, default=str)


def _person(user_id: str | None) -> str:
    return f"@{user_id}" if user_id else "warroom"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _duration(span: timedelta | None) -> str | None:
    return format_duration(span) if span is not None else None


# Deploys this long before the impact are part of its story: a bad release usually is.
DEPLOYS_BEFORE = timedelta(hours=1)
# Kept out of the key timeline even when someone marked them: they tell nothing of the story.
NOT_KEY_EVENTS = {EntryKind.JOINED, EntryKind.LEFT, EntryKind.MILESTONE}
# Milestones the timeline has no entry of its own for, shown among the key events.
UNRECORDED_MILESTONES = (Milestone.IMPACT_STARTED, Milestone.DETECTED)


def gather(
    session: Session,
    incident_id: int,
    person: Callable[[str | None], str] = _person,
    depths: Mapping[Severity, Depth] = DEFAULT_DEPTH,
) -> Draft:
    """Everything recorded about the incident; `person` names people (by default @user-id;
    the Slack side passes their display names), `depths` how much each severity needs."""

    def event(entry: Entry, brief: bool = False) -> dict:
        text = describe(entry, person=person, quote=_one_line, brief=brief)
        return {"time": _utc(entry.occurred_at), "text": text, "kind": entry.kind}

    incident = incidents.get(session, incident_id)
    notes = session.get(PostmortemNotes, incident_id) or PostmortemNotes(incident_id=incident_id)
    entries = timeline.entries(session, incident_id)
    terms = incidents.terms(session, incident_id)
    items = action_items.of_incident(session, incident_id)
    instants = incident.milestones
    measured = figures(instants)
    start, end = incident.declared_at, incident.resolved_at
    window_end = end or datetime.max.replace(tzinfo=UTC)
    released = deploys.between(
        session, incident.services, measured.impact_start - DEPLOYS_BEFORE, window_end
    )
    severity = Severity(incident.severity)
    draft = Draft(
        reference=incident.reference,
        title=incident.title,
        severity=severity.label,
        depth=depths[severity].value,
        status=Status(incident.status).label,
        postmortem_status=PostmortemStatus(incident.postmortem_status).label,
        is_private=incident.is_private,
        start=_utc(start),
        end=_utc(end) if end else None,
        duration=_duration(end - start if end else None),
        milestones=[
            {"name": m.value, "label": m.label, "time": _utc(at) if at else None}
            for m, at in instants.items()
        ],
        time_to_detect=_duration(measured.time_to_detect),
        time_to_acknowledge=_duration(measured.time_to_acknowledge),
        time_to_mitigate=_duration(measured.time_to_mitigate),
        time_to_resolve=_duration(measured.time_to_resolve),
        impact_duration=_duration(measured.impact_duration),
        impact_window=_impact_window(measured),
        notes={name: (getattr(notes, name) or "").strip() for name in NOTE_FIELDS},
        contributing_factors=factors(notes.contributing_factors),
        severity_changes=[
            event(e) for e in entries if e.kind == EntryKind.SEVERITY and "from" in e.details
        ],
        roles=[
            {
                "title": role.title,
                "holders": ", ".join(
                    f"{person(t.user_id)} from {t.started_at:%H:%M}"
                    + (f" to {t.ended_at:%H:%M}" if t.ended_at else "")
                    for t in terms
                    if t.role == role
                )
                or "nobody",
            }
            for role in Role
        ],
        participants=sorted(
            {person(e.actor_id) for e in entries if e.actor_id} | {person(t.user_id) for t in terms}
        ),
        updates=[event(e) for e in entries if e.kind == EntryKind.STATUS_UPDATE],
        key_events=_key_events(entries, instants, event, released),
        deploys=[_deployed(deploy) for deploy in released],
        all_events=[event(e) for e in entries],
        action_items=[_action_item(item, person) for item in items],
    )
    has_ic = any(t.role == Role.IC for t in terms)
    draft.findings = lint(_lintable(draft, items, has_ic, _measured(measured)))
    return draft


def _deployed(deploy) -> dict:
    who = f" by {deploy.deployed_by}" if deploy.deployed_by else ""
    return {
        "time": _utc(deploy.deployed_at),
        "text": f"{deploy.service} {deploy.version} deployed{who}.",
        "kind": "deploy",
        "link": deploy.link,
    }


def _key_events(entries, instants, event, released) -> list[dict]:
    """The marked entries, without links, the milestones only people could record, and the
    services' deploys, in the order they happened."""
    shown = [
        (e.occurred_at, event(e, brief=True))
        for e in entries
        if e.highlighted and e.kind not in NOT_KEY_EVENTS
    ]
    shown += [
        (at, {"time": _utc(at), "text": f"{m.label}.", "kind": EntryKind.MILESTONE})
        for m in UNRECORDED_MILESTONES
        if (at := instants[m]) is not None
    ]
    shown += [(deploy.deployed_at, _deployed(deploy)) for deploy in released]
    return [shown_event for _, shown_event in sorted(shown, key=lambda pair: pair[0])]


def _action_item(item, person) -> dict:
    return {
        "id": item.id,
        "text": _one_line(item.text),
        "owner": person(item.owner_id),
        "due": f"{item.due_on:%Y-%m-%d}" if item.due_on else "TBD",
        "priority": (item.priority or "").upper(),
        "kind": ActionKind(item.kind).label if item.kind else "",
        "status": ActionStatus(item.status).label,
        "done": item.status == ActionStatus.DONE,
        "ticket": item.ticket_url,
    }


# What the impact is measured from when nobody recorded its start.
STAND_INS = {Milestone.DETECTED: "detection", Milestone.DECLARED: "declaration"}


def _impact_window(measured: Figures) -> str:
    start = measured.impact_start
    guessed = measured.impact_start_from is not Milestone.IMPACT_STARTED
    caveat = (
        f" Measured from the {STAND_INS[measured.impact_start_from]}: nobody recorded when "
        "the impact started (`/incident milestone impact-started <time>`)."
        if guessed
        else ""
    )
    if measured.impact_end is None:
        return f"Ongoing since {start:%Y-%m-%d %H:%M} UTC.{caveat}"
    end = measured.impact_end
    on = (
        f"on {start:%Y-%m-%d}"
        if end.date() == start.date()
        else f"from {start:%Y-%m-%d} to {end:%Y-%m-%d}"
    )
    lasted = format_duration(end - start)
    return f"Duration: {lasted} ({start:%H:%M}–{end:%H:%M} UTC {on}).{caveat}"


def _measured(measured: Figures) -> dict:
    """Every span a summary may rightly state, by name. Not how long the incident was
    declared: taking that for the outage is the very mistake of an incident found late."""
    spans = {
        "impact": measured.impact_duration,
        "time to detect": measured.time_to_detect,
        "time to acknowledge": measured.time_to_acknowledge,
        "time to mitigate": measured.time_to_mitigate,
        "time to resolve": measured.time_to_resolve,
    }
    return {name: span for name, span in spans.items() if span is not None}


def _lintable(draft: Draft, items, has_ic: bool, durations: dict) -> PostmortemText:
    notes = draft.notes
    return PostmortemText(
        severity=draft.severity.lower(),
        depth=draft.depth,
        summary=notes["summary"],
        impact=f"{draft.impact_window}\n{notes['impact']}" if notes["impact"] else "",
        root_cause=notes["root_cause"],
        contributing_factors=draft.contributing_factors,
        timeline=[f"{e['time']} {e['text']}" for e in draft.key_events],
        detection=notes["detection"],
        response=notes["response"],
        recovery=notes["recovery"],
        lessons=notes["lessons"],
        what_went_well=notes["what_went_well"],
        action_items=[
            ActionItemText(text=i.text, owner=i.owner_id, due=i.due_on, priority=i.priority)
            for i in items
        ],
        participants=[name.lstrip("@") for name in draft.participants],
        has_ic=has_ic,
        durations=durations,
    )


@cache
def _environment(templates_dir: Path | None) -> ImmutableSandboxedEnvironment:
    """One per templates folder, so templates compile once; Jinja still reloads a template
    whose file changed."""
    folders = [templates_dir, BUNDLED_TEMPLATES] if templates_dir else [BUNDLED_TEMPLATES]
    environment = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in folders]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["as_markdown"] = as_markdown
    return environment


BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def as_markdown(note: str) -> str:
    """A note as typed in a form: one paragraph stays one, several lines become a list
    (Markdown would run them together into one line)."""
    lines = [line.strip() for line in note.splitlines() if line.strip()]
    if len(lines) < 2:
        return note.strip()
    return "\n".join(f"- {BULLET.sub('', line)}" for line in lines)


def render(draft: Draft, templates_dir: Path | None = None) -> str:
    """The draft as Markdown, from the user's template when there is one."""
    values = {name: getattr(draft, name) for name in draft.__dataclass_fields__}
    try:
        return _environment(templates_dir).get_template(TEMPLATE).render(**values)
    except SecurityError as error:
        raise PostmortemTemplateError(
            f"The postmortem template tried to reach Python internals ({error}). Templates "
            "may only use the values warroom gives them."
        ) from None
    except TemplateError as error:
        raise PostmortemTemplateError(f"The postmortem template failed: {error}") from None
