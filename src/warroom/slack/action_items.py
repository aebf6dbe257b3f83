"""Action items in Slack: `/incident action(s)`, the Done and Edit buttons, the form, and
the notice a new item gets in its incident's channel."""

import json
from datetime import date

from slack_bolt import Ack, App, BoltContext, Respond

from warroom.app import action_items
from warroom.domain.action_items import ActionKind, ActionStatus, Priority
from warroom.domain.events import ActionItemAdded
from warroom.domain.incident import IncidentError
from warroom.integrations.base import Delivery
from warroom.slack import action_views, blocks, ticket_import
from warroom.slack.command_types import AddAction, ListActions
from warroom.slack.follow_up import FollowUp, just_ack, teller
from warroom.slack.form_values import web_address
from warroom.slack.forms import input_value
from warroom.slack.services import Services
from warroom.slack.steps import posting
from warroom.store import action_items as stored_items
from warroom.store import incidents
from warroom.store.models import Incident


class ActionItems:
    def __init__(self, services: Services):
        self.services = services

    def register(self, app: App) -> None:
        app.action(action_views.DONE_BUTTON)(ack=self.done, lazy=[self.tell])
        app.action(action_views.EDIT_BUTTON)(ack=just_ack, lazy=[self.open_edit_form])
        app.view(action_views.FORM_CALLBACK)(self.form_submitted)

    def command(self, parsed, incident: Incident | None, command: dict, ack: Ack) -> FollowUp:
        today = self.services.now().date()
        if isinstance(parsed, ListActions):
            with self.services.db.transaction() as session:
                if parsed.mine:
                    items = stored_items.open_for_owner(session, command["user_id"])
                    title = "Your open action items, soonest due first"
                else:
                    items = stored_items.of_incident(session, incident.id)
                    title = f"{incident.reference} action items"
            text, page = action_views.item_list(title, items, today, with_incident=parsed.mine)
            ack(response_type="ephemeral", text=text, blocks=page)
            return None
        if parsed.ticket_url is not None:
            return self._import(parsed, incident, command, ack)
        if parsed.text is None:
            ack()
            form = action_views.item_form(incident.id)
            return lambda _tell: self.services.slack.open_view(command["trigger_id"], form)
        added = self._add(incident.id, parsed, command["user_id"])
        with self.services.db.transaction() as session:
            item = stored_items.find(session, added.item_id)
        ack(response_type="ephemeral", text=action_views.added(item))
        return None

    def _import(self, parsed: AddAction, incident: Incident, command: dict, ack: Ack) -> FollowUp:
        try:
            tracker = ticket_import.tracker_of(self.services, parsed.ticket_url)
        except IncidentError as error:
            ack(response_type="ephemeral", text=blocks.incident_error(error))
            return None
        ack(response_type="ephemeral", text=f"Reading {blocks.escape(parsed.ticket_url)} ...")
        by = command["user_id"]
        return lambda tell: ticket_import.import_ticket(
            self.services, tracker, incident.id, parsed, by, tell
        )

    def _add(self, incident_id: int, parsed: AddAction, by: str) -> ActionItemAdded:
        return action_items.add(
            self.services.core,
            incident_id,
            text=parsed.text,
            owner_id=parsed.owner_id,
            due_on=parsed.due_on,
            priority=parsed.priority,
            kind=parsed.kind,
            by=by,
        )

    def done(self, ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        item_id = int(action["value"])
        try:
            action_items.close(self.services.core, item_id, by=body["user"]["id"])
        except IncidentError as error:
            context["tell"] = blocks.incident_error(error)
            return
        context["tell"] = f":white_check_mark: Action item #{item_id} is done."

    def tell(self, body: dict, context: BoltContext, respond: Respond) -> None:
        teller(self.services, body, respond)(context["tell"])

    def open_edit_form(self, body: dict, action: dict) -> None:
        with self.services.db.transaction() as session:
            item = stored_items.find(session, int(action["value"]))
        form = action_views.item_form(item.incident_id, item)
        self.services.slack.open_view(body["trigger_id"], form)

    def form_submitted(self, ack: Ack, body: dict, view: dict) -> None:
        values, target = view["state"]["values"], json.loads(view["private_metadata"])
        fields, errors = _fields(values)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        core, by = self.services.core, body["user"]["id"]
        try:
            if target["item"] is None:
                action_items.add(core, target["incident"], **fields, by=by)
            else:
                status = (input_value(values, "status").get("selected_option") or {}).get("value")
                action_items.edit(
                    core,
                    target["item"],
                    **fields,
                    status=ActionStatus(status or ActionStatus.OPEN),
                    reason=_text(values, "reason"),
                    by=by,
                )
        except IncidentError as error:
            ack(response_action="errors", errors={"reason": str(error)})
            return
        ack()


def _fields(values: dict) -> tuple[dict, dict[str, str]]:
    """The form's fields as the use cases take them, and what is wrong with them, by field."""
    text = _text(values, "text")
    owner = input_value(values, "owner").get("selected_user")
    due = input_value(values, "due").get("selected_date")
    errors = {}
    if not text:
        errors["text"] = "Say what will be done."
    if not owner:
        errors["owner"] = "An action item needs exactly one owner."
    ticket = _text(values, "ticket")
    if ticket:
        try:
            ticket = web_address(ticket)
        except ValueError as error:
            errors["ticket"] = str(error)
    if errors:
        return {}, errors
    priority = (input_value(values, "priority").get("selected_option") or {}).get("value")
    kind = (input_value(values, "kind").get("selected_option") or {}).get("value")
    return {
        "text": text,
        "owner_id": owner,
        "due_on": date.fromisoformat(due) if due else None,
        "priority": Priority(priority) if priority else None,
        "kind": ActionKind(kind) if kind else None,
        "ticket_url": ticket,
    }, {}


def _text(values: dict, block_id: str) -> str | None:
    return (input_value(values, block_id).get("value") or "").strip() or None


def announce_item(services: Services, added: ActionItemAdded, delivery: Delivery) -> None:
    """Tell the incident channel, and so the owner, about a new action item."""
    with services.db.transaction() as session:
        item = stored_items.find(session, added.item_id)
        incident = incidents.get(session, item.incident_id)
    if incident.channel_id:
        notice = blocks.notice(action_views.added(item, by=added.by))
        delivery.step(*posting(services.slack, delivery, "post it", incident.channel_id, *notice))
