"""Bolt listeners for `/incident` and for Slack events. Listeners stay thin: parse, call a
use case, answer.

The app runs with `process_before_response`: a request is acknowledged when its listener
returns, so an event that could not be recorded gets an error and Slack delivers it again.
Commands therefore come in two halves: the acknowledgement (parse, record in the database,
answer within Slack's 3 seconds) and a follow-up on another thread that does the slower
Slack work, told what to do through `context["follow_up"]`.
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import Ack, App, BoltContext, Respond
from sqlalchemy.exc import SQLAlchemyError

from warroom import incidents, postmortem, timeline
from warroom.domain.incident import Severity
from warroom.incidents import IncidentError
from warroom.slack import action_views, blocks, capture, commands, forms, interactions
from warroom.slack.action_items import ActionItems
from warroom.slack.commands import (
    AddAction,
    AddNote,
    AssignRole,
    ChangeSeverity,
    CommandError,
    Declare,
    DeclareForm,
    Help,
    ListActions,
    ListIncidents,
    Mitigated,
    PostUpdate,
    Rename,
    Reopen,
    Resolve,
    ShowStatus,
    ShowTimeline,
    Sync,
    WritePostmortem,
)
from warroom.slack.follow_up import follow_up, teller
from warroom.slack.interactions import open_notes_form
from warroom.slack.provision import open_incident
from warroom.slack.services import Services
from warroom.store.group_commit import GroupCommit
from warroom.store.models import Incident

log = logging.getLogger(__name__)

# Each change command and the use case that records it.
CHANGES = {
    AssignRole: lambda s, i, c, by, at: incidents.assign_role(
        s, i, c.role, c.user_id, by=by, at=at
    ),
    PostUpdate: lambda s, i, c, by, at: incidents.post_update(s, i, c.status, c.text, by=by, at=at),
    ChangeSeverity: lambda s, i, c, by, at: incidents.change_severity(
        s, i, c.severity, c.reason, by=by, at=at
    ),
    Rename: lambda s, i, c, by, at: incidents.rename(s, i, c.title, by=by, at=at),
    Mitigated: lambda s, i, c, by, at: incidents.mark_mitigated(s, i, c.note, by=by, at=at),
    Resolve: lambda s, i, c, by, at: incidents.resolve(s, i, c.summary, by=by, at=at),
    Reopen: lambda s, i, c, by, at: incidents.reopen(s, i, by=by, at=at),
    AddNote: lambda s, i, c, by, at: timeline.add_note(s, i, c.text, by=by, at=at),
}


def register(app: App, services: Services) -> None:
    # Bolt tries listeners in the order registered, and matching one costs about as much
    # as our own work: the busiest (channel messages, then commands) come first.
    events = Events(services)
    app.event("message")(events.message)
    commands_ = IncidentCommand(services)
    app.command("/incident")(commands_.acknowledge)
    for highlight in ("reaction_added", "reaction_removed", "pin_added", "pin_removed"):
        app.event(highlight)(events.highlight)
    interactions.register(app, services)
    commands_.action_items.register(app)


def answer(ack: Ack, text: str) -> None:
    """Acknowledge with a message only the person who acted sees."""
    ack(response_type="ephemeral", text=text)


FOLLOW_UP_FAILED = (
    ":warning: warroom recorded your command but failed while finishing it in Slack; the "
    "error is logged for the operators. Check the incident's channel, and run the command "
    "again if something is missing."
)


class IncidentCommand:
    """Answers within the acknowledgement; what needs more Slack calls runs after it.

    Not with Bolt's lazy listeners: they copy the whole request, deeply, for every command,
    which was three quarters of the cost of `/incident help`. Only a command that left work
    in `context["follow_up"]` starts any.
    """

    def __init__(self, services: Services):
        self.services = services
        self.action_items = ActionItems(services)
        self.follow_ups = ThreadPoolExecutor(thread_name_prefix="follow-up")

    def acknowledge(self, ack: Ack, command: dict, context: BoltContext, respond: Respond) -> None:
        caller, text = command["user_id"], command.get("text", "")
        try:
            parsed = commands.parse(text, caller, self.services.now().date())
        except CommandError as error:
            answer(ack, blocks.command_error(error))
            return
        try:
            self._dispatch(parsed, command, ack, context)
        except SQLAlchemyError:
            log.exception("`/incident %s` could not reach the database", text.split(" ")[0])
            answer(ack, blocks.UNAVAILABLE)
            return
        if context.get("follow_up"):
            self.follow_ups.submit(self.follow_up, command, context["follow_up"], respond)

    def _dispatch(self, parsed, command: dict, ack: Ack, context: BoltContext) -> None:
        caller = command["user_id"]
        incident = None
        if parsed.needs_incident_channel:
            with self.services.db.transaction() as session:
                incident = incidents.find_by_channel(session, command["channel_id"])
            if incident is None:
                answer(ack, blocks.needs_incident_channel(command.get("text", "").split()[0]))
                return
        if isinstance(parsed, Help):
            answer(ack, blocks.help_text())
        elif isinstance(parsed, Declare):
            self._declare(parsed, caller, ack, context)
        elif isinstance(parsed, ListIncidents):
            ack()
            context["follow_up"] = {"list_for": caller}
        elif isinstance(parsed, AddAction | ListActions):
            self.action_items.command(parsed, incident, command, ack, context)
        elif isinstance(parsed, ShowStatus):
            answer(ack, self._status(incident))
        elif isinstance(parsed, ShowTimeline):
            self._timeline(parsed, incident, ack)
        elif isinstance(parsed, WritePostmortem):
            self._postmortem(parsed, incident, ack, context)
        elif isinstance(parsed, Sync):
            answer(ack, f"Fetching the messages of {incident.reference} I may have missed ...")
            context["follow_up"] = {"sync": incident.id}
        else:
            self._change(parsed, incident, caller, ack, context)

    def _declare(self, parsed: Declare, caller: str, ack: Ack, context: BoltContext) -> None:
        severity = parsed.severity or self.services.settings.warroom_default_severity
        if parsed.title is None:
            ack()
            context["follow_up"] = {"open_declare_modal": severity.value}
            return
        incident = open_incident(
            self.services, DeclareForm(title=parsed.title, severity=severity), caller
        )
        answer(ack, f"Declaring {incident.reference} ({severity.label}) ...")
        context["follow_up"] = {"provision": incident.id}

    def _change(self, parsed, incident: Incident, caller: str, ack: Ack, context) -> None:
        record = CHANGES[type(parsed)]
        try:
            entry = self.services.change(
                incident.id,
                lambda session: record(session, incident.id, parsed, caller, self.services.now()),
            )
        except IncidentError as error:
            answer(ack, blocks.incident_error(error))
            return
        answer(ack, f"Recorded on {incident.reference}'s timeline.")
        context["follow_up"] = {"publish": entry.id}

    def _status(self, incident: Incident) -> str:
        return blocks.status_summary(incident, self.services.now(), incident.last_update_at)

    def _postmortem(self, parsed: WritePostmortem, incident: Incident, ack: Ack, context) -> None:
        if parsed.step == "edit":
            ack()
            context["follow_up"] = {"open_notes_form": incident.id}
            return
        if parsed.step == "review":
            try:
                self.services.change(
                    incident.id,
                    lambda session: postmortem.set_status(session, incident.id, "in_review"),
                )
            except IncidentError as error:
                answer(ack, blocks.incident_error(error))
                return
        if parsed.step == "publish":
            if incident.is_open:
                answer(ack, f":warning: Resolve {incident.reference} before publishing.")
                return
            answer(ack, f"Publishing the postmortem of {incident.reference} ...")
            context["follow_up"] = {"publish_postmortem": incident.id}
            return
        answer(ack, f"Drafting the postmortem of {incident.reference} ...")
        context["follow_up"] = {"postmortem": incident.id}

    def _timeline(self, parsed: ShowTimeline, incident: Incident, ack: Ack) -> None:
        with self.services.db.transaction() as session:
            entries = timeline.entries(session, incident.id, highlighted_only=not parsed.everything)
        text, page = blocks.timeline_page(incident, entries, parsed.everything, parsed.page)
        ack(response_type="ephemeral", text=text, blocks=page)

    def follow_up(self, command: dict, wanted: dict, respond: Respond) -> None:
        try:
            self._follow_up(command, wanted, respond)
        except Exception:
            log.exception("the follow-up of `/incident %s` failed", command.get("text", ""))
            respond(text=FOLLOW_UP_FAILED, response_type="ephemeral", replace_original=False)

    def _follow_up(self, command: dict, wanted: dict, respond: Respond) -> None:
        if "open_declare_modal" in wanted:
            modal = forms.declare_modal(Severity(wanted["open_declare_modal"]))
            self.services.slack.open_view(command["trigger_id"], modal)

        elif "open_notes_form" in wanted:
            open_notes_form(self.services, command["trigger_id"], wanted["open_notes_form"])
        elif "open_action_form" in wanted:
            form = action_views.item_form(wanted["open_action_form"])
            self.services.slack.open_view(command["trigger_id"], form)
        else:
            follow_up(self.services, wanted, teller(self.services, command, respond))


class Events:
    """Recorded before they are acknowledged: an exception means Slack delivers again."""

    def __init__(self, services: Services):
        self.services = services
        # An incident's channel never changes hands: once found, the mapping is kept.
        # Channels that are no incident's are asked again each time.
        self.incident_of_channel: dict[str, int] = {}
        self.new_messages = GroupCommit(services.db, timeline.record_messages)

    def message(self, body: dict, event: dict) -> None:
        with self.services.recording_events():
            incident_id = self._incident_of(event.get("channel"))
            if incident_id is None:
                return
            if event.get("subtype") in capture.CHANGE_SUBTYPES:
                self._change(body["event_id"], event, incident_id)
            # A new message is its own key (channel + ts): a re-delivery or a copy under
            # another event id inserts nothing.
            elif row := capture.new_message(event, incident_id, self.services.slack.is_own):
                self.new_messages.write(row)

    def _change(self, event_id: str, event: dict, incident_id: int) -> None:
        """An edit or a deletion, keyed by its event id: a re-delivery changes nothing."""
        with self.services.db.transaction() as session:
            if timeline.claim_event(session, event_id, self.services.now()):
                capture.capture_change(session, event, incident_id, self.services.slack.is_own)

    def _incident_of(self, channel_id: str | None) -> int | None:
        if channel_id and channel_id not in self.incident_of_channel:
            with self.services.db.transaction() as session:
                found = incidents.id_for_channel(session, channel_id)
            if found is None:
                return None
            self.incident_of_channel[channel_id] = found
        return self.incident_of_channel.get(channel_id)

    def highlight(self, body: dict, event: dict) -> None:
        emoji = self.services.settings.warroom_highlight_emoji
        with self.services.recording_events(), self.services.db.transaction() as session:
            if timeline.claim_event(session, body["event_id"], self.services.now()):
                capture.capture_highlight(session, event, emoji)
