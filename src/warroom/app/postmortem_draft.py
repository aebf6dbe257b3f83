"""The blameless postmortem: gather what was recorded, render it with Jinja2, lint it.

Templates run in Jinja's immutable sandbox and see plain values only (no database objects),
so a user's template can read the incident but never change or reach past it.
"""

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from sqlalchemy.orm import Session

from warroom.domain.durations import format_duration
from warroom.domain.incident import Role, Severity, Status
from warroom.domain.lint import ActionItemText, Finding, PostmortemText, lint
from warroom.domain.postmortem import PostmortemStatus
from warroom.domain.timeline import Entry, EntryKind, describe
from warroom.store import action_items, incidents, timeline
from warroom.store.db import package_folder
from warroom.store.models import Incident, PostmortemNotes
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
    status: str
    postmortem_status: str
    is_private: bool
    start: str
    end: str | None
    duration: str | None
    time_to_acknowledge: str | None
    time_to_mitigate: str | None
    time_to_resolve: str | None
    impact_window: str
    notes: dict[str, str]
    contributing_factors: list[str]
    severity_changes: list[dict]
    roles: list[dict]
    participants: list[str]
    updates: list[dict]
    key_events: list[dict]
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


def _since(start: datetime, moment: datetime | None) -> str | None:
    return format_duration(moment - start) if moment else None


def gather(
    session: Session, incident_id: int, person: Callable[[str | None], str] = _person
) -> Draft:
    """Everything recorded about the incident; `person` names people (by default @user-id;
    the Slack side passes their display names)."""

    def event(entry: Entry) -> dict:
        text = describe(entry, person=person, quote=_one_line)
        return {"time": _utc(entry.occurred_at), "text": text, "kind": entry.kind}

    incident = incidents.get(session, incident_id)
    notes = session.get(PostmortemNotes, incident_id) or PostmortemNotes(incident_id=incident_id)
    entries = timeline.entries(session, incident_id)
    terms = incidents.terms(session, incident_id)
    items = action_items.of_incident(session, incident_id)
    first_ic = next((t.started_at for t in terms if t.role == Role.IC), None)
    described = [(entry, event(entry)) for entry in entries]  # each entry described once
    start, end = incident.declared_at, incident.resolved_at
    draft = Draft(
        reference=incident.reference,
        title=incident.title,
        severity=Severity(incident.severity).label,
        status=Status(incident.status).label,
        postmortem_status=PostmortemStatus(incident.postmortem_status).label,
        is_private=incident.is_private,
        start=_utc(start),
        end=_utc(end) if end else None,
        duration=_since(start, end),
        time_to_acknowledge=_since(start, first_ic),
        time_to_mitigate=_since(start, incident.mitigated_at),
        time_to_resolve=_since(start, end),
        impact_window=_impact_window(incident),
        notes={name: (getattr(notes, name) or "").strip() for name in NOTE_FIELDS},
        contributing_factors=[
            line.strip(" -*\t")
            for line in (notes.contributing_factors or "").splitlines()
            if line.strip(" -*\t")
        ],
        severity_changes=[
            shown for e, shown in described if e.kind == EntryKind.SEVERITY and "from" in e.details
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
        updates=[shown for e, shown in described if e.kind == EntryKind.STATUS_UPDATE],
        key_events=[shown for e, shown in described if e.highlighted],
        all_events=[shown for _, shown in described],
        action_items=[
            {
                "id": item.id,
                "text": _one_line(item.text),
                "owner": person(item.owner_id),
                "due": f"{item.due_on:%Y-%m-%d}",
                "priority": (item.priority or "").upper(),
                "status": item.status.replace("_", " "),
                "ticket": item.ticket_url,
            }
            for item in items
        ],
    )
    draft.findings = lint(_lintable(draft, items))
    return draft


def _impact_window(incident: Incident) -> str:
    if incident.resolved_at is None:
        return f"Ongoing since {incident.declared_at:%Y-%m-%d %H:%M} UTC."
    duration = format_duration(incident.resolved_at - incident.declared_at)
    return (
        f"Duration: {duration} ({incident.declared_at:%H:%M}–{incident.resolved_at:%H:%M} UTC "
        f"on {incident.declared_at:%Y-%m-%d})."
    )


def _lintable(draft: Draft, items) -> PostmortemText:
    notes = draft.notes
    return PostmortemText(
        severity=draft.severity.lower(),
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
    )


@cache
def _environment(templates_dir: Path | None) -> ImmutableSandboxedEnvironment:
    """One per templates folder, so templates compile once; Jinja still reloads a template
    whose file changed."""
    folders = [templates_dir, BUNDLED_TEMPLATES] if templates_dir else [BUNDLED_TEMPLATES]
    return ImmutableSandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in folders]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


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
