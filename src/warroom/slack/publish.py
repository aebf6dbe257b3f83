"""Showing a recorded change in Slack: the channel hears about it, and the pinned headline,
the topic and the stakeholder announcement are edited in place to match the database."""

from sqlalchemy import select

from warroom.app import status_page
from warroom.domain.events import EntryRecorded, MessageAttached
from warroom.domain.incident import Role, Severity
from warroom.domain.status_page import Phase
from warroom.domain.timeline import EntryKind
from warroom.integrations.base import Delivery, Refused, Step, in_order
from warroom.slack import blocks, status_page_views
from warroom.slack.pages import page_news
from warroom.slack.provision import channel_name_for
from warroom.slack.services import Services
from warroom.slack.steps import guarded, posting
from warroom.store import incidents, timeline
from warroom.store.models import Incident, TimelineEntry

# Entries that add to the record without changing the incident's state.
RECORD_ONLY_KINDS = {EntryKind.NOTE, EntryKind.ATTACHED, EntryKind.ALERT, EntryKind.STATUS_PAGE}
# Changes stakeholders follow in the announcement's thread.
ANNOUNCED_KINDS = {
    EntryKind.STATUS_UPDATE,
    EntryKind.MITIGATED,
    EntryKind.RESOLVED,
    EntryKind.REOPENED,
    EntryKind.SEVERITY,
}


def publish(services: Services, change: EntryRecorded, delivery: Delivery) -> None:
    """Reflect one recorded change in Slack, as the record stands now."""
    if isinstance(change, MessageAttached):
        _link_the_original(services, change, delivery)
    with services.db.transaction() as session:
        entry = session.get(TimelineEntry, change.entry_id)
        incident = incidents.get(session, change.incident_id)
        latest = _latest_update(session, incident.id)
    if incident.channel_id is None:
        return  # its setup failed; the declarer was told then
    if entry.kind == EntryKind.RENAMED and not incident.is_private:
        delivery.step("rename the channel", guarded(_rename_channel, services, incident))
    steps = [
        ("tell the channel", in_order(delivery, _telling(services, incident, entry, delivery)))
    ]
    if entry.kind not in RECORD_ONLY_KINDS:
        steps += _refreshing(services, incident, entry, latest, delivery)
    delivery.steps(steps)


def _latest_update(session, incident_id: int) -> str | None:
    query = (
        select(TimelineEntry.text)
        .where(TimelineEntry.incident_id == incident_id)
        .where(TimelineEntry.kind == EntryKind.STATUS_UPDATE)
        .order_by(TimelineEntry.occurred_at.desc())
    )
    return session.scalar(query.limit(1))


def _telling(services, incident: Incident, entry: TimelineEntry, delivery) -> list[Step]:
    slack, channel_id = services.slack, incident.channel_id
    if entry.kind == EntryKind.STATUS_UPDATE:
        update = blocks.status_update(incident, entry, _cadence(services, incident))
        return [posting(slack, delivery, "post the update", channel_id, *update)]
    if entry.kind == EntryKind.PAGED:
        return [("post the page", _posting_page_news(services, incident, entry, delivery))]
    holder = entry.details["user_id"] if entry.kind == EntryKind.ROLE else None
    notice = blocks.notice(blocks.change_notice(entry))
    steps = [posting(slack, delivery, "post the change in the channel", channel_id, *notice)]
    if entry.kind == EntryKind.RESOLVED and (told := _still_on_status_page(services, incident)):
        proposal = status_page_views.closing_proposal(incident, told)
        steps.append(posting(slack, delivery, "propose the closing update", channel_id, *proposal))
    if holder:
        invite = guarded(slack.invite, channel_id, [holder])
        briefing = _briefing(incident, Role(entry.details["role"]), holder)
        steps.insert(0, ("invite the new role holder", invite))
        steps.append(
            ("brief the new role holder", guarded(slack.tell, channel_id, holder, briefing))
        )
    return steps


