"""Alerts coming in from monitoring: each notification is taken into its group, the group's
prompt in the alerts channel follows it, a group whose incident is open adds its news to that
incident's timeline, and a rule may declare the incident at once.

A group becomes an incident once, whoever declares it: a person from its prompt, or a rule.
Its alerts go on the incident's timeline at the moment each started firing, and the first of
them is when the incident was detected.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from warroom.app import incidents as running
from warroom.app.core import Change, Core
from warroom.domain import events
from warroom.domain.alerts import (
    AlertBatch,
    AlertPolicy,
    AlertStatus,
    auto_declared,
    merge,
    severity_suggested,
    takes_in,
)
from warroom.domain.incident import IncidentError
from warroom.domain.timeline import EntryKind
from warroom.store import alert_groups, incidents, timeline
from warroom.store.models import AlertGroup, Incident

SERVICE_LABEL = "service"


@dataclass(frozen=True)
class Received:
    group_id: int
    news: bool  # False: a repeat of what the group already had
    incident_id: int | None


class AlreadyDeclared(IncidentError):
    def __init__(self, incident_id: int):
        super().__init__(f"These alerts are already INC-{incident_id}.")
        self.incident_id = incident_id


def receive(
    core: Core, batch: AlertBatch, policy: AlertPolicy, services: Collection[str], declarer: str
) -> Received:
    """Take in one notification, and declare its incident in the same transaction when a
    rule says so (`declarer` is who declares then: warroom itself; `services` are the
    catalog's names)."""
    try:
        return _take_in(core, batch, policy, services, declarer)
    except IntegrityError:  # another replica began the same group at this moment: join it
        return _take_in(core, batch, policy, services, declarer)


def _take_in(core, batch: AlertBatch, policy: AlertPolicy, services, declarer) -> Received:
    with core.change() as change:
        session = change.session
        group = alert_groups.taking_in(session, batch.open_key)
        incident = None
        if group is not None and group.incident_id is not None:
            incident = incidents.get(session, group.incident_id, lock=True)
        if group is not None and not _still_taking_in(group, incident, change.at, policy):
            group.open_key = None  # done: what comes under its key now begins a new group
            session.flush()
            group, incident = None, None
        if group is None:
            group = _new_group(batch, policy, change.at)
            session.add(group)
            session.flush()
        group.alerts, news = merge(group.alerts, batch.alerts)
        group.last_seen_at = change.at
        if not news:
            return Received(group.id, False, group.incident_id)
        rule = auto_declared(policy.rules, batch.labels)
        if incident is not None and incident.is_open:
            change.incident = incident
            for alert in (*news.fired, *news.resolved):
                _note(change, group, alert.fingerprint, change.at)
        elif group.incident_id is None and group.firing and rule is not None:
            running.opened(
                change,
                title=group.title,
                severity=rule.severity,
                by=declarer,
                services=[group.service] if group.service in services else [],
                rule=str(rule),
            )
            _link(change, group, change.incident)
        change.emit(events.AlertGroupChanged(group_id=group.id, incident_id=group.incident_id))
        return Received(group.id, True, group.incident_id)


def _still_taking_in(group: AlertGroup, incident, now: datetime, policy: AlertPolicy) -> bool:
    incident_open = incident is not None and incident.is_open
    return takes_in(bool(group.firing), incident_open, group.last_seen_at, now, policy.window)


def _new_group(batch: AlertBatch, policy: AlertPolicy, now: datetime) -> AlertGroup:
    return AlertGroup(
        source=batch.source,
        group_key=batch.group_key,
        open_key=batch.open_key,
        title=batch.title,
        severity=severity_suggested(batch.labels, policy.default_severity),
        service=batch.labels.get(SERVICE_LABEL),
        labels=batch.labels,
        link=batch.link,
        alerts={},
        first_seen_at=now,
        last_seen_at=now,
    )


def declare_from(core: Core, group_id: int, **declared) -> events.IncidentDeclared:
    """Declare the incident these alerts are (what `incidents.opened` takes), once:
    AlreadyDeclared when someone or a rule did already."""
    with core.change() as change:
        group = alert_groups.get(change.session, group_id, lock=True)
        if group.incident_id is not None:
            raise AlreadyDeclared(group.incident_id)
        event = running.opened(change, **declared)
        _link(change, group, change.incident)
        change.emit(events.AlertGroupChanged(group_id=group.id, incident_id=group.incident_id))
        return event


def _link(change: Change, group: AlertGroup, incident: Incident) -> None:
    """The group is the incident's: its firing alerts on the timeline when each began, and
    the first of them is when the incident was detected (unless someone said otherwise, or
    the impact is said to have started later)."""
    group.incident_id = incident.id
    firing = sorted(
        (alert["starts_at"], fingerprint)
        for fingerprint, alert in group.alerts.items()
        if alert["status"] == AlertStatus.FIRING
    )
    for starts_at, fingerprint in firing:
        _note(change, group, fingerprint, min(datetime.fromisoformat(starts_at), change.at))
    if not firing or incident.detected_at is not None:
        return
    first = min(datetime.fromisoformat(firing[0][0]), change.at)
    if incident.impact_started_at is None or incident.impact_started_at <= first:
        incident.detected_at = first


def _note(change: Change, group: AlertGroup, fingerprint: str, at: datetime) -> None:
    alert = group.alerts[fingerprint]
    entry = timeline.record(
        change.session,
        change.incident.id,
        EntryKind.ALERT,
        at,
        text=alert["summary"],
        highlighted=True,  # alerts are what the postmortem's story is told against
        details={
            "status": alert["status"],
            "source": group.source,
            "group_id": group.id,
            "fingerprint": fingerprint,
            "link": alert.get("link"),
        },
    )
    change.session.flush()
    change.emit(events.AlertNoted(incident_id=change.incident.id, entry_id=entry.id))


def prompt_posted(core: Core, group_id: int, channel: str, ts: str) -> None:
    """The group's prompt is this message: later news edits it."""
    with core.db.transaction() as session:
        group = alert_groups.get(session, group_id)
        group.prompt_channel, group.prompt_ts = channel, ts
