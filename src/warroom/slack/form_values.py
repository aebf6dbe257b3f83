"""The values of submitted forms, checked: the declare form's fields all at once, so the
person fixes them in one go, and web addresses typed into any form."""

from datetime import datetime

from pydantic import BaseModel

from warroom.domain.durations import parse_moment
from warroom.domain.incident import Severity
from warroom.domain.web_addresses import http_address
from warroom.slack.commands import MOMENT_EXAMPLES, severity_named


class FormErrors(ValueError):
    """Problems with a submitted form, keyed by the field they belong to."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class DeclareForm(BaseModel):
    title: str
    severity: Severity
    description: str = ""
    is_private: bool = False
    is_drill: bool = False
    impact_started_at: datetime | None = None
    services: list[str] = []


def web_address(text: str) -> str:
    """A link someone typed, as one normalised http(s) address; ValueError when it is no
    web address."""
    address = http_address(text)
    if address is None:
        raise ValueError(
            "That is not a web address: paste the ticket's link, such as "
            "https://jira.example.com/browse/OPS-12."
        )
    return address


def declare_form(
    title: str | None,
    severity: str | None,
    description: str | None,
    ticked: set[str],
    started: str | None,
    now: datetime,
    services: list[str] | None = None,
) -> DeclareForm:
    """Validate the declare modal's fields, all at once so the user fixes them in one go;
    `ticked` holds its options (private, drill); `started` (when the impact began) is read
    against `now`."""
    errors = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = "Give the incident a title: what is broken, as users see it."
    chosen = severity_named(severity or "")
    if chosen is None:
        errors["severity"] = "Pick a severity; the rubric under each one helps you choose."
    impact_started_at = None
    if (started or "").strip():
        impact_started_at = parse_moment(started, now)
        if impact_started_at is None:
            errors["started"] = f"Not a time I understand: try {MOMENT_EXAMPLES}."
    if errors:
        raise FormErrors(errors)
    return DeclareForm(
        title=title,
        severity=chosen,
        description=(description or "").strip(),
        is_private="private" in ticked,
        is_drill="drill" in ticked,
        impact_started_at=impact_started_at,
        services=services or [],
    )