def _still_on_status_page(services, incident: Incident) -> Phase | None:
    """What customers still read of a resolved incident; None when they were told."""
    last = status_page.last_update(services.core, incident.id)
    return None if last is None or last.phase == Phase.RESOLVED else Phase(last.phase)


def _posting_page_news(services, incident: Incident, entry: TimelineEntry, delivery):
    """The news of a page looks its on-call people up in Slack when it is posted."""

    def post() -> str:
        news = guarded(page_news, services.slack, incident, entry)()
        return posting(services.slack, delivery, "post the page", incident.channel_id, *news)[1]()

    return post


def _cadence(services, incident: Incident):
    return services.policy.update_cadence[Severity(incident.severity)]


def _briefing(incident: Incident, role: Role, holder: str) -> str:
    """What the role asks of its new holder, and a word if they hold too much."""
    text = f"You are now *{role.title}* of {incident.reference}. {role.duty}"
    severity = Severity(incident.severity)
    if severity.requires_ic and incident.holder(Role.IC) == incident.holder(Role.LEAD) == holder:
        text += (
            "\n:warning: You hold both Incident Commander and Tech lead on a "
            f"{severity.label}. The IC coordinates and does not debug: consider handing one "
            "of them on (`/incident role lead @someone`)."
        )
    return text


def _refreshing(services, incident: Incident, entry, latest, delivery) -> list[Step]:
    slack, channel_id = services.slack, incident.channel_id
    steps: list[Step] = [
        ("update the topic", guarded(slack.set_topic, channel_id, blocks.topic(incident)))
    ]
    if incident.headline_ts:
        headline = blocks.headline(incident, services.catalog.find(incident.services)[0])
        steps.append(
            (
                "update the headline",
                guarded(slack.update, channel_id, incident.headline_ts, *headline),
            )
        )
    if incident.announcement_ts:
        steps.append(
            (
                "keep stakeholders posted",
                in_order(delivery, _announcing(services, incident, entry, latest, delivery)),
            )
        )
    return steps


def _announcing(services, incident: Incident, entry, latest, delivery) -> list[Step]:
    slack = services.slack
    where, ts = incident.announcement_channel_id, incident.announcement_ts
    announcement = blocks.announcement(incident, latest)
    steps = [("update the announcement", guarded(slack.update, where, ts, *announcement))]
    if entry.kind in ANNOUNCED_KINDS and not incident.is_private:
        text = (
            blocks.status_update(incident, entry, _cadence(services, incident))
            if entry.kind == EntryKind.STATUS_UPDATE
            else blocks.notice(blocks.change_notice(entry))
        )
        steps.append(
            posting(slack, delivery, "add to the announcement thread", where, *text, thread_ts=ts)
        )
    return steps


def _rename_channel(services: Services, incident: Incident) -> None:
    renamed = services.slack.rename_channel(incident.channel_id, channel_name_for(incident))
    with services.db.transaction() as session:
        incidents.link_channel(session, incident.id, *renamed)


def _link_the_original(services: Services, attached: MessageAttached, delivery: Delivery) -> None:
    """An attached message links back to where it was said, when warroom can see it there.
    A DM or a private channel warroom is not in keeps the message without its link; the
    person who attached it is told, directly (warroom cannot post where it came from)."""

    def link_or_say_why() -> str | None:
        try:
            link = guarded(services.slack.permalink, attached.source_channel, attached.source_ts)()
        except Refused as refused:
            return (
                "The message is on the timeline, but it is attached without a link to the "
                f"original, because warroom cannot see that conversation ({refused.reason})."
            )
        with services.db.transaction() as session:
            timeline.add_details(session, attached.entry_id, permalink=link)
        return None

    if why := delivery.step("link to the original", link_or_say_why):
        delivery.step(*posting(services.slack, delivery, "say why", attached.by, why, []))
