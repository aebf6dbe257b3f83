"""Buttons, pickers, forms and the App Home tab."""

import functools
import json
import re

from slack_bolt import Ack, App, BoltContext, Respond
from sqlalchemy.exc import SQLAlchemyError

from warroom.app import alerts, milestones, nags, paging, postmortems
from warroom.app import incidents as running
from warroom.app.alerts import AlreadyDeclared
from warroom.app.postmortem_draft import gather
from warroom.domain.incident import IncidentError, Role, Severity, Status
from warroom.domain.milestones import Milestone
from warroom.slack import blocks, form_values, forms, postmortem_views
from warroom.slack.alert_prompts import DECLARE_FROM_ALERT
from warroom.slack.capture import slack_time
from warroom.slack.follow_up import just_ack, teller
from warroom.slack.forms import input_value
from warroom.slack.nags import POST_UPDATE_BUTTON, SNOOZE_BUTTON
from warroom.slack.pages import OFFER_IC_ACTION
from warroom.slack.services import Services
from warroom.slack.visibility import visible_to
from warroom.store import alert_groups, incidents, timeline

MARK_IMPACT_STARTED = "mark_impact_started"  # the message shortcut


def register(app: App, services: Services) -> None:
    handlers = Interactions(services)
    app.view(forms.DECLARE_CALLBACK)(handlers.declare_form_submitted)
    app.action(re.compile(f"^{blocks.CLAIM_ACTION}"))(ack=handlers.claim_role, lazy=[handlers.tell])
    app.action(re.compile(f"^{blocks.ASSIGN_ACTION}"))(
        ack=handlers.assign_role, lazy=[handlers.tell]
    )
    app.action(re.compile(f"^{OFFER_IC_ACTION}"))(ack=handlers.accept_ic, lazy=[handlers.tell])
    app.action(blocks.ESCALATE_ACTION)(ack=handlers.escalate, lazy=[handlers.tell])
    app.action(forms.DECLARE_BUTTON)(ack=just_ack, lazy=[handlers.open_declare_form])
    app.action(DECLARE_FROM_ALERT)(ack=just_ack, lazy=[handlers.open_declare_form_for_alerts])
    app.event("app_home_opened")(handlers.home_opened)
    app.shortcut("add_to_timeline")(ack=just_ack, lazy=[handlers.open_attach_form])
    app.view(forms.ATTACH_CALLBACK)(handlers.attach_form_submitted)
    app.shortcut(MARK_IMPACT_STARTED)(ack=just_ack, lazy=[handlers.mark_impact_started])
    app.action(SNOOZE_BUTTON)(ack=handlers.snooze, lazy=[handlers.tell])
    app.action(POST_UPDATE_BUTTON)(ack=just_ack, lazy=[handlers.open_update_form])
    app.view(forms.UPDATE_CALLBACK)(handlers.update_form_submitted)
    app.action(postmortem_views.EDIT_BUTTON)(ack=just_ack, lazy=[handlers.open_notes_form])
    app.view(postmortem_views.NOTES_CALLBACK)(handlers.notes_form_submitted)


