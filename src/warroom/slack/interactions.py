"""Buttons, pickers, forms and the App Home tab."""

import json
import re

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from warroom import incidents, postmortem, reminders, timeline
from warroom.domain.incident import Role, Status
from warroom.incidents import IncidentError
from warroom.slack import blocks, commands, forms, nags, postmortem_views
from warroom.slack.capture import slack_time
from warroom.slack.commands import FormErrors
from warroom.slack.follow_up import follow_up, just_ack, teller
from warroom.slack.forms import input_value
from warroom.slack.gateway import slack_error
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
    app.action(forms.DECLARE_BUTTON)(ack=just_ack, lazy=[handlers.open_declare_form])
    app.event("app_home_opened")(handlers.home_opened)
    app.shortcut("add_to_timeline")(ack=just_ack, lazy=[handlers.open_attach_form])
    app.view(forms.ATTACH_CALLBACK)(ack=handlers.ack_attach_form, lazy=[handlers.attached])
    app.action(nags.SNOOZE_BUTTON)(ack=handlers.snooze, lazy=[handlers.done])
    app.action(nags.POST_UPDATE_BUTTON)(ack=just_ack, lazy=[handlers.open_update_form])
    app.view(forms.UPDATE_CALLBACK)(ack=handlers.ack_update_form, lazy=[handlers.done])
    app.action(postmortem_views.EDIT_BUTTON)(ack=just_ack, lazy=[handlers.open_notes_form])
    app.view(postmortem_views.NOTES_CALLBACK)(ack=handlers.ack_notes_form, lazy=[handlers.done])


class Interactions:
    def __init__(self, services: Services):
        self.services = services

    # the declare form

    def open_declare_form(self, body: dict) -> None:
        modal = forms.declare_modal(self.services.settings.warroom_default_severity)
        self.services.slack.open_view(body["trigger_id"], modal)

    def ack_declare_form(self, ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
        values = view["state"]["values"]
        try:
            form = commands.declare_form(
                title=input_value(values, "title").get("value"),
                severity=(input_value(values, "severity").get("selected_option") or {}).get(
                    "value"
                ),
                description=input_value(values, "description").get("value"),
                private=bool(input_value(values, "private").get("selected_options")),
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
        if "follow_up" not in context:
            return  # the form came back with errors; nothing was declared
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
            entry = self.services.change(
                incident.id,
                lambda session: incidents.assign_role(
                    session,
                    incident.id,
                    role,
                    user_id,
                    by=body["user"]["id"],
                    at=self.services.now(),
                    only_if_free=only_if_free,
                ),
            )
        except IncidentError as error:
            context["follow_up"] = {"tell": blocks.incident_error(error)}
            return
        context["follow_up"] = {"publish": entry.id}

    def done(self, body: dict, context: BoltContext, respond: Respond) -> None:
        tell = teller(self.services, body, respond)
        follow_up(self.services, context.get("follow_up") or {}, tell)

    # the "Add to incident timeline" message shortcut

    def open_attach_form(self, body: dict) -> None:
        user_id = body["user"]["id"]
        with self.services.db.transaction() as session:
            open_now = incidents.open_incidents(session)
        choices = visible_to(self.services.slack, user_id, open_now)
        message = {**body["message"], "channel": body["channel"]["id"]}
        self.services.slack.open_view(body["trigger_id"], forms.attach_modal(choices, message))

    def ack_attach_form(self, ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
        chosen = input_value(view["state"]["values"], "incident").get("selected_option") or {}
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
        wanted = context.get("follow_up")
        if wanted is None:
            return  # no incident was picked
        message, person = wanted["permalink_for"], wanted["attached_by"]
        problems = []
        try:
            permalink = self.services.slack.permalink(message["channel"], message["ts"])
        except SlackApiError as error:
            # A DM or a private channel warroom is not in: the message is attached all the
            # same, only without a link back to where it was said.
            problems.append(
                "it is attached without a link to the original, because warroom cannot see "
                f"that conversation (Slack said `{slack_error(error)}`)"
            )
        else:
            with self.services.db.transaction() as session:
                timeline.add_details(session, wanted["publish"], permalink=permalink)
        problems += publish(self.services, wanted["publish"])
        if problems:
            # Told directly: the conversation it came from may be one warroom cannot post in.
            text = "The message is on the timeline, but " + "; ".join(problems) + "."
            self.services.slack.post(person, text, [])

    # the nags' buttons

    def snooze(self, ack: Ack, action: dict, context: BoltContext) -> None:
        ack()
        now = self.services.now()
        with self.services.db.transaction() as session:
            held = reminders.snooze(session, int(action["value"]), now, self.services.policy)
        context["follow_up"] = {
            "tell": f"Snoozed until {held.due_at:%Y-%m-%d %H:%M} UTC."
            if held
            else "That nag has already stopped: nothing to snooze."
        }

    def open_update_form(self, body: dict, action: dict, respond: Respond) -> None:
        try:
            with self.services.db.transaction() as session:
                incident = incidents.get(session, _incident_id(action.get("value")))
        except IncidentError as error:
            teller(self.services, body, respond)(blocks.incident_error(error))
            return
        self.services.slack.open_view(body["trigger_id"], forms.update_modal(incident))

    def ack_update_form(self, ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
        values, incident_id = view["state"]["values"], int(view["private_metadata"])
        text = (input_value(values, "text").get("value") or "").strip()
        if not text:
            ack(response_action="errors", errors={"text": "Say what we know, even if little."})
            return
        status = (input_value(values, "status").get("selected_option") or {}).get("value")
        try:
            entry = self.services.change(
                incident_id,
                lambda session: incidents.post_update(
                    session,
                    incident_id,
                    Status(status) if status else None,
                    text,
                    by=body["user"]["id"],
                    at=self.services.now(),
                ),
            )
        except IncidentError as error:
            ack(response_action="errors", errors={"text": str(error)})
            return
        ack()
        context["follow_up"] = {"publish": entry.id}

    # the postmortem's notes form

    def open_notes_form(self, body: dict, action: dict, respond: Respond) -> None:
        try:
            open_notes_form(self.services, body["trigger_id"], _incident_id(action.get("value")))
        except IncidentError as error:
            teller(self.services, body, respond)(blocks.incident_error(error))

    def ack_notes_form(self, ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
        incident_id, values = int(view["private_metadata"]), view["state"]["values"]
        fields = {
            name: input_value(values, name).get("value") or ""
            for name in postmortem_views.NOTE_QUESTIONS
        }
        with self.services.db.transaction() as session:
            postmortem.save_notes(
                session, incident_id, body["user"]["id"], self.services.now(), **fields
            )
        ack()
        context["follow_up"] = {"postmortem": incident_id}

    # App Home

    def home_opened(self, event: dict) -> None:
        user_id = event["user"]
        with self.services.db.transaction() as session:
            open_now = incidents.open_incidents(session)
        shown = visible_to(self.services.slack, user_id, open_now)
        self.services.slack.publish_home(user_id, forms.app_home(shown))


def open_notes_form(services: Services, trigger_id: str, incident_id: int) -> None:
    with services.db.transaction() as session:
        draft = postmortem.gather(session, incident_id)
    form = postmortem_views.notes_form(incident_id, draft.reference, draft.notes)
    services.slack.open_view(trigger_id, form)


def _incident_id(value) -> int:
    """The incident a button names; a sentence when it names none."""
    if not str(value or "").isdecimal():
        raise IncidentError("That button does not name an incident.")
    return int(value)
