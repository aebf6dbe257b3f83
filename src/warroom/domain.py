"""The vocabulary of incident response and its pure rules: no I/O, no Slack, no database."""

import re
import unicodedata
from datetime import date, timedelta
from enum import StrEnum


class Severity(StrEnum):
    SEV1 = "sev1"
    SEV2 = "sev2"
    SEV3 = "sev3"
    SEV4 = "sev4"

    @property
    def label(self) -> str:
        return self.value.upper()

    @property
    def rubric(self) -> str:
        return SEVERITY_RUBRIC[self]

    @property
    def requires_ic(self) -> bool:
        return self in (Severity.SEV1, Severity.SEV2)


SEVERITY_RUBRIC = {
    Severity.SEV1: "Complete outage, data loss, security breach, or a business-critical flow "
    "failing for all users. All hands, IC required.",
    Severity.SEV2: "Significant degradation: >10% of users, or a core function broken with no "
    "workaround. On-call + lead within 15 min, IC required.",
    Severity.SEV3: "Minor: a small subset affected, degraded but working. Engineer within hours.",
    Severity.SEV4: "Informational: no user impact. Ticket and log.",
}

# How often stakeholders expect a status update (None: never), unless settings say otherwise.
DEFAULT_UPDATE_CADENCE = {
    Severity.SEV1: timedelta(minutes=15),
    Severity.SEV2: timedelta(minutes=30),
    Severity.SEV3: timedelta(minutes=60),
    Severity.SEV4: None,
}


class Status(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Role(StrEnum):
    IC = "ic"
    LEAD = "lead"
    COMMS = "comms"
    SCRIBE = "scribe"

    @property
    def title(self) -> str:
        return ROLE_TITLES[self]

    @property
    def duty(self) -> str:
        return ROLE_DUTIES[self]


ROLE_TITLES = {
    Role.IC: "Incident Commander",
    Role.LEAD: "Tech lead",
    Role.COMMS: "Comms lead",
    Role.SCRIBE: "Scribe",
}

ROLE_DUTIES = {
    Role.IC: "You coordinate, decide, keep the state and own the update cadence. "
    "You do not debug: delegate diagnosis to the tech lead.",
    Role.LEAD: "You diagnose and fix, and report what you find to the IC.",
    Role.COMMS: "You post status updates for stakeholders, answer their questions and "
    "shield the responders from interruptions.",
    Role.SCRIBE: "You keep the timeline: actions, observations and decisions, with times. "
    "React with :pushpin: to mark a key event.",
}


def incident_reference(number: int) -> str:
    """The human name of an incident, as responders say it: INC-12."""
    return f"INC-{number}"


CHANNEL_NAME_MAX = 80
_NOT_NAME_CHARS = re.compile(r"[^a-z0-9]+")


def channel_name(number: int, title: str, attempt: int = 1) -> str:
    """A valid Slack channel name `inc-<number>-<slug>` for any title.

    Slack rejects rather than normalises, so the slug keeps only lowercase ASCII letters
    and digits (accents are folded, everything else becomes a dash). Later attempts, after
    `name_taken`, get a numeric suffix that always fits within Slack's 80 characters.
    """
    prefix = f"inc-{number}"
    suffix = f"-{attempt}" if attempt > 1 else ""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = _NOT_NAME_CHARS.sub("-", folded).strip("-")
    room = CHANNEL_NAME_MAX - len(prefix) - len(suffix) - 1
    slug = slug[:room].rstrip("-")
    return f"{prefix}-{slug}{suffix}" if slug else f"{prefix}{suffix}"


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
    NOTE = "note"
    ATTACHED = "attached"
    MESSAGE = "message"
    FILE = "file"
    JOINED = "joined"
    LEFT = "left"


def format_duration(span: timedelta) -> str:
    """47 min, 2 h 05 min, 3 d 4 h: how long, as a responder would say it."""
    minutes = max(round(span.total_seconds() / 60), 0)

    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """`30s`, `15m`, `2h`, `3d`: the durations settings are written in."""
    match = _DURATION.match(text.lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 30s, 15m, 2h or 3d")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_IN_DAYS = re.compile(r"^in\s+(\d{1,4})\s+(day|days|week|weeks)$")  # up to about 190 years


def parse_due_date(text: str, today: date) -> date | None:
    """`2026-12-01`, `tomorrow`, `friday` (the next one), `in 3 days`, `in 2 weeks`;
    None when the text is none of these."""
    text = " ".join(text.lower().split())
    if text in ("today", "tomorrow"):
        return today + timedelta(days=text == "tomorrow")
    if text in WEEKDAYS or text in {day[:3] for day in WEEKDAYS}:
        target = next(i for i, day in enumerate(WEEKDAYS) if day.startswith(text))
        return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)
    if match := _IN_DAYS.match(text):
        days = int(match.group(1)) * (7 if match.group(2).startswith("week") else 1)
        return today + timedelta(days=days)
    try:
        return date.fromisoformat(text) if text.isascii() else None

    except ValueError:
        return None


class Priority(StrEnum):
    P1 = "p1"
    P2 = "p2"
    P3 = "p3"

    @property
    def label(self) -> str:
        return self.value.upper()
