"""Nags: what each one is about, and when it falls due next. Pure functions of the state of
an incident or action item and of what the nag's row remembers (`History`)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple

from warroom.domain.incident import Role, Severity, Status
from warroom.domain.postmortem import PostmortemStatus


class NagKind(StrEnum):
    STALE_UPDATE = "stale_update"
    NO_IC = "no_ic"
    NO_PUBLIC_UPDATE = "no_public_update"
    POSTMORTEM_OVERDUE = "postmortem_overdue"
    ACTION_OVERDUE = "action_overdue"
    ACTION_DIGEST = "action_digest"


INCIDENT_KINDS = (
    NagKind.STALE_UPDATE,
    NagKind.NO_IC,
    NagKind.NO_PUBLIC_UPDATE,
    NagKind.POSTMORTEM_OVERDUE,
    NagKind.ACTION_DIGEST,
)
# Nags about the next minutes snooze briefly; nags about the next days wait a day.
SNOOZED_BRIEFLY = {NagKind.STALE_UPDATE, NagKind.NO_IC, NagKind.NO_PUBLIC_UPDATE}


@dataclass(frozen=True)
class NagPolicy:
    update_cadence: dict[Severity, timedelta | None]
    no_ic_after: timedelta
    action_reminder_interval: timedelta
    postmortem_due: dict[Severity, timedelta | None]
    snooze: timedelta
    public_update_after: dict[Severity, timedelta] = field(default_factory=dict)
    digest_interval: timedelta = timedelta(days=7)
    postmortem_repeat: timedelta = timedelta(days=1)
    action_reminder_time: time = time(9, 0, tzinfo=UTC)  # on the due date

    def snooze_for(self, kind: NagKind) -> timedelta:
        return self.snooze if kind in SNOOZED_BRIEFLY else self.action_reminder_interval


class History(NamedTuple):
    """What a nag's row remembers of it."""

    last_sent_at: datetime | None = None
    snoozed_until: datetime | None = None


def _later(*moments: datetime | None) -> datetime:
    return max(moment for moment in moments if moment is not None)


def incident_due(kind: NagKind, incident, history: History, policy: NagPolicy, has_items: bool):
    """When an incident-level nag falls due next, or None when it cannot."""
    last, snoozed = history
    severity = Severity(incident.severity)
    if kind == NagKind.STALE_UPDATE:
        cadence = policy.update_cadence.get(severity)
        if not incident.is_open or cadence is None:
            return None
        return _later(
            _later(incident.last_update_at, incident.declared_at, last) + cadence, snoozed
        )
    if kind == NagKind.NO_IC:
        if not incident.is_open or not severity.requires_ic or incident.holder(Role.IC):
            return None
        return _later(_later(incident.declared_at, last) + policy.no_ic_after, snoozed)
    if kind == NagKind.NO_PUBLIC_UPDATE:
        delay = policy.public_update_after.get(severity)
        untold = incident.may_reach_customers and not incident.public_update_at
        if not incident.is_open or not untold or not delay:
            return None
        return _later(_later(incident.declared_at, last) + delay, snoozed)
    if kind == NagKind.POSTMORTEM_OVERDUE:
        delay = policy.postmortem_due.get(severity)
        if incident.status != Status.RESOLVED or delay is None:
            return None
        if incident.postmortem_status == PostmortemStatus.PUBLISHED:
            return None
        repeat = last + policy.postmortem_repeat if last else None
        return _later(incident.resolved_at + delay, repeat, snoozed)
    if kind == NagKind.ACTION_DIGEST:
        if not has_items:
            return None
        return _later((last or incident.declared_at) + policy.digest_interval, snoozed)
    raise ValueError(kind)


def action_due(item, history: History, policy: NagPolicy) -> datetime | None:
    """When an action item's overdue nag falls due next, or None when it cannot."""
    if not item.is_open or item.due_on is None:  # "due TBD" cannot be overdue
        return None
    last, snoozed = history
    on_due_date = datetime.combine(item.due_on, policy.action_reminder_time)
    repeat = last + policy.action_reminder_interval if last else None
    return _later(on_due_date, repeat, snoozed)
