"""Bolt listeners for `/incident` and for Slack events. Listeners stay thin: parse, call a
use case, answer.

The app runs with `process_before_response`: a request is acknowledged when its listener
returns, so an event that could not be recorded gets an error and Slack delivers it again.
A change is recorded, with the events that will show it in Slack, before the command is
acknowledged; the outbox's deliverer does the Slack work. Only answers that need Slack
calls of their own (a form to open, a list to filter, history to read) run after the
acknowledgement, on a thread of their own.
"""

import logging
from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from warroom.app import incidents as running
from warroom.app import milestones, paging, postmortems
from warroom.domain.incident import IncidentError, Severity
from warroom.slack import blocks, capture, commands, forms, interactions, timeline_blocks
from warroom.slack.action_items import ActionItems
from warroom.slack.command_types import (
    AddAction,
    AddNote,
    AssignRole,
    ChangeSeverity,
    CommandError,
    Declare,
    Help,
    ListActions,
    ListIncidents,
    Mitigated,
    Page,
    PostUpdate,
    PublishStatus,
    Rename,
    Reopen,
    Resolve,
    SetMilestone,
    ShowStatus,
    ShowTimeline,
    Sync,
    WritePostmortem,
)
from warroom.slack.follow_up import FollowUp, list_incidents, sync, teller
from warroom.slack.gateway import slack_error
from warroom.slack.interactions import open_notes_form
from warroom.slack.services import Services
from warroom.slack.status_page import StatusPageForms
from warroom.store import incidents, timeline
from warroom.store.group_commit import GroupCommit
from warroom.store.models import Incident

log = logging.getLogger(__name__)

