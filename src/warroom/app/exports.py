"""Timelines as text for export: Markdown for documents, JSON for tools."""

import json

from warroom.domain.timeline import Entry, describe
from warroom.store.models import Incident


def _person(user_id: str | None) -> str:
    return f"@{user_id}" if user_id else "warroom"


def timeline_markdown(incident: Incident, entries: list[Entry]) -> str:
    lines = [
        f"# {incident.reference}: {incident.title}",
        "",
        "| Time (UTC) | Event |",
        "|---|---|",
    ]
    for entry in entries:
        what = describe(entry, person=_person, quote=_markdown_cell)
        marker = "**" if entry.highlighted else ""
        lines.append(f"| {entry.occurred_at:%Y-%m-%d %H:%M:%S} | {marker}{what}{marker} |")
    return "\n".join(lines) + "\n"


def _markdown_cell(text: str) -> str:
    """Text that cannot break out of a table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def timeline_json(incident: Incident, entries: list[Entry]) -> str:
    return json.dumps(
        {
            "incident": incident.reference,
            "title": incident.title,
            "entries": [
                {
                    "at": entry.occurred_at.isoformat(),
                    "kind": entry.kind,
                    "actor": entry.actor_id,
                    "text": entry.text,
                    "highlighted": entry.highlighted,
                    "edited_at": entry.edited_at.isoformat() if entry.edited_at else None,
                    "original_text": entry.original_text,
                    "slack_ts": entry.slack_ts,
                    "details": entry.details,
                }
                for entry in entries
            ],
        },
        indent=2,
    )
