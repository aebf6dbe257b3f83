"""What a timeline entry can record."""

from enum import StrEnum


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