# Each change command and the use case that records it.
CHANGES = {
    AssignRole: lambda core, i, c, by: running.assign_role(core, i, c.role, c.user_id, by=by),
    PostUpdate: lambda core, i, c, by: running.post_update(core, i, c.status, c.text, by=by),
    ChangeSeverity: lambda core, i, c, by: running.change_severity(
        core, i, c.severity, c.reason, by=by
    ),
    Rename: lambda core, i, c, by: running.rename(core, i, c.title, by=by),
    Mitigated: lambda core, i, c, by: running.mark_mitigated(core, i, c.note, by=by),
    Resolve: lambda core, i, c, by: running.resolve(core, i, c.summary, by=by),
    Reopen: lambda core, i, c, by: running.reopen(core, i, by=by),
    AddNote: lambda core, i, c, by: running.add_note(core, i, c.text, by=by),
    SetMilestone: lambda core, i, c, by: milestones.set_milestone(
        core, i, c.milestone, c.at, by=by
    ),
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
    commands_.status_page.register(app)


def answer(ack: Ack, text: str) -> None:
    """Acknowledge with a message only the person who acted sees."""
    ack(response_type="ephemeral", text=text)


FOLLOW_UP_FAILED = (
    ":warning: warroom failed while answering your command; the error is logged for the "
    "operators. Anything it recorded is on the incident's timeline; run the command again "
    "if its answer is missing."
)


class IncidentCommand:
    """Answers within the acknowledgement; what needs more Slack calls runs after it.

    Not with Bolt's lazy listeners: they copy the whole request, deeply, for every command,
    which was three quarters of the cost of `/incident help`. Only a command that leaves a
    follow-up starts any.
    """

    def __init__(self, services: Services):
        self.services = services
        self.action_items = ActionItems(services)
        self.status_page = StatusPageForms(services)

    def acknowledge(self, ack: Ack, command: dict, respond: Respond) -> None:
        caller, text = command["user_id"], command.get("text", "")
        try:
            parsed = commands.parse(text, caller, self.services.now())
        except CommandError as error:
            answer(ack, blocks.command_error(error))
            return
        try:
            follow_up = self._dispatch(parsed, command, ack)
        except SQLAlchemyError:
            log.exception("`/incident %s` could not reach the database", text.split(" ")[0])
            answer(ack, blocks.UNAVAILABLE)
            return
        if follow_up is not None:
            self.services.follow_ups.submit(self._follow_up, command, follow_up, respond)

    def _dispatch(self, parsed, command: dict, ack: Ack) -> FollowUp:
        caller = command["user_id"]
        incident = None
        if parsed.needs_incident_channel:
            with self.services.db.transaction() as session:
                incident = incidents.find_by_channel(session, command["channel_id"])
            if incident is None:
                answer(ack, blocks.needs_incident_channel(command.get("text", "").split()[0]))
                return None
        if isinstance(parsed, Help):
            answer(ack, blocks.help_text())
        elif isinstance(parsed, Declare):
            return self._declare(parsed, command, ack)
        elif isinstance(parsed, ListIncidents):
            ack()
            return lambda tell: list_incidents(self.services, caller, tell)
        elif isinstance(parsed, AddAction | ListActions):
            return self.action_items.command(parsed, incident, command, ack)
        elif isinstance(parsed, ShowStatus):
            answer(ack, self._status(incident))
        elif isinstance(parsed, ShowTimeline):
            self._timeline(parsed, incident, ack)
        elif isinstance(parsed, WritePostmortem):
            return self._postmortem(parsed, incident, command, ack)
        elif isinstance(parsed, Page) and parsed.people:
            return self._page_people(parsed, incident, caller, ack)
        elif isinstance(parsed, Page):
            self._record(lambda: self._page(parsed, incident, caller), incident, ack)
        elif isinstance(parsed, PublishStatus):
            return self.status_page.command(incident, command, ack)
        elif isinstance(parsed, Sync):
            answer(ack, f"Fetching the messages of {incident.reference} I may have missed ...")
            return lambda tell: sync(self.services, incident.id, tell)
        else:
            change = CHANGES[type(parsed)]
            self._record(
                lambda: change(self.services.core, incident.id, parsed, caller), incident, ack
            )
        return None

    def _declare(self, parsed: Declare, command: dict, ack: Ack) -> FollowUp:
        severity = parsed.severity or self.services.settings.warroom_default_severity
        if parsed.title is None:
            ack()
            known = list(self.services.catalog.services().values())
            modal = forms.declare_modal(Severity(severity), known)
            return lambda _tell: self.services.slack.open_view(command["trigger_id"], modal)
        title, affected, hint = self._about(parsed.title)
        try:
            declared = running.declare(
                self.services.core,
                title=title,
                severity=severity,
                by=command["user_id"],
                impact_started_at=parsed.impact_started_at,
                services=affected,
                reply_to={"response_url": command["response_url"]},
                is_drill=parsed.drill,
            )
        except IncidentError as error:
            answer(ack, blocks.incident_error(error))
            return None
        started = parsed.impact_started_at
        facts = [*(["a drill"] if parsed.drill else []), severity.label, *affected]
        if started:
            facts.append(f"impact started {started:%Y-%m-%d %H:%M} UTC")
        notice = f"Declaring INC-{declared.incident_id} ({', '.join(facts)}) ...{hint}"
        answer(ack, notice)
        return None

    def _about(self, title: str) -> tuple[str, list[str], str]:
        """The title, the catalog services it starts with (`payments: Checkout failing`),
        and a hint when it names services the catalog does not have."""
        names, rest = commands.service_prefix(title)
        if not names or not self.services.catalog.services():
            return title, [], ""
        _, unknown = self.services.catalog.find(names)
        if not unknown:
            return rest, names, ""
        shown = ", ".join(f"`{blocks.escape(name)}`" for name in unknown)
        return (
            title,
            [],
            (
                f"\n:bulb: {shown}: no such service in the catalog, so the title keeps it "
                "(`warroom catalog check` lists the services)."
            ),
        )

    def _record(self, change: Callable[[], object], incident: Incident, ack: Ack) -> None:
        try:
            change()
        except IncidentError as error:
            answer(ack, blocks.incident_error(error))
            return
        answer(ack, f"Recorded on {incident.reference}'s timeline.")

    def _page(self, parsed: Page, incident: Incident, caller: str):
        catalog = self.services.catalog
        names, message = commands.paged_services(parsed.text, catalog.services())
        return paging.request_page(
            self.services.core, catalog, incident.id, names, message, by=caller
        )

    def _page_people(self, parsed: Page, incident: Incident, caller: str, ack: Ack) -> FollowUp:
        """A page by name needs each person's email address from Slack: asked after the
        acknowledgement, which cannot wait for Slack."""
        settings = self.services.settings
        if not (settings.warroom_pagerduty_from and settings.warroom_pagerduty_api_key):
            answer(
                ack,
                ":warning: Paging someone by name is not set up: it needs a full-access "
                "WARROOM_PAGERDUTY_API_KEY and WARROOM_PAGERDUTY_FROM. Page their service's "
                f"on-call instead: `{paging.PAGE_EXAMPLE}`.",
            )
            return None
        answer(ack, f"Paging {', '.join(map(blocks.user, parsed.people))} through PagerDuty ...")

        def page(tell) -> None:
            try:
                people = self._emails(parsed.people)
                paging.request_page(
                    self.services.core,
                    self.services.catalog,
                    incident.id,
                    [],
                    parsed.text,
                    by=caller,
                    people=people,
                )
            except IncidentError as error:
                tell(blocks.incident_error(error))
                return
            tell(f"Recorded on {incident.reference}'s timeline.")

        return page

    def _emails(self, people: list[str]) -> dict[str, str]:
        """Each person's email address, by which PagerDuty knows them."""
        slack, emails = self.services.slack, {}
        for user in people:
            try:
                emails[user] = slack.email_of(user)
            except SlackApiError as error:
                raise IncidentError(
                    f"Slack could not say who {slack.display_name(user)} is "
                    f"({slack_error(error)}); try again in a moment."
                ) from error
            if not emails[user]:
                raise IncidentError(
                    f"Slack shows no email address for {slack.display_name(user)}, and "
                    "PagerDuty knows people by theirs: page a service's on-call instead."
                )
        return emails

    def _status(self, incident: Incident) -> str:
        return blocks.status_summary(incident, self.services.now(), incident.last_update_at)

    def _postmortem(self, parsed: WritePostmortem, incident: Incident, command, ack) -> FollowUp:
        if parsed.step == "edit":
            ack()
            return lambda _tell: open_notes_form(self.services, command["trigger_id"], incident.id)
        move = {
            "draft": postmortems.draft,
            "review": postmortems.send_for_review,
            "publish": postmortems.publish,
        }[parsed.step]
        try:
            move(self.services.core, incident.id)
        except IncidentError as error:
            answer(ack, blocks.incident_error(error))
            return None
        doing = "Publishing" if parsed.step == "publish" else "Drafting"
        answer(ack, f"{doing} the postmortem of {incident.reference} ...")
        return None

    def _timeline(self, parsed: ShowTimeline, incident: Incident, ack: Ack) -> None:
        with self.services.db.transaction() as session:
            entries = timeline.entries(session, incident.id, highlighted_only=not parsed.everything)
        text, page = timeline_blocks.timeline_page(
            incident, entries, parsed.everything, parsed.page
        )
        ack(response_type="ephemeral", text=text, blocks=page)

    def _follow_up(self, command: dict, follow_up, respond: Respond) -> None:
        try:
            follow_up(teller(self.services, command, respond))
        except Exception:
            log.exception("the follow-up of `/incident %s` failed", command.get("text", ""))
            respond(text=FOLLOW_UP_FAILED, response_type="ephemeral", replace_original=False)


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
