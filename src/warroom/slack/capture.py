"""Slack events about messages, turned into timeline changes.

A message's time is the `ts` Slack gave it, never the time the event reached us.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from warroom.domain.timeline import EntryKind
from warroom.store import timeline

MESSAGE_SUBTYPES = {None, "thread_broadcast", "me_message", "bot_message", "file_share"}
CHANGE_SUBTYPES = {"message_changed", "message_deleted"}

MEMBERSHIP_KINDS = {"channel_join": EntryKind.JOINED, "channel_leave": EntryKind.LEFT}


def slack_time(ts: str) -> datetime:
    """`1710166680.000200` -> 2024-03-11 14:18:00.000200 UTC, exactly (no float rounding)."""
    seconds, _, fraction = ts.partition(".")
    moment = datetime.fromtimestamp(int(seconds), UTC)
    return moment.replace(microsecond=int(fraction.ljust(6, "0")[:6]))


def capture_message(
    session: Session, event: dict, incident_id: int, is_own: Callable[[dict], bool]
) -> None:
    """Record a `message` event from the incident's channel: a new message, or a change."""
    if event.get("subtype") in CHANGE_SUBTYPES:
        capture_change(session, event, incident_id, is_own)
    elif row := new_message(event, incident_id, is_own):
        timeline.record_messages(session, [row])


def new_message(event: dict, incident_id: int, is_own: Callable[[dict], bool]) -> dict | None:
    """The timeline row of a new message (not an edit or a deletion), or None when it is not
    recorded: a subtype that is no message, a hidden event (Slack's bookkeeping, shown to no
    one), or warroom's own post, which is on the timeline already as what it announces."""
    subtype = event.get("subtype")
    if is_own(event) or event.get("hidden") or "ts" not in event:
        return None
    if not (subtype in MEMBERSHIP_KINDS or subtype in MESSAGE_SUBTYPES):
        return None
    return _row(incident_id, event["channel"], event)


def capture_change(
    session: Session, event: dict, incident_id: int, is_own: Callable[[dict], bool]
) -> None:
    """An edit or a deletion; of warroom's own posts, ignored as the posts are."""
    if is_own(event.get("message") or event.get("previous_message") or event):
        return
    channel_id, at = event["channel"], slack_time(event["ts"])
    message = event.get("message") or {}
    if event["subtype"] == "message_deleted":
        previous = event.get("previous_message") or {"ts": event["deleted_ts"]}
        _delete(session, incident_id, channel_id, previous, at)
    elif "ts" not in message:
        return  # an edit that names no message changes nothing we could find
    elif message.get("subtype") == "tombstone":
        # A thread's root deleted under its replies: Slack keeps a placeholder in its place.
        _delete(session, incident_id, channel_id, {"ts": message["ts"]}, at)
    elif not timeline.edit_message(session, channel_id, message["ts"], message_text(message), at):
        timeline.record_messages(session, [_row(incident_id, channel_id, message)])


def _delete(session: Session, incident_id: int, channel_id: str, message: dict, at) -> None:
    if not timeline.delete_message(session, channel_id, message["ts"], at):
        # Deleted before we saw it: keep a tombstone so a late copy cannot revive it.
        tombstone = _row(incident_id, channel_id, message, deleted_at=at)
        timeline.record_messages(session, [tombstone])


def message_text(message: dict) -> str:
    """What a message says: its text, or for an alert bot's attachments their fallback, or
    the words of its blocks when the text is empty."""
    if message.get("text"):
        return message["text"]
    attachments = [_attachment_text(a) for a in message.get("attachments") or []]
    if any(attachments):
        return "\n".join(text for text in attachments if text)
    return "\n".join(filter(None, (_words(block) for block in message.get("blocks") or [])))


def _attachment_text(attachment: dict) -> str:
    if attachment.get("fallback"):
        return attachment["fallback"]
    parts = (attachment.get(key) for key in ("pretext", "title", "text"))
    return "\n".join(part for part in parts if part)


def _words(element) -> str:
    """The visible words of a block or rich text element, found wherever they nest."""
    if isinstance(element, list):
        return "".join(_words(item) for item in element)
    if not isinstance(element, dict):
        return ""
    kind = element.get("type")
    if kind in ("text", "mrkdwn", "plain_text"):
        return element.get("text") if isinstance(element.get("text"), str) else ""
    if kind == "link":
        return element.get("text") or element.get("url", "")
    if kind == "user":
        return f"<@{element.get('user_id')}>"
    if kind == "emoji":
        return f":{element.get('name')}:"
    if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
        return _words(element.get("elements")) + "\n"
    parts = [_words(element.get(key)) for key in ("text", "elements", "fields")]
    return "".join(parts).strip()


def _row(incident_id, channel_id, message: dict, deleted_at=None) -> dict:
    kind = MEMBERSHIP_KINDS.get(message.get("subtype"), EntryKind.MESSAGE)
    details = {}
    if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
        details["thread_ts"] = message["thread_ts"]
    if message.get("files"):
        kind = EntryKind.FILE
        details["files"] = [
            {key: file.get(key) for key in ("name", "filetype", "permalink")}
            for file in message["files"]
        ]
    return timeline.message_row(
        incident_id,
        channel_id=channel_id,
        ts=message["ts"],
        at=slack_time(message["ts"]),
        actor_id=message.get("user") or message.get("bot_id"),
        text=message_text(message),
        kind=kind,
        details=details,
        deleted_at=deleted_at,
    )


def capture_highlight(session: Session, event: dict, highlight_emoji: str) -> None:
    """A :pushpin: reaction or a pin marks the message as a key event; removal unmarks."""
    kind, item = event["type"], event.get("item") or {}
    if kind.startswith("reaction_"):
        if event.get("reaction") != highlight_emoji or item.get("type") != "message":
            return
        source, ts = "reaction", item.get("ts")
    else:
        source, ts = "pin", (item.get("message") or {}).get("ts")
    channel_id = item.get("channel") or event.get("channel_id")
    if channel_id and ts:
        timeline.set_highlight(session, channel_id, ts, source, kind.endswith("_added"))
