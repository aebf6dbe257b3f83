"""Slack as a destination of domain events: the first subscriber of the outbox.

Everything an incident's channel, its headline, the announcement and the people involved
are shown comes from here, delivered in order per incident ("slack"). Warnings about
Slack's own deliveries go on a stream of their own ("slack.notices"), so they are never stuck
behind what they warn about. Warnings about other destinations (a webhook, PagerDuty) follow
the incident's Slack stream instead: they are posted after what came before them, so in the
incident's channel once it is set up, not to the declarer while it is still being created.
"""

from warroom.domain import events
from warroom.integrations.base import Delivery, Integration
from warroom.slack import alert_prompts, notices, postmortems, provision, publish
from warroom.slack.action_items import announce_item
from warroom.slack.nags import send_nag
from warroom.slack.services import Services

NOTICES = "slack.notices"


class SlackIntegration(Integration):
    name = "slack"
    title = "Slack"

    def __init__(self, services: Services):
        self.services = services

    def destinations(self, event: events.Event) -> list[str]:
        if isinstance(event, events.DELIVERY_EVENTS):
            about_slack = self.services.core.outbox.integration_of(event.destination) is self
            return [NOTICES] if about_slack else [self.name]
        if isinstance(event, events.ActionItemChanged):
            return []  # the person who changed it was answered; the lists show it
        if isinstance(event, events.AlertGroupChanged):
            return [self.name] if self.services.settings.warroom_alerts_channel else []
        return [self.name]

    def deliver(self, event: events.Event, delivery: Delivery) -> None:
        services = self.services
        match event:
            case events.IncidentDeclared():
                provision.set_up(services, event, delivery)
            case events.EntryRecorded():
                publish.publish(services, event, delivery)
            case events.AlertGroupChanged():
                alert_prompts.show(services, event, delivery)
            case events.ActionItemAdded():
                announce_item(services, event, delivery)
            case events.PostmortemChanged():
                postmortems.post(services, event, delivery)
            case events.NagDue():
                send_nag(services, event, delivery)
            case events.DeliveryDelayed():
                notices.warn_delayed(services, event, delivery)
            case events.DeliveryRecovered():
                notices.all_clear(services, event, delivery)
            case events.DeliveryFailed():
                notices.say_failed(services, event, delivery)
