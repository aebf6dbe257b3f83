"""Buttons, pickers, forms and the App Home tab."""

import json
import re

from slack_bolt import Ack, App, BoltContext, Respond
from sqlalchemy.exc import SQLAlchemyError

from warroom import commands, incidents, timeline
from warroom.commands import FormErrors
from warroom.domain import Role
from warroom.incidents import IncidentError
from warroom.slack import blocks, forms
from warroom.slack.capture import slack_time
from warroom.slack.follow_up import follow_up
from warroom.slack.provision import open_incident, provision
from warroom.slack.publish import publish
from warroom.slack.services import Services
from warroom.slack.visibility import visible_to


def register(app: App, services: Services) -> None:
    handlers = Interactions(services)
    app.view(forms.DECLARE_CALLBACK)(ack=handlers.ack_declare_form, lazy=[handlers.declare_setup])
    app.action(re.compile(f"^{blocks.CLAIM_ACTION}"))(ack=handlers.claim_role, lazy=[handlers.done])
    app.action(re.compile(f"^{blocks.ASSIGN_ACTION}"))(
        ack=handlers.assign_role, lazy=[handlers.done]
    )
    app.action(forms.DECLARE_BUTTON)(ack=handlers.ack_quietly, lazy=[handlers.open_declare_form])
    app.event("app_home_opened")(handlers.home_opened)
    app.shortcut("add_to_timeline")(ack=handlers.ack_quietly, lazy=[handlers.open_attach_form])
    app.view(forms.ATTACH_CALLBACK)(ack=handlers.ack_attach_form, lazy=[handlers.attached])


class Interactions:
    def __init__(self, services: Services):
        self.services = services

    def ack_quietly(self, ack: Ack) -> None:
        ack()

    # the declare form

    def open_declare_form(self, body: dict) -> None:
        modal = forms.declare_modal(self.services.settings.warroom_default_severity)
        self.services.slack.open_view(body["trigger_id"], modal)

    def ack_declare_form(self, ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
        values = view["state"]["values"]
        try:
            form = commands.declare_form(
                title=_field(values, "title").get("value"),
                severity=(_field(values, "severity").get("selected_option") or {}).get("value"),
                description=_field(values, "description").get("value"),
                private=bool(_field(values, "private").get("selected_options")),
            )
        except FormErrors as error:
            ack(response_action="errors", errors=error.errors)
            return
        try:
            incident = open_incident(self.services, form, body["user"]["id"])
        except SQLAlchemyError:
            ack(response_action="errors", errors={"title": blocks.UNAVAILABLE})
            return
        notice = forms.notice_view(f"Declaring {incident.reference} ({form.severity.label}) ...")
        ack(response_action="update", view=notice)
        context["follow_up"] = {"provision": incident.id}

    def declare_setup(self, view: dict, context: BoltContext) -> None:
        """The form stays open on a notice; it ends by saying how the setup went."""
        setup = provision(self.services, context["follow_up"]["provision"])
        self.services.slack.update_view(view["id"], forms.notice_view(setup.report()))

    # the role buttons and pickers on the headline

    def claim_role(self, ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        self._assign(body, Role(action["value"]), body["user"]["id"], context, only_if_free=True)

    def assign_role(self, ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        role = Role(action["action_id"].removeprefix(blocks.ASSIGN_ACTION))
        self._assign(body, role, action.get("selected_user"), context, only_if_free=False)

    def _assign(self, body, role: Role, user_id, context, *, only_if_free: bool) -> None:
        channel_id = (body.get("channel") or {}).get("id")
        with self.services.db.transaction() as session:
            incident = incidents.find_by_channel(session, channel_id) if channel_id else None
            if incident is None:
                context["follow_up"] = {"tell": "This message is not an incident's headline."}
                return
            try:
                entry = incidents.assign_role(
                    session,
                    incident.id,
                    role,
                    user_id,
                    by=body["user"]["id"],
                    at=self.services.now(),
                    only_if_free=only_if_free,
                )
            except IncidentError as error:
                context["follow_up"] = {"tell": blocks.incident_error(error)}
                return
        context["follow_up"] = {"publish": entry.id}

    def done(self, context: BoltContext, respond: Respond) -> None:
        follow_up(self.services, context.get("follow_up") or {}, respond)

    # the "Add to incident timeline" message shortcut

    def open_attach_form(self, body: dict) -> None:
        user_id = body["user"]["id"]
        with self.services.db.transaction() as session:
            open_now = incidents.open_incidents(session)
        choices = visible_to(self.services.slack, user_id, open_now)
        message = {**body["message"], "channel": body["channel"]["id"]}
        self.services.slack.open_view(body["trigger_id"], forms.attach_modal(choices, message))

    def ack_attach_form(self, ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
        chosen = _field(view["state"]["values"], "incident").get("selected_option") or {}
        if not chosen:
            ack(response_action="errors", errors={"incident": "Pick the incident."})
            return
        message = json.loads(view["private_metadata"])
        with self.services.db.transaction() as session:
            entry = timeline.attach(
                session,
                int(chosen["value"]),
                text=message["text"],
                author_id=message["user"],
                at=slack_time(message["ts"]),
                by=body["user"]["id"],
                source={"channel": message["channel"], "ts": message["ts"]},
            )
        ack()
        context["follow_up"] = {
            "publish": entry.id,
            "permalink_for": message,
            "attached_by": body["user"]["id"],
        }

    def attached(self, context: BoltContext) -> None:
        wanted = context["follow_up"]
        message = wanted["permalink_for"]
        permalink = self.services.slack.permalink(message["channel"], message["ts"])
        with self.services.db.transaction() as session:
            timeline.add_details(session, wanted["publish"], permalink=permalink)
        failures = publish(self.services, wanted["publish"])
        if failures:
            self.services.slack.tell(
                message["channel"],
                wanted["attached_by"],
                "The message is on the timeline, but " + "; ".join(failures) + ".",
            )

    # App Home

    def home_opened(self, event: dict) -> None:
        user_id = event["user"]
        with self.services.db.transaction() as session:
            open_now = incidents.open_incidents(session)
        shown = visible_to(self.services.slack, user_id, open_now)
        self.services.slack.publish_home(user_id, forms.app_home(shown))


def _field(values: dict, block_id: str) -> dict:
    """The one element's state in an input block; empty when Slack left it out."""
    return next(iter(values.get(block_id, {}).values()), {})
