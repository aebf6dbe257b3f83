"""The Jinja2 environment of the pages warroom serves (the status page, the dashboard):
the bundled templates, HTML escaped, and the filters the pages share."""

from datetime import datetime, timedelta

from jinja2 import Environment, FileSystemLoader, select_autoescape

from warroom.app.postmortem_draft import BUNDLED_TEMPLATES
from warroom.domain.durations import format_duration

PAGES = Environment(
    loader=FileSystemLoader(str(BUNDLED_TEMPLATES)),
    autoescape=select_autoescape(["html.j2", "atom.j2", "svg.j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _utc(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def _span(span: timedelta | None) -> str:
    return format_duration(span) if span is not None else "-"


PAGES.filters["utc"] = _utc
PAGES.filters["span"] = _span