class Interactions:
    """Each acknowledgement records what was asked; the outbox shows it in Slack. A click
    whose outcome the person should hear leaves it in `context["tell"]` for `tell`."""

    def __init__(self, services: Services):
        self.services = services

    def tell(self, body: dict, context: BoltContext, respond: Respond) -> None:
        if "tell" in context:
            teller(self.services, body, respond)(context["tell"])

    # the declare form

    def open_declare_form(self, body: dict) -> None:
        self._open_declare_form(body["trigger_id"])

    def open_declare_form_for_alerts(self, body: dict, action: dict) -> None:
        """The alert prompt's button: the form filled in from the group's alerts."""
        with self.services.db.transaction() as session:
            group = alert_groups.get(session, int(action["value"]))
        prefilled = forms.Prefilled(
            title=group.title,
            severity=Severity(group.severity),
            services=[group.service] if group.service in self.services.catalog.services() else [],
            metadata={"alert_group": group.id},
        )
        self._open_declare_form(body["trigger_id"], prefilled)

    def _open_declare_form(self, trigger_id: str, prefilled: forms.Prefilled | None = None):
        known = list(self.services.catalog.services().values())
        default = self.services.settings.warroom_default_severity
        modal = forms.declare_modal(default, known, prefilled)
        self.services.slack.open_view(trigger_id, modal)

    def declare_form_submitted(self, ack: Ack, body: dict, view: dict) -> None:
        values = view["state"]["values"]
        try:
            form = form_values.declare_form(
                title=input_value(values, "title").get("value"),
                severity=(input_value(values, "severity").get("selected_option") or {}).get(
                    "value"
                ),
                description=input_value(values, "description").get("value"),
                ticked={
                    o["value"] for o in input_value(values, "private").get("selected_options") or []
                },
                started=input_value(values, "started").get("value"),
                now=self.services.now(),
                services=[
                    option["value"]
                    for option in input_value(values, "services").get("selected_options") or []
                ],
            )
        except form_values.FormErrors as error:
            ack(response_action="errors", errors=error.errors)
            return
        _, unknown = self.services.catalog.find(form.services)
        if unknown:
            gone = f"{', '.join(unknown)} is no longer in the catalog: pick again."
            ack(response_action="errors", errors={"services": gone})
            return
        metadata = json.loads(view.get("private_metadata") or "{}")
        group_id = metadata.get("alert_group")
        try:
            # The form stays open on a notice, which the setup's report replaces.
            declare = running.declare
            if group_id is not None:
                declare = functools.partial(alerts.declare_from, group_id=group_id)
            declared = declare(
                self.services.core,
                title=form.title,
                severity=form.severity,
                by=body["user"]["id"],
                description=form.description,
                is_private=form.is_private,
                is_drill=form.is_drill,
                impact_started_at=form.impact_started_at,
                services=form.services,
                reply_to={"view_id": view["id"]},
            )
        except AlreadyDeclared as already:
            ack(response_action="errors", errors={"title": str(already)})
            return
        except IncidentError as error:
            ack(response_action="errors", errors={"started": str(error)})
            return
        except SQLAlchemyError:
            ack(response_action="errors", errors={"title": blocks.UNAVAILABLE})
            return
        notice = f"Declaring INC-{declared.incident_id} ({form.severity.label}) ..."
        ack(response_action="update", view=forms.notice_view(notice))

    # the role buttons and pickers on the headline

    def claim_role(self, ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        self._assign(body, Role(action["value"]), body["user"]["id"], context, only_if_free=True)

    def assign_role(self, ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        role = Role(action["action_id"].removeprefix(blocks.ASSIGN_ACTION))
        self._assign(body, role, action.get("selected_user"), context, only_if_free=False)

    def accept_ic(self, ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        """A "Make them IC" button on the news of a page."""
        ack()
        self._assign(body, Role.IC, action["value"], context, only_if_free=True)

    def escalate(self, ack: Ack, body: dict, context: BoltContext) -> None:
        """The headline's "Page on-call": every affected service that can be paged."""
        ack()
        incident = self._incident_of(body, context)
        if incident is None:
            return
        try:
            paging.request_page(
                self.services.core,
                self.services.catalog,
                incident.id,
                [],
                "Escalated from the incident channel",
                by=body["user"]["id"],
            )
        except IncidentError as error:
            context["tell"] = blocks.incident_error(error)

    def _incident_of(self, body: dict, context: BoltContext):
        """The incident whose channel the clicked message is in (None: told why)."""
        channel_id = (body.get("channel") or {}).get("id")
        with self.services.db.transaction() as session:
            incident = incidents.find_by_channel(session, channel_id) if channel_id else None
        if incident is None:
            context["tell"] = "This message is not an incident's headline."
        return incident

    def _assign(self, body, role: Role, user_id, context, *, only_if_free: bool) -> None:
        incident = self._incident_of(body, context)
        if incident is None:
            return
        try:
            running.assign_role(
                self.services.core,
                incident.id,
                role,
                user_id,
                by=body["user"]["id"],
                only_if_free=only_if_free,
            )
        except IncidentError as error:
            context["tell"] = blocks.incident_error(error)

    # the "Add to incident timeline" message shortcut

    def open_attach_form(self, body: dict) -> None:
        user_id = body["user"]["id"]
        with self.services.db.transaction() as session:
            open_now = incidents.open_incidents(session)
        choices = visible_to(self.services.slack, user_id, open_now)
        message = {**body["message"], "channel": body["channel"]["id"]}
        self.services.slack.open_view(body["trigger_id"], forms.attach_modal(choices, message))

    def attach_form_submitted(self, ack: Ack, body: dict, view: dict) -> None:
        chosen = input_value(view["state"]["values"], "incident").get("selected_option") or {}
        if not chosen:
            ack(response_action="errors", errors={"incident": "Pick the incident."})
            return
        message = json.loads(view["private_metadata"])
        running.attach_message(
            self.services.core,
            int(chosen["value"]),
            text=message["text"],
            author_id=message["user"],
            at=slack_time(message["ts"]),
            by=body["user"]["id"],
            channel=message["channel"],
            ts=message["ts"],
        )
        ack()

    # the "Mark as impact start" message shortcut

    def mark_impact_started(self, body: dict, respond: Respond) -> None:
        tell = teller(self.services, body, respond)
        channel, ts = body["channel"]["id"], body["message"]["ts"]
        at = slack_time(ts)
        with self.services.db.transaction() as session:
            incident_id = incidents.id_for_channel(session, channel) or timeline.attached_to(
                session, channel, ts, at
            )
        if incident_id is None:
            tell(
                "That message is neither in an incident's channel nor attached to an "
                "incident. Attach it first (its menu, then *Add to incident timeline*), "
                "then mark it again."
            )
            return
        try:
            milestones.set_milestone(
                self.services.core,
                incident_id,
                Milestone.IMPACT_STARTED,
                at.replace(microsecond=0),
                by=body["user"]["id"],
            )
        except IncidentError as error:
            tell(blocks.incident_error(error))
            return
        tell(f"Impact start of INC-{incident_id} set to {at:%Y-%m-%d %H:%M:%S} UTC.")

    # the nags' buttons

    def snooze(self, ack: Ack, action: dict, context: BoltContext) -> None:
        ack()
        held = nags.snooze(self.services.core, int(action["value"]))
        context["tell"] = (
            f"Snoozed until {held:%Y-%m-%d %H:%M} UTC."
            if held
            else "That nag has already stopped: nothing to snooze."
        )

    def open_update_form(self, body: dict, action: dict, respond: Respond) -> None:
        try:
            with self.services.db.transaction() as session:
                incident = incidents.get(session, _incident_id(action.get("value")))
        except IncidentError as error:
            teller(self.services, body, respond)(blocks.incident_error(error))
            return
        self.services.slack.open_view(body["trigger_id"], forms.update_modal(incident))

    def update_form_submitted(self, ack: Ack, body: dict, view: dict) -> None:
        values, incident_id = view["state"]["values"], int(view["private_metadata"])
        text = (input_value(values, "text").get("value") or "").strip()
        if not text:
            ack(response_action="errors", errors={"text": "Say what we know, even if little."})
            return
        status = (input_value(values, "status").get("selected_option") or {}).get("value")
        try:
            running.post_update(
                self.services.core,
                incident_id,
                Status(status) if status else None,
                text,
                by=body["user"]["id"],
            )
        except IncidentError as error:
            ack(response_action="errors", errors={"text": str(error)})
            return
        ack()

    # the postmortem's notes form

    def open_notes_form(self, body: dict, action: dict, respond: Respond) -> None:
        try:
            open_notes_form(self.services, body["trigger_id"], _incident_id(action.get("value")))
        except IncidentError as error:
            teller(self.services, body, respond)(blocks.incident_error(error))

    def notes_form_submitted(self, ack: Ack, body: dict, view: dict) -> None:
        incident_id, values = int(view["private_metadata"]), view["state"]["values"]
        fields = {
            name: input_value(values, name).get("value") or ""
            for name in postmortem_views.NOTE_QUESTIONS
        }
        postmortems.save_notes(self.services.core, incident_id, by=body["user"]["id"], **fields)
        ack()

    # App Home

    def home_opened(self, event: dict) -> None:
        user_id = event["user"]
        with self.services.db.transaction() as session:
            open_now = incidents.open_incidents(session)
        shown = visible_to(self.services.slack, user_id, open_now)
        self.services.slack.publish_home(user_id, forms.app_home(shown))


def open_notes_form(services: Services, trigger_id: str, incident_id: int) -> None:
    with services.db.transaction() as session:
        draft = gather(session, incident_id)
    form = postmortem_views.notes_form(incident_id, draft.reference, draft.notes)
    services.slack.open_view(trigger_id, form)


def _incident_id(value) -> int:
    """The incident a button names; a sentence when it names none."""
    if not str(value or "").isdecimal():
        raise IncidentError("That button does not name an incident.")
    return int(value)
