"""Domain events: what happened, as the world outside the database is told about it.

Every use case returns the events of its change, and the outbox stores them (one row per
destination that wants each) in the same transaction as the change itself. They carry ids,
not copies of the records: whoever delivers an event reads the incident as it stands, so
what people see cannot drift from what is recorded.
"""

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from warroom.domain.incident import Role, Severity, Status
from warroom.domain.milestones import Milestone
from warroom.domain.nags import NagKind
from warroom.domain.postmortem import PostmortemStatus


class Event(BaseModel):
    model_config = ConfigDict(frozen=True)
    # What delivering it does, in words for a sentence ("Slack refused the status update").
    what: ClassVar[str] = "a change"

    incident_id: int

    @property
    def stream(self) -> str:
        """What the event keeps its order within: a destination gets the events of one
        stream one at a time, in the order they were made."""
        return f"incident-{self.incident_id}"


class IncidentDeclared(Event):
    what: ClassVar[str] = "the setup of the incident's channel"
    type: Literal["incident_declared"] = "incident_declared"
    by: str
    # How the front end the declare came from answers its author, in its own terms (for
    # Slack: a response_url, or the form's view id). The core never reads it.
    reply_to: dict[str, str] = {}
    # The alert rule that declared it ("severity=critical:sev1"); None: a person did.
    rule: str | None = None


class EntryRecorded(Event):
    """A change recorded as a timeline entry, which says the rest."""

    entry_id: int
    by: str | None = None


class RoleAssigned(EntryRecorded):
    what: ClassVar[str] = "the role change"
    type: Literal["role_assigned"] = "role_assigned"
    role: Role
    user_id: str | None
    previous_user_id: str | None


class StatusUpdated(EntryRecorded):
    what: ClassVar[str] = "the status update"
    type: Literal["status_updated"] = "status_updated"
    status: Status


class SeverityChanged(EntryRecorded):
    what: ClassVar[str] = "the severity change"
    type: Literal["severity_changed"] = "severity_changed"
    severity: Severity
    previous: Severity


class IncidentRenamed(EntryRecorded):
    what: ClassVar[str] = "the new title"
    type: Literal["incident_renamed"] = "incident_renamed"


class IncidentMitigated(EntryRecorded):
    what: ClassVar[str] = "the mitigation"
    type: Literal["incident_mitigated"] = "incident_mitigated"


class IncidentResolved(EntryRecorded):
    what: ClassVar[str] = "the resolution"
    type: Literal["incident_resolved"] = "incident_resolved"


class IncidentReopened(EntryRecorded):
    what: ClassVar[str] = "the reopening"
    type: Literal["incident_reopened"] = "incident_reopened"


class MilestoneSet(EntryRecorded):
    what: ClassVar[str] = "the milestone's new time"
    type: Literal["milestone_set"] = "milestone_set"
    milestone: Milestone
    at: datetime | None


class PageRequested(EntryRecorded):
    """Someone asked for the on-call of these services, or these people, to be paged."""

    what: ClassVar[str] = "the page"
    type: Literal["page_requested"] = "page_requested"
    services: list[str]
    people: list[str] = []  # Slack user ids


class Paged(EntryRecorded):
    """The paging service took a page: someone's phone is ringing."""

    what: ClassVar[str] = "the news of the page"
    type: Literal["paged"] = "paged"
    service: str
    person: str | None = None  # the Slack user paged in that service; None: its on-call


class PageChanged(EntryRecorded):
    """Someone acknowledged or resolved a page in the paging service."""

    what: ClassVar[str] = "the page's acknowledgement"
    type: Literal["page_changed"] = "page_changed"
    service: str
    person: str | None = None
    status: str  # "acknowledged" or "resolved"


class StatusPagePublished(EntryRecorded):
    """Someone published an update to the status page."""

    what: ClassVar[str] = "the status page update"
    type: Literal["status_page_published"] = "status_page_published"


