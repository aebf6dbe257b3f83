"""Block Kit for the postmortem: the summary posted in the channel, and the notes form."""

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from warroom.app.postmortem_draft import Draft
from warroom.domain.lint import Finding
from warroom.slack.blocks import HEADER_MAX, SECTION_MAX, clip, context, escape, section

EDIT_BUTTON = "postmortem_edit"
NOTES_CALLBACK = "postmortem_notes"
KEY_EVENTS_SHOWN = 15
FINDINGS_SHOWN = 12
NOTE_QUESTIONS = {
    "summary": ("Summary", "Two or three sentences for someone who was not there."),
    "impact": ("Impact", "Users or requests affected, money, the SLA or SLO effect: numbers."),
    "root_cause": ("Root cause", "The mechanism that failed, in terms of systems, not people."),
    "contributing_factors": ("Contributing factors", "One per line."),
    "detection": ("Detection", "How was it noticed, and how long did that take?"),
    "response": ("Response", "How did the team respond and coordinate?"),
    "recovery": ("Recovery", "What restored service, and how was it verified?"),
    "lessons": ("Lessons learned", "What did the team learn?"),
    "what_went_well": ("What went well", "What should the team keep doing?"),
}


def _lines(items: list[str], limit: int, more: str) -> str:
    shown = "\n".join(items[:limit])
    if len(items) > limit:
        shown += f"\n…and {len(items) - limit} {more}."
    return clip(shown, SECTION_MAX)


def _missing(value: str, what: str) -> str:
    return escape(value) if value else f"_Missing: {what}_"


def summary(draft: Draft, incident_id: int) -> tuple[str, list[Block]]:
    """The postmortem at a glance; the whole Markdown goes in the thread as a file."""
    status = draft.postmortem_status
    title = f"Postmortem ({status}): {draft.reference} {draft.title}"
    facts = (
        f"*{draft.severity}* · declared {draft.start} → {draft.end or 'ongoing'} UTC · "
        f"*Impact:* {draft.impact_duration or 'ongoing'} · *Detected in:* "
        f"{draft.time_to_detect or 'not recorded'} · *Acknowledged in:* "
        f"{draft.time_to_acknowledge or 'no IC'} · *Mitigated in:* "
        f"{draft.time_to_mitigate or 'not yet'}"
    )
    events = [f"`{e['time'][11:16]}` {escape(clip(e['text'], 300))}" for e in draft.key_events]
    items = [
        f"#{i['id']} {escape(clip(i['text'], 200))} · {i['owner']} · due {i['due']} · "
        f"{i['priority'] or 'no priority'} · {i['status']}"
        for i in draft.action_items
    ]
    page: list[Block] = [
        HeaderBlock(text=clip(title, HEADER_MAX)),
        section(facts),
        section("*Summary*\n" + _missing(draft.notes["summary"], "what happened, in brief")),
        section(
            "*Impact*\n"
            + escape(draft.impact_window)
            + "\n"
            + _missing(draft.notes["impact"], "users, requests, money, SLA")
        ),
        section(
            "*Key events (UTC)*\n"
            + (_lines(events, KEY_EVENTS_SHOWN, "more in the file") or "_none marked_")
        ),
        section("*Action items*\n" + (_lines(items, 10, "more in the file") or "_none yet_")),
        DividerBlock(),
        section(findings_text(draft.findings)),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Fill in what only people know",
                    action_id=EDIT_BUTTON,
                    value=str(incident_id),
                    style="primary",
                )
            ]
        ),
        context(
            "The full draft is in this message's thread. `/incident postmortem review` "
            "when it is ready, `/incident postmortem publish` when it is final."
        ),
    ]
    return escape(title), page  # the fallback text is mrkdwn; the header is plain text


def findings_text(findings: list[Finding]) -> str:
    if not findings:
        return ":white_check_mark: *The linter found nothing to fix.*"
    lines = [
        f"• *{f.section}*: "
        + (f"“{escape(clip(f.quote, 120))}” " if f.quote else "")
        + escape(f.suggestion)
        for f in findings
    ]
    return "*Still to fix* (" + str(len(findings)) + ")\n" + _lines(lines, FINDINGS_SHOWN, "more")


def notes_form(incident_id: int, reference: str, notes: dict[str, str]) -> View:
    return View(
        type="modal",
        callback_id=NOTES_CALLBACK,
        private_metadata=str(incident_id),
        title=PlainTextObject(text=clip(f"{reference} postmortem", 24)),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(
                block_id=name,
                label=label,
                hint=hint,
                optional=True,
                element=PlainTextInputElement(
                    action_id="value",
                    multiline=True,
                    max_length=3000,
                    initial_value=notes.get(name) or None,
                ),
            )
            for name, (label, hint) in NOTE_QUESTIONS.items()
        ],
    )
