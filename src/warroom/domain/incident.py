"""What an incident is: its severities, statuses and roles, and how it is named."""

import re
import unicodedata
from datetime import timedelta
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
TITLE_MAX = 150  # what the declare form takes, and a drill's scenario file
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


class IncidentError(ValueError):
    """A change that does not apply to the incident as it stands, explained in a sentence."""


class IncidentNotFound(IncidentError, LookupError):
    pass


class RoleAlreadyHeld(IncidentError):
    def __init__(self, role: Role, holder: str):
        self.role, self.holder = role, holder
        super().__init__(f"{role.title} is already held by {holder}.")
