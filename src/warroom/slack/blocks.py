"""Block Kit for every message and view warroom shows, built with slack_sdk's validated models."""

from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from warroom.commands import USAGE, CommandError
from warroom.domain import Role, Severity
from warroom.models import Incident

HEADER_MAX = 150
SECTION_MAX = 3000
TOPIC_MAX = 250

DECLARE_CALLBACK = "declare_incident"


def escape(text: str) -> str:
    """User text made inert for mrkdwn: no mention, link or ping survives."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def user(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "_unassigned_"


def channel_link(channel_id: str) -> str:
    return f"<#{channel_id}>"


def headline(incident: Incident) -> tuple[str, list[Block]]:
    """The pinned message at the top of the incident channel: everything at a glance."""
    severity = Severity(incident.severity)
    roles = "\n".join(f"*{role.title}:* {user(incident.holder(role))}" for role in Role)
    blocks = [
        HeaderBlock(text=clip(f"{incident.reference}: {incident.title}", HEADER_MAX)),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*Severity:* {severity.label}"),
                MarkdownTextObject(text=f"*Status:* {incident.status.capitalize()}"),
                MarkdownTextObject(text=f"*Declared by:* {user(incident.declared_by)}"),
                MarkdownTextObject(text=f"*Declared:* {utc(incident.declared_at)}"),
            ]
        ),
        ContextBlock(elements=[MarkdownTextObject(text=f"{severity.label}: {severity.rubric}")]),
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=roles)),
    ]
    if incident.description:
        blocks.insert(
            2,
            SectionBlock(
                text=MarkdownTextObject(text=clip(escape(incident.description), SECTION_MAX))
            ),
        )
    text = f"{incident.reference} {severity.label}: {escape(clip(incident.title, 500))}"
    return text, blocks


def topic(incident: Incident) -> str:
    ic = incident.holder(Role.IC)
    parts = [
        Severity(incident.severity).label,
        incident.status.capitalize(),
        f"IC: <@{ic}>" if ic else "IC: unassigned",
        escape(incident.title),
    ]
    return clip(" | ".join(parts), TOPIC_MAX)


def announcement(incident: Incident) -> tuple[str, list[Block]]:
    """The one message stakeholders see; a private incident shows neither title nor detail."""
    if incident.is_private:
        text = (
            f"{incident.reference} is a private incident, declared {utc(incident.declared_at)}. "
            "Its details are shared only with its responders."
        )
        return text, [SectionBlock(text=MarkdownTextObject(text=f":lock: {text}"))]
    severity = Severity(incident.severity)
    text = (
        f":rotating_light: *{incident.reference} {severity.label}: "
        f"{escape(clip(incident.title, 500))}*\n"
        f"*Status:* {incident.status.capitalize()} · *Declared by* {user(incident.declared_by)} "
        f"at {utc(incident.declared_at)}\nFollow it in {channel_link(incident.channel_id)}"
    )
    return text, [SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX)))]


def declare_modal(default_severity: Severity, origin_channel_id: str) -> View:
    options = [
        Option(value=sev.value, text=sev.label, description=clip(sev.rubric, 75))
        for sev in Severity
    ]
    initial = next(o for o in options if o.value == default_severity.value)
    return View(
        type="modal",
        callback_id=DECLARE_CALLBACK,
        private_metadata=origin_channel_id,
        title=PlainTextObject(text="Declare an incident"),
        submit=PlainTextObject(text="Declare"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(
                block_id="title",
                label="Title",
                hint="What is broken, as users see it: e.g. Checkout is failing",
                element=PlainTextInputElement(action_id="value", max_length=150),
            ),
            InputBlock(
                block_id="severity",
                label="Severity",
                element=StaticSelectElement(
                    action_id="value", options=options, initial_option=initial
                ),
            ),
            InputBlock(
                block_id="description",
                label="What do we know so far?",
                optional=True,
                element=PlainTextInputElement(action_id="value", multiline=True, max_length=2900),
            ),
            InputBlock(
                block_id="private",
                label="Visibility",
                optional=True,
                element=CheckboxesElement(
                    action_id="value",
                    options=[
                        Option(
                            value="private",
                            text="Private incident (security, HR...)",
                            description="Private channel; announcements carry no title or detail.",
                        )
                    ],
                ),
            ),
        ],
    )


def notice_view(text: str) -> View:
    """A modal that only tells: used to show how a declare submitted from a form went."""
    return View(
        type="modal",
        title=PlainTextObject(text="Declare an incident"),
        close=PlainTextObject(text="Close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX)))],
    )


def help_text() -> str:
    lines = [f"`{usage}`  {what}" for usage, what in USAGE.values()]
    return "*warroom commands*\n" + "\n".join(lines)


def command_error(error: CommandError) -> str:
    text = f":warning: {escape(error.problem)}"
    if error.example:
        text += f"\nFor example: `{escape(error.example)}`"
    return text + "\n\n" + help_text()
