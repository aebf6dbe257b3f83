"""The Events API payloads Slack sends when something happens in a workspace.

Pure functions: they shape a state change the way Slack reports it and know nothing
about how (or whether) it is delivered.
"""

import copy
import secrets

from .models import Channel


def message_event(channel: Channel, message: dict) -> dict:
    """A new message, as the `message` event (the bot's own posts included, with `bot_id`)."""
    event = copy.deepcopy(message)
    event.update(channel=channel.id, channel_type=channel.channel_type, event_ts=message["ts"])
    event.pop("reactions", None)
    event.pop("pinned_to", None)
    event.pop("metadata", None)  # delivered only to apps subscribed to metadata events
    return event


def message_changed(channel: Channel, previous: dict, current: dict, event_ts: str) -> dict:
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel.id,
        "channel_type": channel.channel_type,
        "message": copy.deepcopy(current),
        "previous_message": copy.deepcopy(previous),
        "ts": event_ts,
        "event_ts": event_ts,
    }


def message_deleted(channel: Channel, previous: dict, event_ts: str) -> dict:
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": channel.id,
        "channel_type": channel.channel_type,
        "deleted_ts": previous["ts"],
        "previous_message": copy.deepcopy(previous),
        "ts": event_ts,
        "event_ts": event_ts,
    }


def reaction_event(kind: str, user_id: str, name: str, channel: Channel, message: dict, event_ts):
    """`reaction_added` or `reaction_removed` (`kind`) on a message."""
    return {
        "type": kind,
        "user": user_id,
        "reaction": name,
        "item_user": message.get("user"),
        "item": {"type": "message", "channel": channel.id, "ts": message["ts"]},
        "event_ts": event_ts,
    }


def pin_event(kind: str, user_id: str, channel: Channel, message: dict, event_ts: str) -> dict:
    """`pin_added` or `pin_removed` (`kind`) for a message."""
    return {
        "type": kind,
        "user": user_id,
        "channel_id": channel.id,
        "item": {
            "type": "message",
            "channel": channel.id,
            "created_by": user_id,
            "message": copy.deepcopy(message),
        },
        "event_ts": event_ts,
    }


def membership_event(
    kind: str,
    user_id: str,
    channel: Channel,
    team_id: str,
    event_ts: str,
    inviter: str | None = None,
) -> dict:
    """`member_joined_channel` or `member_left_channel` (`kind`)."""
    event = {
        "type": kind,
        "user": user_id,
        "channel": channel.id,
        "channel_type": "G" if channel.is_private else "C",
        "team": team_id,
        "event_ts": event_ts,
    }
    if inviter:
        event["inviter"] = inviter
    return event


def app_home_opened(user_id: str, dm_channel_id: str, view: dict | None, event_ts: str) -> dict:
    """The user opened the app's Home tab; `channel` is their DM with the app."""
    event = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": dm_channel_id,
        "tab": "home",
        "event_ts": event_ts,
    }
    if view is not None:
        event["view"] = copy.deepcopy(view)
    return event


def event_callback(
    event: dict,
    *,
    team_id: str,
    app_id: str,
    bot_user_id: str,
    event_time: int,
    event_id: str | None = None,
) -> dict:
    """Wrap an event in the `event_callback` envelope the Events API posts."""
    return {
        "token": "sandbox-verification-token",
        "team_id": team_id,
        "api_app_id": app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or "Ev" + secrets.token_hex(5).upper(),
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