class NoteAdded(EntryRecorded):
    what: ClassVar[str] = "the note"
    type: Literal["note_added"] = "note_added"


class DrillInjected(EntryRecorded):
    """The next development of a drill's scenario, for its responders to act on."""

    what: ClassVar[str] = "the drill's next development"
    type: Literal["drill_injected"] = "drill_injected"


class MessageAttached(EntryRecorded):
    what: ClassVar[str] = "the attached message"
    type: Literal["message_attached"] = "message_attached"
    source_channel: str
    source_ts: str


class AlertNoted(EntryRecorded):
    """An alert of the incident's fired or resolved."""

    what: ClassVar[str] = "the alert's news"
    type: Literal["alert_noted"] = "alert_noted"


class AlertGroupChanged(Event):
    """Alerts came in or went away, or their group became (part of) an incident. Before it
    does, the group is not an incident's: it is a stream of its own."""

    what: ClassVar[str] = "the alert's prompt"
    type: Literal["alert_group_changed"] = "alert_group_changed"
    incident_id: int | None = None
    group_id: int

    @property
    def stream(self) -> str:
        return f"alert-group-{self.group_id}"


class ActionItemAdded(Event):
    what: ClassVar[str] = "the new action item"
    type: Literal["action_item_added"] = "action_item_added"
    item_id: int
    by: str


class ActionItemChanged(Event):
    what: ClassVar[str] = "the action item's change"
    type: Literal["action_item_changed"] = "action_item_changed"
    item_id: int
    by: str


class PostmortemChanged(Event):
    """Drafted, re-drafted with new notes, sent for review or published."""

    what: ClassVar[str] = "the postmortem"
    type: Literal["postmortem_changed"] = "postmortem_changed"
    status: PostmortemStatus


class NagDue(Event):
    what: ClassVar[str] = "a reminder"
    type: Literal["nag_due"] = "nag_due"
    kind: NagKind
    reminder_id: int
    action_item_id: int | None
    due_at: datetime


class DeliveryDelayed(Event):
    """A destination has refused one of the incident's events for a while; it is retried."""

    what: ClassVar[str] = "the warning about a delay"
    type: Literal["delivery_delayed"] = "delivery_delayed"
    delivery_id: int
    destination: str
    delayed: str  # the delayed event's `what`
    error: str
    since: datetime
    item_id: int | None = None  # the action item it is about: its owner is told


class DeliveryRecovered(Event):
    """The delayed event of an earlier `DeliveryDelayed` got through."""

    what: ClassVar[str] = "the all-clear after a delay"
    type: Literal["delivery_recovered"] = "delivery_recovered"
    warning_id: int  # the delivery of the DeliveryDelayed it follows up
    destination: str


class DeliveryFailed(Event):
    """A destination refused an event for good (or for too long); it will not be retried."""

    what: ClassVar[str] = "the warning about a failure"
    type: Literal["delivery_failed"] = "delivery_failed"
    delivery_id: int
    destination: str
    failed: str  # the event's `what`
    error: str
    item_id: int | None = None  # the action item it is about: its owner is told


AnyEvent = Annotated[
    IncidentDeclared
    | RoleAssigned
    | StatusUpdated
    | SeverityChanged
    | IncidentRenamed
    | IncidentMitigated
    | IncidentResolved
    | IncidentReopened
    | MilestoneSet
    | PageRequested
    | StatusPagePublished
    | Paged
    | PageChanged
    | NoteAdded
    | DrillInjected
    | MessageAttached
    | AlertNoted
    | AlertGroupChanged
    | ActionItemAdded
    | ActionItemChanged
    | PostmortemChanged
    | NagDue
    | DeliveryDelayed
    | DeliveryRecovered
    | DeliveryFailed,
    Field(discriminator="type"),
]
EVENT = TypeAdapter(AnyEvent)
# The events about deliveries themselves, never reported on in turn.
DELIVERY_EVENTS = (DeliveryDelayed, DeliveryRecovered, DeliveryFailed)
