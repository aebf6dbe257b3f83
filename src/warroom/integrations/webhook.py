"""Outgoing webhooks: every change to an incident POSTed as JSON to a URL of the team's,
signed as Standard Webhooks (https://www.standardwebhooks.com) specifies, so that any of its
verifiers can check it.

Each event is delivered once per `webhook-id` (the same on every retry: receivers use it to
drop a repeat), in order per incident, retried on 429, 5xx and timeouts (waiting as long as
Retry-After asks) and given up on for 410 Gone and the other 4xx. A private incident's
events carry no title and no text.
"""

import json
import time
from datetime import datetime

import httpx
from sqlalchemy.orm import Session

from warroom.app.core import Core
from warroom.domain import events
from warroom.domain.incident import incident_reference
from warroom.integrations.base import Delivery, Integration
from warroom.integrations.http import calling
from warroom.integrations.standard_webhooks import signature, signing_key
from warroom.store import incidents, timeline
from warroom.store.models import Incident

TIMEOUT_SECONDS = 15  # the spec's advice: 15 to 30 s
# Which events go out, and under what type (Standard Webhooks: "group.event").
TYPES = {
    events.IncidentDeclared: "incident.declared",
    events.RoleAssigned: "incident.role_assigned",
    events.StatusUpdated: "incident.status_updated",
    events.SeverityChanged: "incident.severity_changed",
    events.IncidentRenamed: "incident.renamed",
    events.IncidentMitigated: "incident.mitigated",
    events.IncidentResolved: "incident.resolved",
    events.IncidentReopened: "incident.reopened",
    events.MilestoneSet: "incident.milestone_set",
    events.PageRequested: "incident.page_requested",
    events.Paged: "incident.paged",
    events.PageChanged: "incident.page_changed",
    events.StatusPagePublished: "incident.status_page_published",
    events.NoteAdded: "incident.note_added",
    events.MessageAttached: "incident.message_attached",
    events.ActionItemAdded: "action_item.added",
    events.ActionItemChanged: "action_item.changed",
    events.PostmortemChanged: "postmortem.changed",
}
# Fields of the events that are of no use outside warroom.
INTERNAL_FIELDS = {"type", "incident_id", "reply_to", "entry_id"}


class WebhookIntegration(Integration):
    name = "webhook"
    title = "the outgoing webhook"

    def __init__(self, core: Core, url: str, secret: str):
        self.core, self.url, self._key = core, url, signing_key(secret)
        self._client = httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)

    def destinations(self, event: events.Event) -> list[str]:
        return [self.name] if type(event) in TYPES else []

    def deliver(self, event: events.Event, delivery: Delivery) -> None:
        with self.core.db.transaction() as session:
            body = json.dumps(payload(session, event, delivery.created_at)).encode()
        delivery.step("send it", lambda: self._send(body, delivery.key))

    def _send(self, body: bytes, webhook_id: str) -> None:
        # The attempt's own time, which receivers check against their clocks to refuse
        # replays: the wall clock, whatever the incident's clock says.
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": webhook_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(self._key, webhook_id, timestamp, body),
        }
        calling("the webhook", lambda: self._client.post(self.url, content=body, headers=headers))


def payload(session: Session, event: events.Event, occurred_at: datetime) -> dict:
    """The JSON an event is sent as: its type, when it happened, the incident as it stands,
    and the event's own fields (and text, for a public incident's timeline entry)."""
    incident = incidents.get(session, event.incident_id)
    data = {
        "incident": _incident(incident),
        **event.model_dump(mode="json", exclude=INTERNAL_FIELDS),
    }
    if isinstance(event, events.EntryRecorded) and not incident.is_private:
        data["text"] = timeline.text_of(session, event.entry_id)
    return {
        "type": TYPES[type(event)],
        "timestamp": occurred_at.isoformat().replace("+00:00", "Z"),
        "data": data,
    }


def _incident(incident: Incident) -> dict:
    shown = {
        "id": incident.id,
        "reference": incident_reference(incident.id),
        "severity": incident.severity,
        "status": incident.status,
        "is_private": incident.is_private,
        "is_drill": incident.is_drill,
        **{
            milestone.column: moment.isoformat() if moment else None
            for milestone, moment in incident.milestones.items()
        },
        "slack_channel_id": incident.channel_id,
    }
    if not incident.is_private:
        shown |= {"title": incident.title, "description": incident.description}
    return shown
