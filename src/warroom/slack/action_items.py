"""Action items in Slack: `/incident action(s)`, the Done and Edit buttons, the form."""

import json
from datetime import date

from slack_bolt import Ack, App, BoltContext, Respond

from warroom import actions
from warroom.domain.action_items import Priority
from warroom.incidents import IncidentError
from warroom.slack import action_views, blocks
from warroom.slack.commands import AddAction, ListActions, web_address
from warroom.slack.follow_up import follow_up, just_ack, teller
from warroom.slack.forms import input_value
from warroom.slack.services import Services
from warroom.store.models import ActionItem, Incident


class ActionItems:
    def __init__(self, services: Services):
        self.services = services

    def register(self, app: App) -> None:
        app.action(action_views.DONE_BUTTON)(ack=self.done, lazy=[self.follow_up])
        app.action(action_views.EDIT_BUTTON)(ack=just_ack, lazy=[self.open_edit_form])
        app.view(action_views.FORM_CALLBACK)(ack=self.form_submitted, lazy=[self.follow_up])

    def command(self, parsed, incident: Incident | None, command: dict, ack: Ack, context) -> None:
        today = self.services.now().date()
        if isinstance(parsed, ListActions):
            with self.services.db.transaction() as session:
                if parsed.mine:
                    items = actions.open_for_owner(session, command["user_id"])
                    title = "Your open action items, soonest due first"
                else:
                    items = actions.of_incident(session, incident.id)
                    title = f"{incident.reference} action items"
            text, page = action_views.item_list(title, items, today, with_incident=parsed.mine)
            ack(response_type="ephemeral", text=text, blocks=page)
        elif parsed.text is None:
            ack()
            context["follow_up"] = {"open_action_form": incident.id}
        else:
            item = self._add(incident.id, parsed, command["user_id"])
            ack(response_type="ephemeral", text=action_views.added(item))
            context["follow_up"] = {"announce_item": item.id}

    def _add(self, incident_id: int, parsed: AddAction, by: str) -> ActionItem:
        return self.services.change(
            incident_id,
            lambda session: actions.add(
                session,
                incident_id,
                text=parsed.text,
                owner_id=parsed.owner_id,
                due_on=parsed.due_on,
                priority=parsed.priority,
                by=by,
                at=self.services.now(),
            ),
        )

    def done(self, ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        item_id = int(action["value"])
        try:
            with self.services.db.transaction() as session:
                incident_id = actions.find(session, item_id).incident_id
            self.services.change(
                incident_id,
                lambda session: actions.close(session, item_id, at=self.services.now()),
            )
        except IncidentError as error:
            context["follow_up"] = {"tell": blocks.incident_error(error)}
            return
        context["follow_up"] = {"tell": f":white_check_mark: Action item #{item_id} is done."}

    def open_edit_form(self, body: dict, action: dict) -> None:
        with self.services.db.transaction() as session:
            item = actions.find(session, int(action["value"]))
        form = action_views.item_form(item.incident_id, item)
        self.services.slack.open_view(body["trigger_id"], form)

    def form_submitted(self, ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
        values, target = view["state"]["values"], json.loads(view["private_metadata"])
        text = _text(values, "text")
        owner = input_value(values, "owner").get("selected_user")
        due = input_value(values, "due").get("selected_date")
        errors = {}
        if not text:
            errors["text"] = "Say what will be done."
        if not owner:
            errors["owner"] = "An action item needs exactly one owner."
        if not due:
            errors["due"] = "An action item needs a due date."
        ticket = _text(values, "ticket")
        if ticket:
            try:
                ticket = web_address(ticket)
            except ValueError as error:
                errors["ticket"] = str(error)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        priority = (input_value(values, "priority").get("selected_option") or {}).get("value")
        fields = dict(
            text=text,
            owner_id=owner,
            due_on=date.fromisoformat(due),
            priority=Priority(priority) if priority else None,
            ticket_url=ticket,
        )
        try:
            item = self._save(target, fields, values, body["user"]["id"])
        except IncidentError as error:
            ack(response_action="errors", errors={"reason": str(error)})
            return
        ack()
        context["follow_up"] = {"announce_item": item.id} if target["item"] is None else {}

    def _save(self, target: dict, fields: dict, values: dict, by: str) -> ActionItem:
        incident_id, now = target["incident"], self.services.now()
        if target["item"] is None:
            return self.services.change(
                incident_id,
                lambda session: actions.add(session, incident_id, **fields, by=by, at=now),
            )
        status = (input_value(values, "status").get("selected_option") or {}).get("value", "open")
        return self.services.change(
            incident_id,
            lambda session: actions.edit(
                session,
                target["item"],
                **fields,
                status=status,
                reason=_text(values, "reason"),
                at=now,
            ),
        )

    def follow_up(self, body: dict, context: BoltContext, respond: Respond) -> None:
        tell = teller(self.services, body, respond)
        follow_up(self.services, context.get("follow_up") or {}, tell)


def _text(values: dict, block_id: str) -> str | None:
    return (input_value(values, block_id).get("value") or "").strip() or None
