"""Block Kit for action items: the lists with their buttons, and the add/edit form."""

import json
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from warroom.domain.action_items import Priority
from warroom.domain.incident import incident_reference
from warroom.domain.lint import vague_action
from warroom.slack.blocks import clip, context, escape, link, section, user
from warroom.store.models import ActionItem

FORM_CALLBACK = "action_item_form"
DONE_BUTTON = "action_done"
EDIT_BUTTON = "action_edit"
ITEMS_PER_MESSAGE = 24  # two blocks each, inside Slack's 50 per message
STATUS_LABELS = {"open": "Open", "done": "Done", "wont_do": "Won't do"}


def item_line(item: ActionItem, today: date, with_incident: bool = False) -> str:
    overdue = item.is_open and item.due_on < today
    parts = [
        f"*#{item.id}*",
        f"*{item.priority.upper()}*" if item.priority else None,
        escape(clip(item.text, 500)),
        f"· {user(item.owner_id)}",
        f"· due {item.due_on:%Y-%m-%d}" + (" :warning: overdue" if overdue else ""),
        f"· {STATUS_LABELS[item.status]}",
        f"· {incident_reference(item.incident_id)}" if with_incident else None,
        f"· {link(item.ticket_url, 'ticket')}" if item.ticket_url else None,
    ]
    if item.closed_reason:
        parts.append(f"({escape(clip(item.closed_reason, 200))})")
    return " ".join(part for part in parts if part)


def item_list(
    title: str, items: list[ActionItem], today: date, with_incident: bool = False
) -> tuple[str, list[Block]]:
    """Items, each with Done and Edit buttons while open."""
    page: list[Block] = [section(f"*{escape(title)}*")]
    for item in items[:ITEMS_PER_MESSAGE]:
        page.append(section(item_line(item, today, with_incident)))
        if item.is_open:
            page.append(
                ActionsBlock(
                    block_id=f"item_{item.id}",
                    elements=[
                        ButtonElement(
                            text="Done", action_id=DONE_BUTTON, value=str(item.id), style="primary"
                        ),
                        ButtonElement(text="Edit", action_id=EDIT_BUTTON, value=str(item.id)),
                    ],
                )
            )
    if not items:
        page.append(section("_No action items._"))
    elif len(items) > ITEMS_PER_MESSAGE:
        page.append(context(f"…and {len(items) - ITEMS_PER_MESSAGE} more."))
    return title, page


def added(item: ActionItem, by: str | None = None) -> str:
    """The confirmation of a new item (`by`: who added it, for the channel's notice)."""
    who = f":memo: {user(by)} added" if by else "Added"
    return f"{who} action item {item_line(item, item.due_on)}" + _prayer_warning(item.text)


def _prayer_warning(text: str) -> str:
    finding = vague_action(text)
    return f"\n:bulb: {escape(finding.suggestion)}" if finding else ""


def item_form(incident_id: int, item: ActionItem | None = None) -> View:
    """Add an item (no `item`) or edit one, including closing it as won't do."""
    priorities = [Option(value=p.value, text=p.label) for p in Priority]
    statuses = [Option(value=value, text=label) for value, label in STATUS_LABELS.items()]
    blocks: list[Block] = [
        InputBlock(
            block_id="text",
            label="What will be done",
            hint="Specific and checkable: 'Add memory alerts (warn 80%, page 90%) on payments'",
            element=PlainTextInputElement(
                action_id="value", initial_value=item.text if item else None, max_length=2000
            ),
        ),
        InputBlock(
            block_id="owner",
            label="Owner (exactly one person)",
            element=UserSelectElement(
                action_id="value", initial_user=item.owner_id if item else None
            ),
        ),
        InputBlock(
            block_id="due",
            label="Due date",
            element=DatePickerElement(
                action_id="value", initial_date=f"{item.due_on:%Y-%m-%d}" if item else None
            ),
        ),
        InputBlock(
            block_id="priority",
            label="Priority",
            optional=True,
            element=StaticSelectElement(
                action_id="value",
                options=priorities,
                initial_option=next(
                    (o for o in priorities if item and o.value == item.priority), None
                ),
            ),
        ),
        InputBlock(
            block_id="ticket",
            label="Ticket link",
            optional=True,
            element=PlainTextInputElement(
                action_id="value",
                initial_value=item.ticket_url if item and item.ticket_url else None,
            ),
        ),
    ]
    if item:
        blocks += [
            InputBlock(
                block_id="status",
                label="Status",
                element=StaticSelectElement(
                    action_id="value",
                    options=statuses,
                    initial_option=next(o for o in statuses if o.value == item.status),
                ),
            ),
            InputBlock(
                block_id="reason",
                label="Why won't it be done?",
                optional=True,
                element=PlainTextInputElement(action_id="value", multiline=True),
            ),
        ]
    return View(
        type="modal",
        callback_id=FORM_CALLBACK,
        private_metadata=json.dumps({"incident": incident_id, "item": item.id if item else None}),
        title=PlainTextObject(text=f"Action item #{item.id}" if item else "New action item"),
        submit=PlainTextObject(text="Save" if item else "Add"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    )
