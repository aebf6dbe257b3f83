"""Small method families: auth, users, pins, reactions, bookmarks, Socket Mode."""

import copy

from . import messaging
from .api_context import ApiContext
from .args import Args
from .errors import SlackError


def auth_test(ctx: ApiContext, args: Args) -> dict:
    ws = ctx.ws
    return {
        "ok": True,
        "url": f"https://{ws.team_domain}.slack.com/",
        "team": "Warroom Sandbox",
        "user": ws.user(ws.bot_user_id).name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "app_id": ws.app_id,
        "is_enterprise_install": False,
    }


def users_info(ctx: ApiContext, args: Args) -> dict:
    return {"ok": True, "user": ctx.ws.user(args.str("user")).to_api()}


def users_lookup_by_email(ctx: ApiContext, args: Args) -> dict:
    return {"ok": True, "user": ctx.ws.user_by_email(args.str("email")).to_api()}


def _message_item(ctx: ApiContext, args: Args):
    """The channel and message that pins.* and reactions.* address with channel+timestamp."""
    channel = ctx.visible_channel(args.str("channel"))
    ts = args.str("timestamp")
    if ts is None:
        raise SlackError("no_item_specified")
    return channel, ts


def pins_add(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel, ts = _message_item(ctx, args)
        messaging.pin(ctx.ws, channel, ts, ctx.bot)
        return {"ok": True}


def pins_remove(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel, ts = _message_item(ctx, args)
        messaging.unpin(ctx.ws, channel, ts, ctx.bot)
        return {"ok": True}


def pins_list(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = ctx.visible_channel(args.str("channel"))
        items = [
            {
                "type": "message",
                "channel": channel.id,
                "message": copy.deepcopy(channel.messages[ts]),
            }
            for ts in channel.pins
        ]
        return {"ok": True, "items": items}


def reactions_add(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel, ts = _message_item(ctx, args)
        name = args.required("name", "invalid_name")
        messaging.add_reaction(ctx.ws, channel, ts, ctx.bot, name)
        return {"ok": True}


def reactions_remove(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel, ts = _message_item(ctx, args)
        name = args.required("name", "invalid_name")
        messaging.remove_reaction(ctx.ws, channel, ts, ctx.bot, name)
        return {"ok": True}


def bookmarks_add(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = ctx.writable_channel(args.str("channel_id"))
        bookmark = {
            "id": ctx.ws.new_id("Bk"),
            "channel_id": channel.id,
            "title": args.required("title", "invalid_arguments"),
            "type": args.str("type", "link"),
            "link": args.str("link", ""),
            "emoji": args.str("emoji", ""),
            "date_created": ctx.ws.now_seconds(),
            "last_updated_by_user_id": ctx.bot,
        }
        channel.bookmarks.append(bookmark)
        return {"ok": True, "bookmark": copy.deepcopy(bookmark)}


def connections_open(ctx: ApiContext, args: Args) -> dict:
    return {"ok": True, "url": ctx.socket_url()}


METHODS = {
    "auth.test": auth_test,
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
    "pins.add": pins_add,
    "pins.remove": pins_remove,
    "pins.list": pins_list,
    "reactions.add": reactions_add,
    "reactions.remove": reactions_remove,
    "bookmarks.add": bookmarks_add,
    "apps.connections.open": connections_open,
}
