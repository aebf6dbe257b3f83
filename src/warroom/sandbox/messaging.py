"""What happens to messages: post, edit, delete, react, pin.

Shared by the bot's Web API calls and the driver's simulated users, so both produce the
same stored messages and the same events. Callers check who may do what (bots and users
differ); these functions enforce what holds for everyone.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from . import events
from .errors import SlackError
from .models import Channel

if TYPE_CHECKING:
    from .workspace import Workspace


def find_message(channel: Channel, ts: str | None) -> dict:
    message = channel.messages.get(ts or "")
    if message is None:
        raise SlackError("message_not_found")
    return message


def new_message(ws: Workspace, author_id: str, text: str, blocks: list | None) -> dict:
    """A message authored by `author_id`; the bot's messages carry Slack's bot fields."""
    message: dict = {"type": "message", "user": author_id, "text": text, "team": ws.team_id}
    if blocks:
        message["blocks"] = copy.deepcopy(blocks)
    if author_id == ws.bot_user_id:
        message.update(
            bot_id=ws.bot_id,
            app_id=ws.app_id,
            bot_profile={
                "id": ws.bot_id,
                "app_id": ws.app_id,
                "name": "warroom",
                "deleted": False,
                "team_id": ws.team_id,
            },
        )
    return message


def post_message(
    ws: Workspace, channel: Channel, message: dict, thread_ts: str | None = None
) -> dict:
    """Store `message` under a fresh ts (as a reply if `thread_ts`) and report it."""
    with ws.lock:
        if channel.is_archived:
            raise SlackError("is_archived")
        parent = None
        if thread_ts:
            parent = channel.messages.get(thread_ts)
            if parent is None:
                raise SlackError("invalid_thread_ts")
            # Replying to a reply lands in the same thread, as in Slack.
            parent = channel.messages[parent.get("thread_ts", parent["ts"])]
        message["ts"] = ws.clock.next_ts()
        if parent is not None:
            message["thread_ts"] = parent["ts"]
            message["parent_user_id"] = parent["user"]
            _count_reply(parent, message)
        channel.messages[message["ts"]] = message
        ws.emit(events.message_event(channel, message), channel)
        return copy.deepcopy(message)


def post_system_message(
    ws: Workspace, channel: Channel, user_id: str, subtype: str, text: str, **extra
) -> dict:
    """A message Slack itself posts on someone's behalf, such as `channel_join`."""
    message = {"type": "message", "subtype": subtype, "user": user_id, "text": text, **extra}
    return post_message(ws, channel, message)


def _count_reply(parent: dict, reply: dict) -> None:
    parent["thread_ts"] = parent["ts"]
    parent["reply_count"] = parent.get("reply_count", 0) + 1
    reply_users = parent.setdefault("reply_users", [])
    if reply["user"] not in reply_users:
        reply_users.append(reply["user"])
    parent["reply_users_count"] = len(reply_users)
    parent["latest_reply"] = reply["ts"]


def edit_message(
    ws: Workspace, channel: Channel, ts: str, editor_id: str, text: str, blocks: list | None
) -> dict:
    with ws.lock:
        if channel.is_archived:
            raise SlackError("is_archived")
        message = find_message(channel, ts)
        if message.get("user") != editor_id or message.get("subtype"):
            raise SlackError("cant_update_message")
        previous = copy.deepcopy(message)
        message["text"] = text
        if blocks is not None:
            message["blocks"] = copy.deepcopy(blocks)
        event_ts = ws.clock.next_ts()
        message["edited"] = {"user": editor_id, "ts": event_ts}
        ws.emit(events.message_changed(channel, previous, message, event_ts), channel)
        return copy.deepcopy(message)


def delete_message(ws: Workspace, channel: Channel, ts: str, actor_id: str) -> None:
    with ws.lock:
        message = find_message(channel, ts)
        if message.get("user") != actor_id:
            raise SlackError("cant_delete_message")
        del channel.messages[ts]
        if ts in channel.pins:
            channel.pins.remove(ts)
        parent = channel.messages.get(message.get("thread_ts", ts))
        if parent is not None and parent is not message:
            parent["reply_count"] -= 1
        ws.emit(events.message_deleted(channel, message, ws.clock.next_ts()), channel)


def add_reaction(ws: Workspace, channel: Channel, ts: str, user_id: str, name: str) -> None:
    with ws.lock:
        message = find_message(channel, ts)
        reactions = message.setdefault("reactions", [])
        reaction = next((r for r in reactions if r["name"] == name), None)
        if reaction is None:
            reaction = {"name": name, "users": [], "count": 0}
            reactions.append(reaction)
        if user_id in reaction["users"]:
            raise SlackError("already_reacted")
        reaction["users"].append(user_id)
        reaction["count"] += 1
        ws.emit(
            events.reaction_event(
                "reaction_added", user_id, name, channel, message, ws.clock.next_ts()
            ),
            channel,
        )


def remove_reaction(ws: Workspace, channel: Channel, ts: str, user_id: str, name: str) -> None:
    with ws.lock:
        message = find_message(channel, ts)
        reactions = message.get("reactions", [])
        reaction = next((r for r in reactions if r["name"] == name), None)
        if reaction is None or user_id not in reaction["users"]:
            raise SlackError("no_reaction")
        reaction["users"].remove(user_id)
        reaction["count"] -= 1
        if not reaction["users"]:
            reactions.remove(reaction)
        ws.emit(
            events.reaction_event(
                "reaction_removed", user_id, name, channel, message, ws.clock.next_ts()
            ),
            channel,
        )


def pin(ws: Workspace, channel: Channel, ts: str, user_id: str) -> None:
    with ws.lock:
        message = find_message(channel, ts)
        if ts in channel.pins:
            raise SlackError("already_pinned")
        channel.pins.append(ts)
        message["pinned_to"] = [channel.id]
        ws.emit(
            events.pin_event("pin_added", user_id, channel, message, ws.clock.next_ts()), channel
        )


def unpin(ws: Workspace, channel: Channel, ts: str, user_id: str) -> None:
    with ws.lock:
        message = find_message(channel, ts)
        if ts not in channel.pins:
            raise SlackError("not_pinned")
        channel.pins.remove(ts)
        message.pop("pinned_to", None)
        ws.emit(
            events.pin_event("pin_removed", user_id, channel, message, ws.clock.next_ts()), channel
        )
