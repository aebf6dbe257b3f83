"""Modals and the App Home tab."""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    HeaderBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from warroom.catalog import Service
from warroom.domain.incident import TITLE_MAX, Severity
from warroom.slack.blocks import LIST_MAX, SECTION_MAX, clip, context, incident_line, section
from warroom.slack.commands import UPDATE_STATUSES
from warroom.store.models import Incident

DECLARE_CALLBACK = "declare_incident"
DECLARE_BUTTON = "open_declare_form"
ATTACH_CALLBACK = "attach_message"
UPDATE_CALLBACK = "status_update"
METADATA_TEXT_MAX = 2000  # private_metadata holds 3,000 characters in all


OPTIONS_MAX = 100  # Slack's limit for a static select


def _service_picker(services: list[Service], chosen: Sequence[str] = ()) -> list[InputBlock]:
    """Which of the catalog's services are hit (the first hundred, by name)."""
    if not services:
        return []
    options = [
        Option(value=service.name, text=clip(service.title, 75))
        for service in sorted(services, key=lambda service: service.name)[:OPTIONS_MAX]
    ]
    initial = [option for option in options if option.value in chosen]
    return [
        InputBlock(
            block_id="services",
            label="Services affected",
            hint="Their runbooks and dashboards go on the headline; their owners are invited.",
            optional=True,
            element=StaticMultiSelectElement(
                action_id="value", options=options, initial_options=initial or None
            ),
        )
    ]


@dataclass(frozen=True)
class Prefilled:
    """What the declare form starts with, and what it carries to its submission."""

    title: str = ""
    severity: Severity | None = None
    services: Sequence[str] = ()
    metadata: dict = field(default_factory=dict)  # e.g. {"alert_group": 12}


def declare_modal(
    default_severity: Severity,
    services: list[Service] | None = None,
    prefilled: Prefilled | None = None,
) -> View:
    """The declare form; `prefilled` from what is known already (an alert's prompt)."""
    prefilled = prefilled or Prefilled()
    options = [
        Option(value=sev.value, text=sev.label, description=clip(sev.rubric, 75))
        for sev in Severity
    ]
    chosen = prefilled.severity or default_severity
    initial = next(o for o in options if o.value == chosen.value)
    return View(
        type="modal",
        callback_id=DECLARE_CALLBACK,
        private_metadata=json.dumps(prefilled.metadata) if prefilled.metadata else None,
        title=PlainTextObject(text="Declare an incident"),
        submit=PlainTextObject(text="Declare"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(
                block_id="title",
                label="Title",
                hint="What is broken, as users see it: e.g. Checkout is failing",
                element=PlainTextInputElement(
                    action_id="value",
                    max_length=TITLE_MAX,
                    initial_value=clip(prefilled.title, TITLE_MAX) or None,
                ),
            ),
            InputBlock(
                block_id="severity",
                label="Severity",
                element=StaticSelectElement(
                    action_id="value", options=options, initial_option=initial
                ),
            ),
            *_service_picker(services or [], prefilled.services),
            InputBlock(
                block_id="started",
                label="When did the impact start? (UTC)",
                hint="If before now: e.g. 14:54, 2:54pm, yesterday 23:50 or 20m ago",
                optional=True,
                element=PlainTextInputElement(action_id="value", max_length=40),
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
                        ),
                        Option(
                            value="drill",
                            text="A drill (practice)",
                            description="Pages no one, announces nowhere, counts in no insight.",
                        ),
                    ],
                ),
            ),
        ],
    )


def notice_view(text: str, title: str = "Declare an incident") -> View:
    """A modal that only tells: how something submitted from a form went."""
    return View(
        type="modal",
        title=PlainTextObject(text=title),
        close=PlainTextObject(text="Close"),
        blocks=[section(clip(text, SECTION_MAX))],
    )


def app_home(incidents: list[Incident]) -> View:
    blocks = [
        HeaderBlock(text="Open incidents"),
        ActionsBlock(
            elements=[
                ButtonElement(text="Declare an incident", action_id=DECLARE_BUTTON, style="danger")
            ]
        ),
    ]
    shown = incidents[:LIST_MAX]
    blocks += [section(incident_line(incident)) for incident in shown] or [
        section("No open incidents. :sunny:")
    ]
    if len(incidents) > len(shown):
        blocks.append(context(f"And {len(incidents) - len(shown)} more: `/incident list`."))
    return View(type="home", blocks=blocks)


def attach_modal(incidents: list[Incident], message: dict) -> View:
    """Pick the incident a message from elsewhere belongs to."""
    if not incidents:
        return View(
            type="modal",
            title=PlainTextObject(text="Add to a timeline"),
            close=PlainTextObject(text="Close"),
            blocks=[section("There is no open incident you can attach this message to.")],
        )
    options = [
        Option(value=str(i.id), text=clip(f"{i.reference} {i.title}", 75)) for i in incidents
    ]
    metadata = {
        "channel": message["channel"],
        "ts": message["ts"],
        "user": message.get("user"),
        "text": message.get("text", "")[:METADATA_TEXT_MAX],
    }
    return View(
        type="modal",
        callback_id=ATTACH_CALLBACK,
        private_metadata=json.dumps(metadata),
        title=PlainTextObject(text="Add to a timeline"),
        submit=PlainTextObject(text="Add"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(
                block_id="incident",
                label="Incident",
                element=StaticSelectElement(action_id="value", options=options[:100]),
            )
        ],
    )


def input_value(values: dict, block_id: str) -> dict:
    """The one element's state in a submitted input block; empty when Slack left it out."""
    return next(iter(values.get(block_id, {}).values()), {})


def update_modal(incident: Incident) -> View:
    """A status update, from the stale-update nag's "Post update" button."""
    statuses = [Option(value=s.value, text=s.label) for s in UPDATE_STATUSES]
    current = next((o for o in statuses if o.value == incident.status), statuses[0])
    return View(
        type="modal",
        callback_id=UPDATE_CALLBACK,
        private_metadata=str(incident.id),
        title=PlainTextObject(text=f"Update {incident.reference}"),
        submit=PlainTextObject(text="Post"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(
                block_id="status",
                label="Status",
                element=StaticSelectElement(
                    action_id="value", options=statuses, initial_option=current
                ),
            ),
            InputBlock(
                block_id="text",
                label="What we know, what we are doing, what we need",
                element=PlainTextInputElement(action_id="value", multiline=True, max_length=2900),
            ),
        ],
    )
