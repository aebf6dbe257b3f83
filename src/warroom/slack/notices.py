"""Telling an incident's channel, in words, that something is held up or was given up on:
Slack itself refusing warroom's posts, or another destination of the incident's events.
What concerns an action item (its ticket, say) is told to the item's owner instead, who can
act on it long after the incident's channel has gone quiet.

Warnings about Slack travel on a stream of their own ("slack.notices"), so they are not queued
behind what they warn about; the others follow the incident's own Slack deliveries, so they
find its channel set up (slack/integration.py). A warning whose delay is over by the time
it could be posted is not posted, and one that was posted is edited to say when the delay
ended.
"""

from warroom.domain.durations import format_duration
from warroom.domain.events import DeliveryDelayed, DeliveryFailed, DeliveryRecovered
from warroom.integrations.base import Delivery, Retry
from warroom.slack import blocks
from warroom.slack.services import Services
from warroom.slack.steps import guarded, posting
from warroom.store import action_items, incidents, outbox
from warroom.store.models import Incident
from warroom.store.outbox import DeliveryState

WARN = "warn the channel"
IN_TOPIC = "warn in the topic"
TOPIC = blocks.TOPIC_MAX


def warn_delayed(services: Services, delayed: DeliveryDelayed, delivery: Delivery) -> None:
    with services.db.transaction() as session:
        held_up = outbox.get(session, delayed.delivery_id)
        incident = incidents.get(session, delayed.incident_id)
    if held_up is None or held_up.state != DeliveryState.PENDING:
        return  # it got through (or was given up on, which says so itself) meanwhile
    destination = _title(services, delayed.destination)
    for_how_long = format_duration(services.now() - delayed.since)
    where, what = _concerned(services, incident, delayed.delayed, delayed.item_id)
    text = (
        f":hourglass: {destination} has been refusing {what} for {for_how_long} "
        f"({blocks.escape(delayed.error)}). It is recorded; warroom keeps trying and delivers "
        "it, in order, once it gets through."
    )
    try:
        ts = delivery.step(*posting(services.slack, delivery, WARN, where, *blocks.notice(text)))
    except Retry:
        if incident.channel_id is None:
            raise
        # Slack refuses posts: the channel's topic, set by another call, says it instead,
        # until the held-up changes get through and refresh it.
        short = (
            f":hourglass: {destination} is refusing warroom's posts about "
            f"{incident.reference} ({blocks.escape(delayed.error)}); they are recorded and "
            "will appear, in order"
        )
        topic = guarded(services.slack.set_topic, incident.channel_id, blocks.clip(short, TOPIC))
        delivery.step(IN_TOPIC, topic)
        delivery.results[IN_TOPIC] = True
        return
    delivery.results["channel"] = where if ts else None


def all_clear(services: Services, recovered: DeliveryRecovered, delivery: Delivery) -> None:
    """Edit the warning, if one was posted, to say the delay is over."""
    with services.db.transaction() as session:
        warning = outbox.get(session, recovered.warning_id)
        incident = incidents.get(session, recovered.incident_id)
    posted = (warning.result if warning else {}) or {}
    if posted.get(IN_TOPIC):
        delivery.step("restore the topic", guarded(_restore_topic, services, incident.id))
        return
    if not posted.get(WARN) or not posted.get("channel"):
        return
    destination = _title(services, recovered.destination)
    text = (
        f":white_check_mark: {destination} got {incident.reference}'s delayed events at "
        f"{services.now():%H:%M} UTC; nothing was lost."
    )
    update = guarded(services.slack.update, posted["channel"], posted[WARN], *blocks.notice(text))
    delivery.step("update the warning", update)


def say_failed(services: Services, failed: DeliveryFailed, delivery: Delivery) -> None:
    with services.db.transaction() as session:
        incident = incidents.get(session, failed.incident_id)
    destination = _title(services, failed.destination)
    where, what = _concerned(services, incident, failed.failed, failed.item_id)
    text = (
        f":warning: {destination} refused {what}, which is recorded all the same: "
        f"{blocks.escape(failed.error)}."
    )
    delivery.step(*posting(services.slack, delivery, "say it failed", where, *blocks.notice(text)))


def _concerned(
    services: Services, incident: Incident, what: str, item_id: int | None
) -> tuple[str, str]:
    """Whom to tell (the item's owner, else the channel, else the declarer), and what was
    held up, in words."""
    if item_id is None:
        return incident.channel_id or incident.declared_by, f"{what} of {incident.reference}"
    with services.db.transaction() as session:
        item = action_items.find(session, item_id)
        owner, text = item.owner_id, blocks.escape(blocks.clip(item.text, 80))
    return owner, f"{what} of {incident.reference} (#{item_id} “{text}”)"


def _restore_topic(services: Services, incident_id: int) -> None:
    with services.db.transaction() as session:
        incident = incidents.get(session, incident_id)
    services.slack.set_topic(incident.channel_id, blocks.topic(incident))


def _title(services: Services, destination: str) -> str:
    title = services.core.outbox.integration_of(destination).title
    return title[0].upper() + title[1:]
