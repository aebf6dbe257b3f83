"""Showing a recorded change in Slack: the channel hears about it, and the pinned headline,
the topic and the stakeholder announcement are edited in place to match the database."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from warroom import incidents
from warroom.domain.incident import Role, Severity
from warroom.domain.timeline import EntryKind
from warroom.slack import blocks
from warroom.slack.gateway import Attempts
from warroom.slack.postmortems import post_draft
from warroom.slack.provision import channel_name_for
from warroom.slack.services import Services
from warroom.store.models import Incident, TimelineEntry

# Entries that add to the record without changing the incident's state.
RECORD_ONLY_KINDS = {EntryKind.NOTE, EntryKind.ATTACHED}
# Changes stakeholders follow in the announcement's thread.
ANNOUNCED_KINDS = {
    EntryKind.STATUS_UPDATE,
    EntryKind.MITIGATED,
    EntryKind.RESOLVED,
    EntryKind.REOPENED,
    EntryKind.SEVERITY,
}


def publish(services: Services, entry_id: int) -> list[str]:
    """Reflect one recorded change in Slack; returns what could not be done, in words."""
    with services.db.transaction() as session:
        entry = session.get(TimelineEntry, entry_id)
        incident = incidents.get(session, entry.incident_id)
        latest = _latest_update(session, incident.id)
    attempts = Attempts(incident.reference)
    if incident.channel_id is None:
        return attempts.failures  # its setup failed; the declarer was told then
    if entry.kind == EntryKind.RENAMED and not incident.is_private:
        _rename_channel(services, incident, attempts)
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = [pool.submit(_tell_channel, services, incident, entry, attempts)]
        if entry.kind not in RECORD_ONLY_KINDS:
            done += [
                pool.submit(_refresh_headline_and_topic, services, incident, attempts),
                pool.submit(_refresh_announcement, services, incident, entry, latest, attempts),
            ]
    for future in done:
        future.result()  # Slack failures are in `attempts`; anything else is a bug to surface
    if entry.kind == EntryKind.RESOLVED:  # resolving drafts the postmortem from the record
        return attempts.failures + post_draft(services, incident.id)
    return attempts.failures


def _latest_update(session, incident_id: int) -> str | None:
    query = (
        select(TimelineEntry.text)
        .where(TimelineEntry.incident_id == incident_id)
        .where(TimelineEntry.kind == EntryKind.STATUS_UPDATE)
        .order_by(TimelineEntry.occurred_at.desc())
    )
    return session.scalar(query.limit(1))


def _tell_channel(services, incident: Incident, entry: TimelineEntry, attempts: Attempts) -> None:
    slack, channel_id = services.slack, incident.channel_id
    if entry.kind == EntryKind.STATUS_UPDATE:
        attempts.attempt(
            "post the update",
            slack.post,
            channel_id,
            *blocks.status_update(incident, entry, _cadence(services, incident)),
        )
        return
    if entry.kind == EntryKind.ROLE and entry.details["user_id"]:
        holder = entry.details["user_id"]
        attempts.attempt("invite the new role holder", slack.invite, channel_id, [holder])
    text = blocks.change_notice(entry)
    attempts.attempt("post the change in the channel", slack.post, channel_id, *blocks.notice(text))
    if entry.kind == EntryKind.ROLE and entry.details["user_id"]:
        _brief_role_holder(services, incident, Role(entry.details["role"]), attempts)


def _cadence(services, incident: Incident):
    return services.policy.update_cadence[Severity(incident.severity)]


def _brief_role_holder(services, incident: Incident, role: Role, attempts: Attempts) -> None:
    """The new holder reads what the role asks of them, and a word if they hold too much."""
    holder = incident.holder(role)
    text = f"You are now *{role.title}* of {incident.reference}. {role.duty}"
    severity = Severity(incident.severity)
    if severity.requires_ic and incident.holder(Role.IC) == incident.holder(Role.LEAD) == holder:
        text += (
            "\n:warning: You hold both Incident Commander and Tech lead on a "
            f"{severity.label}. The IC coordinates and does not debug: consider handing one "
            "of them on (`/incident role lead @someone`)."
        )
    attempts.attempt(
        "brief the new role holder", services.slack.tell, incident.channel_id, holder, text
    )


def _refresh_headline_and_topic(services, incident: Incident, attempts: Attempts) -> None:
    slack = services.slack
    if incident.headline_ts:
        attempts.attempt(
            "update the headline",
            slack.update,
            incident.channel_id,
            incident.headline_ts,
            *blocks.headline(incident),
        )
    attempts.attempt(
        "update the topic", slack.set_topic, incident.channel_id, blocks.topic(incident)
    )


def _refresh_announcement(services, incident, entry, latest, attempts: Attempts) -> None:
    if not incident.announcement_ts:
        return
    slack, where, ts = services.slack, incident.announcement_channel_id, incident.announcement_ts
    attempts.attempt(
        "update the announcement", slack.update, where, ts, *blocks.announcement(incident, latest)
    )
    if entry.kind in ANNOUNCED_KINDS and not incident.is_private:
        text = (
            blocks.status_update(incident, entry, _cadence(services, incident))
            if entry.kind == EntryKind.STATUS_UPDATE
            else blocks.notice(blocks.change_notice(entry))
        )
        attempts.attempt("add to the announcement thread", slack.post, where, *text, thread_ts=ts)


def _rename_channel(services, incident: Incident, attempts: Attempts) -> None:
    renamed = attempts.attempt(
        "rename the channel",
        services.slack.rename_channel,
        incident.channel_id,
        channel_name_for(incident),
    )
    if renamed:
        with services.db.transaction() as session:
            incidents.link_channel(session, incident.id, *renamed)
