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

from warroom.domain.action_items import ActionKind, ActionStatus, Priority
from warroom.domain.incident import incident_reference
from warroom.domain.lint import vague_action
from warroom.slack.blocks import clip, context, escape, link, section, user
from warroom.store.models import ActionItem

FORM_CALLBACK = "action_item_form"
DONE_BUTTON = "action_done"
EDIT_BUTTON = "action_edit"
ITEMS_PER_MESSAGE = 24  # two blocks each, inside Slack's 50 per message


def item_line(item: ActionItem, today: date, with_incident: bool = False) -> str:
    overdue = item.is_open and item.due_on is not None and item.due_on < today
    due = f"{item.due_on:%Y-%m-%d}" if item.due_on else "TBD :warning: agree on a date"
    parts = [
        f"*#{item.id}*",
        f"*{item.priority.upper()}*" if item.priority else None,
        f"_{ActionKind(item.kind).label}_" if item.kind else None,
        escape(clip(item.text, 500)),
        f"· {user(item.owner_id)}",
        f"· due {due}" + (" :warning: overdue" if overdue else ""),
        f"· {ActionStatus(item.status).label}",
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


def _choice(block_id: str, label: str, choices, chosen: str | None) -> InputBlock:
    """An optional pick of one of an enum's members (each with a `label`)."""
    options = [Option(value=choice.value, text=choice.label) for choice in choices]
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        element=StaticSelectElement(
            action_id="value",
            options=options,
            initial_option=next((o for o in options if o.value == chosen), None),
        ),
    )


def item_form(incident_id: int, item: ActionItem | None = None) -> View:
    """Add an item (no `item`) or edit one, including closing it as won't do."""
    statuses = [Option(value=status.value, text=status.label) for status in ActionStatus]
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
            hint="Leave it empty while the date is to be agreed (TBD); the postmortem says so.",
            optional=True,
            element=DatePickerElement(
                action_id="value",
                initial_date=f"{item.due_on:%Y-%m-%d}" if item and item.due_on else None,
            ),
        ),
        _choice("priority", "Priority", Priority, item.priority if item else None),
        _choice("kind", "Type", ActionKind, item.kind if item else None),
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
