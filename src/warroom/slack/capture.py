"""Slack events about messages, turned into timeline changes.

A message's time is the `ts` Slack gave it, never the time the event reached us.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from warroom import timeline
from warroom.domain import EntryKind

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
    recorded: a subtype that is no message, or warroom's own post, which is on the timeline
    already as what it announces."""
    subtype = event.get("subtype")
    if is_own(event) or not (subtype in MEMBERSHIP_KINDS or subtype in MESSAGE_SUBTYPES):
        return None
    return _row(incident_id, event["channel"], event)


def capture_change(
    session: Session, event: dict, incident_id: int, is_own: Callable[[dict], bool]
) -> None:
    """An edit or a deletion; of warroom's own posts, ignored as the posts are."""
    if is_own(event.get("message") or event.get("previous_message") or event):
        return
    channel_id = event["channel"]
    if event["subtype"] == "message_changed":
        message = event["message"]
        if not timeline.edit_message(
            session, channel_id, message["ts"], message.get("text", ""), slack_time(event["ts"])
        ):
            timeline.record_messages(session, [_row(incident_id, channel_id, message)])
    else:
        deleted_at = slack_time(event["ts"])
        if not timeline.delete_message(session, channel_id, event["deleted_ts"], deleted_at):
            # Deleted before we saw it: keep a tombstone so a late copy cannot revive it.
            previous = event.get("previous_message") or {"ts": event["deleted_ts"]}
            tombstone = _row(incident_id, channel_id, previous, deleted_at=deleted_at)
            timeline.record_messages(session, [tombstone])


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
        text=message.get("text", ""),
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
