"""The comms lead's status page form, its preview, and the word in the channel that the
status page still shows an incident that is resolved.

The form starts from what customers were last told. Its preview shows the update as the
page will; only the preview's Publish publishes, so nothing reaches customers by accident.
"""

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from warroom.domain.status_page import Condition, Phase, PublicUpdate, StatusPageError
from warroom.slack.blocks import clip, context, escape, section
from warroom.slack.forms import OPTIONS_MAX, input_value
from warroom.store.models import Incident

FORM_CALLBACK = "status_page_form"
PREVIEW_CALLBACK = "status_page_preview"
OPEN_BUTTON = "open_status_page_form"
CLOSING_BUTTON = "open_status_page_closing_form"
TITLE_MAX, MESSAGE_MAX = 150, 1500  # the preview carries both in its 3,000-character metadata
METADATA_MAX = 3000
CLOSING_MESSAGE = "This incident has been resolved. Thank you for your patience."


@dataclass(frozen=True)
class Start:
    """What the form shows when it opens."""

    title: str
    phase: Phase
    condition: Condition
    components: list[str]
    message: str = ""


def form_modal(incident: Incident, components: list[str], start: Start) -> View:
    phases = [Option(value=phase.value, text=phase.label) for phase in Phase]
    conditions = [Option(value=c.value, text=c.label) for c in Condition]
    inputs = [
        _text("title", "Title customers read", start.title, TITLE_MAX, multiline=False),
        _select("phase", "Where it stands", phases, start.phase),
    ]
    if components:
        options = [Option(value=name, text=clip(name, 75)) for name in components[:OPTIONS_MAX]]
        chosen = [o for o in options if o.value in start.components]
        inputs.append(
            InputBlock(
                block_id="components",
                label="Affected components",
                optional=True,
                element=StaticMultiSelectElement(
                    action_id="value", options=options, initial_options=chosen or None
                ),
            )
        )
    inputs.append(_select("condition", "Their condition", conditions, start.condition))
    inputs.append(_text("message", "Message to customers", start.message, MESSAGE_MAX))
    note = (
        "Write for customers: what they notice and what to do, not what broke inside. "
        "Nothing is published until you press *Publish* on the preview."
    )
    return View(
        type="modal",
        callback_id=FORM_CALLBACK,
        private_metadata=str(incident.id),
        title=PlainTextObject(text="Status page"),
        submit=PlainTextObject(text="Preview"),
        close=PlainTextObject(text="Cancel"),
        blocks=[*inputs, context(note)],
    )


def _text(block_id: str, label: str, initial: str, limit: int, multiline=True) -> InputBlock:
    element = PlainTextInputElement(
        action_id="value", multiline=multiline, max_length=limit, initial_value=initial or None
    )
    return InputBlock(block_id=block_id, label=label, element=element)


def _select(block_id: str, label: str, options: list[Option], initial) -> InputBlock:
    chosen = next(option for option in options if option.value == initial)
    element = StaticSelectElement(action_id="value", options=options, initial_option=chosen)
    return InputBlock(block_id=block_id, label=label, element=element)


def submitted(values: dict) -> PublicUpdate:
    """The form's update (StatusPageError: a part is wrong, and its block is that part)."""
    condition = Condition(input_value(values, "condition")["selected_option"]["value"])
    chosen = input_value(values, "components").get("selected_options") or []
    return PublicUpdate(
        title=input_value(values, "title").get("value") or "",
        phase=Phase(input_value(values, "phase")["selected_option"]["value"]),
        message=input_value(values, "message").get("value") or "",
        components={option["value"]: condition for option in chosen},
    )


def preview_modal(incident_id: int, update: PublicUpdate) -> View:
    """The update as customers will read it, with the one button that publishes it."""
    affected = "\n".join(
        f"• {escape(name)}: {condition.label}" for name, condition in update.components.items()
    )
    shown = [
        section(f"*{escape(update.title)}*\n*{update.phase.label}*: {escape(update.message)}"),
        section(f"*Components*\n{affected}" if affected else "_No component named._"),
        context(
            "This is all the status page will show of the incident: its title in Slack, its "
            "channel and its people stay here. *Back* to change it."
        ),
    ]
    return View(
        type="modal",
        callback_id=PREVIEW_CALLBACK,
        private_metadata=draft_metadata(incident_id, update),
        title=PlainTextObject(text="Preview"),
        submit=PlainTextObject(text="Publish"),
        close=PlainTextObject(text="Back"),
        blocks=shown,
    )


def draft_metadata(incident_id: int, update: PublicUpdate) -> str:
    draft = {"incident": incident_id, "title": update.title, "phase": update.phase}
    draft |= {"message": update.message, "components": update.components}
    text = json.dumps(draft, ensure_ascii=False)  # Slack counts characters, not escapes
    if len(text) > METADATA_MAX:
        raise StatusPageError(
            "This update is too long to preview: shorten the message or name fewer components.",
            "message",
        )
    return text


def draft_of(metadata: str) -> tuple[int, PublicUpdate]:
    draft = json.loads(metadata)
    components = {name: Condition(value) for name, value in draft["components"].items()}
    update = PublicUpdate(draft["title"], Phase(draft["phase"]), draft["message"], components)
    return draft["incident"], update


def closing_proposal(incident: Incident, phase: Phase) -> tuple[str, list]:
    """Posted when an incident resolves while the status page still shows it."""
    text = (
        f":globe_with_meridians: {incident.reference} is resolved, and customers still read "
        f"*{phase.label}* on the status page. Post the closing update?"
    )
    button = ButtonElement(
        text="Post the closing update",
        action_id=CLOSING_BUTTON,
        value=str(incident.id),
        style="primary",
    )
    return text, [section(text), ActionsBlock(elements=[button])]


def open_button(incident: Incident, style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text="Update the status page", action_id=OPEN_BUTTON, value=str(incident.id), style=style
    )
