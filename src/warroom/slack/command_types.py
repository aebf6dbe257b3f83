"""What `/incident` can be asked: each subcommand as a typed value, and the error that says
what to type instead of bad input."""

from datetime import date, datetime
from typing import ClassVar

from pydantic import BaseModel

from warroom.domain.action_items import ActionKind, Priority
from warroom.domain.incident import Role, Severity, Status
from warroom.domain.milestones import Milestone


class CommandError(ValueError):
    """Bad input, explained: what was wrong, and an example of what works."""

    def __init__(self, problem: str, example: str | None = None, show_help: bool = False):
        self.problem, self.example, self.show_help = problem, example, show_help
        super().__init__(problem)


class Command(BaseModel):
    # Commands that act on "this incident" only make sense inside its channel.
    needs_incident_channel: ClassVar[bool] = True


class Declare(Command):
    needs_incident_channel: ClassVar[bool] = False
    severity: Severity | None = None
    title: str | None = None  # None: ask for the details in a modal
    impact_started_at: datetime | None = None
    drill: bool = False  # practice: the whole process, but no page, no announcement


class AssignRole(Command):
    role: Role
    user_id: str | None  # None releases the role


class PostUpdate(Command):
    status: Status | None  # None keeps the current status
    text: str


class ChangeSeverity(Command):
    severity: Severity
    reason: str = ""


class Rename(Command):
    title: str


class Mitigated(Command):
    note: str = ""


class Resolve(Command):
    summary: str = ""


class Reopen(Command):
    pass


class ShowStatus(Command):
    pass


class SetMilestone(Command):
    milestone: Milestone
    at: datetime | None  # None clears it


class AddNote(Command):
    text: str


class Page(Command):
    text: str  # the services to page (the catalog tells which words are) and the message
    people: list[str] = []  # Slack user ids: page these people instead


class ShowTimeline(Command):
    everything: bool = False
    page: int = 1


class Sync(Command):
    pass


class PublishStatus(Command):
    pass


class AddAction(Command):
    text: str | None  # None: the ticket's title, or else ask for the details in a modal
    ticket_url: str | None = None  # an existing ticket to make an action item of
    owner_id: str | None = None
    due_on: date | None = None  # None: "due TBD"
    priority: Priority | None = None
    kind: ActionKind | None = None


class ListActions(Command):
    mine: bool = False

    @property
    def needs_incident_channel(self) -> bool:  # `actions mine` works anywhere
        return not self.mine


POSTMORTEM_STEPS = ("draft", "edit", "review", "publish")


class WritePostmortem(Command):
    step: str = "draft"  # one of POSTMORTEM_STEPS


class ListIncidents(Command):
    needs_incident_channel: ClassVar[bool] = False


class Help(Command):
    needs_incident_channel: ClassVar[bool] = False
