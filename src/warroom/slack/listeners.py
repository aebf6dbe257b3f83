"""Bolt listeners: acknowledge, parse, call a use case, answer. Nothing more lives here.

The app runs with `process_before_response`: an event is acknowledged only once it is
recorded, so a failure makes Slack deliver it again. Commands and forms therefore split in
two: the acknowledgement (parse, record in the database, answer within Slack's 3 seconds) and
a lazy follow-up that does the slower Slack work.
"""

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from sqlalchemy.exc import SQLAlchemyError

from warroom import commands, incidents, timeline
from warroom.commands import CommandError, Declare, DeclareForm, FormErrors, Help
from warroom.domain import Severity
from warroom.models import Incident
from warroom.slack import blocks, capture
from warroom.slack.provision import provision
from warroom.slack.services import Services

log = logging.getLogger(__name__)

UNAVAILABLE = (
    "warroom cannot reach its database right now, so nothing was recorded. "
    "Try again in a minute; if this persists, the warroom operators need to look at it."
)


def register(app: App, services: Services) -> None:
    handlers = Handlers(services)
    app.command("/incident")(ack=handlers.ack_command, lazy=[handlers.follow_up_command])
    app.view(blocks.DECLARE_CALLBACK)(
        ack=handlers.ack_declare_form, lazy=[handlers.follow_up_declare_form]
    )
    app.event("message")(handlers.message)
    for highlight in ("reaction_added", "reaction_removed", "pin_added", "pin_removed"):
        app.event(highlight)(handlers.highlight)


class Handlers:
    def __init__(self, services: Services):
        self.services = services

    # /incident ...

    def ack_command(self, ack: Ack, command: dict, context: BoltContext) -> None:
        try:
            parsed = commands.parse(command.get("text", ""))
        except CommandError as error:
            _answer(ack, blocks.command_error(error))
            return
        if isinstance(parsed, Help):
            _answer(ack, blocks.help_text())
        elif isinstance(parsed, Declare) and parsed.title is None:
            ack()
            severity = parsed.severity or self.services.settings.warroom_default_severity
            context["follow_up"] = {"open_declare_modal": severity.value}
        else:
            form = DeclareForm(
                title=parsed.title,
                severity=parsed.severity or self.services.settings.warroom_default_severity,
            )
            incident = self._open_incident(form, command["user_id"])
            if incident is None:
                _answer(ack, UNAVAILABLE)
                return
            _answer(ack, f"Declaring {incident.reference} ({form.severity.label}) ...")
            context["follow_up"] = {"provision": incident.id}

    def follow_up_command(self, command: dict, context: BoltContext, respond: Respond) -> None:
        follow_up = context.get("follow_up") or {}
        if "open_declare_modal" in follow_up:
            severity = Severity(follow_up["open_declare_modal"])
            modal = blocks.declare_modal(severity, command["channel_id"])
            self.services.slack.open_view(command["trigger_id"], modal)
        elif "provision" in follow_up:
            respond(provision(self.services, follow_up["provision"]).report())

    # the declare form

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
        incident = self._open_incident(form, body["user"]["id"])
        if incident is None:
            ack(response_action="errors", errors={"title": UNAVAILABLE})
            return
        notice = blocks.notice_view(f"Declaring {incident.reference} ({form.severity.label}) ...")
        ack(response_action="update", view=notice)
        context["follow_up"] = {"provision": incident.id}

    def follow_up_declare_form(self, view: dict, context: BoltContext) -> None:
        """The form stays open on a notice; it ends by saying how the setup went."""
        setup = provision(self.services, context["follow_up"]["provision"])
        self.services.slack.update_view(view["id"], blocks.notice_view(setup.report()))

    def _open_incident(self, form: DeclareForm, user_id: str) -> Incident | None:
        """Record the incident; None when the database is out of reach."""
        try:
            with self.services.db.transaction() as session:
                return incidents.open_incident(
                    session,
                    title=form.title,
                    severity=form.severity,
                    declared_by=user_id,
                    at=self.services.now(),
                    description=form.description,
                    is_private=form.is_private,
                )
        except SQLAlchemyError:
            log.exception("recording a declared incident failed")
            return None

    # events: recorded before they are acknowledged; an exception means Slack retries

    def message(self, body: dict, event: dict) -> None:
        with self.services.db.transaction() as session:
            if timeline.claim_event(session, body["event_id"], self.services.now()):
                capture.capture_message(session, event)

    def highlight(self, body: dict, event: dict) -> None:
        emoji = self.services.settings.warroom_highlight_emoji
        with self.services.db.transaction() as session:
            if timeline.claim_event(session, body["event_id"], self.services.now()):
                capture.capture_highlight(session, event, emoji)


def _answer(ack: Ack, text: str) -> None:
    """Acknowledge a command with a message only the person who typed it sees."""
    ack(response_type="ephemeral", text=text)


def _field(values: dict, block_id: str) -> dict:
    """The one element's state in an input block; empty when Slack left it out."""
    return next(iter(values.get(block_id, {}).values()), {})
