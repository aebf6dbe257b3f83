"""Bolt listeners: acknowledge, parse, call a use case, answer. Nothing more lives here."""

import logging

from slack_bolt import Ack, App, Respond
from sqlalchemy.exc import SQLAlchemyError

from warroom import commands, incidents
from warroom.commands import CommandError, Declare, DeclareForm, FormErrors, Help
from warroom.models import Incident
from warroom.slack import blocks
from warroom.slack.provision import provision
from warroom.slack.services import Services

log = logging.getLogger(__name__)

UNAVAILABLE = (
    "warroom cannot reach its database right now, so nothing was recorded. "
    "Try again in a minute; if this persists, the warroom operators need to look at it."
)


def register(app: App, services: Services) -> None:
    handlers = Handlers(services)
    app.command("/incident")(handlers.incident_command)
    app.view(blocks.DECLARE_CALLBACK)(handlers.declare_submitted)


class Handlers:
    def __init__(self, services: Services):
        self.services = services

    def incident_command(self, ack: Ack, command: dict, respond: Respond) -> None:
        try:
            parsed = commands.parse(command.get("text", ""))
        except CommandError as error:
            ack(text=blocks.command_error(error))
            return
        if isinstance(parsed, Help):
            ack(text=blocks.help_text())
        elif isinstance(parsed, Declare) and parsed.title is None:
            ack()
            modal = blocks.declare_modal(
                parsed.severity or self.services.settings.warroom_default_severity,
                command["channel_id"],
            )
            self.services.slack.open_view(command["trigger_id"], modal)
        else:
            form = DeclareForm(
                title=parsed.title,
                severity=parsed.severity or self.services.settings.warroom_default_severity,
            )
            incident = self._open_incident(form, command["user_id"])
            if incident is None:
                ack(text=UNAVAILABLE)
                return
            ack(text=f"Declaring {incident.reference} ({form.severity.label}) ...")
            respond(provision(self.services, incident.id).report())

    def declare_submitted(self, ack: Ack, body: dict, view: dict) -> None:
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
        user_id = body["user"]["id"]
        incident = self._open_incident(form, user_id)
        if incident is None:
            ack(response_action="errors", errors={"title": UNAVAILABLE})
            return
        ack()
        setup = provision(self.services, incident.id)
        where = view.get("private_metadata") or setup.channel_id
        if where:
            self.services.slack.tell(where, user_id, setup.report())

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


def _field(values: dict, block_id: str) -> dict:
    """The one element's state in an input block; empty when Slack left it out."""
    return next(iter(values.get(block_id, {}).values()), {})
