"""chat.* methods: the bot posting, editing and deleting its messages."""

from . import ephemerals, messaging
from .api_context import ApiContext
from .args import Args
from .blockkit import validate_message
from .errors import SlackError


def _content(args: Args) -> tuple[str, list | None]:
    text = args.str("text", "")
    blocks = args.json("blocks", list, error="invalid_blocks_format")
    validate_message(text, blocks)
    return text, blocks


def _metadata(args: Args) -> dict | None:
    """Message metadata: an `event_type` and an `event_payload` object, nothing else."""
    metadata = args.json("metadata", dict, error="invalid_metadata_format")
    if metadata is None:
        return None
    if set(metadata) != {"event_type", "event_payload"} or not (
        isinstance(metadata["event_type"], str) and isinstance(metadata["event_payload"], dict)
    ):
        raise SlackError("invalid_metadata_schema")
    return metadata


def post_message(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = ctx.writable_channel(ctx.conversation_id(args.str("channel")))
        text, blocks = _content(args)
        message = messaging.new_message(ctx.ws, ctx.bot, text, blocks)
        if metadata := _metadata(args):
            message["metadata"] = metadata
        posted = messaging.post_message(ctx.ws, channel, message, args.str("thread_ts"))
        return {"ok": True, "channel": channel.id, "ts": posted["ts"], "message": posted}


def update(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = ctx.visible_channel(ctx.conversation_id(args.str("channel")))
        text, blocks = _content(args)
        ts = args.str("ts")
        updated = messaging.edit_message(ctx.ws, channel, ts, ctx.bot, text, blocks)
        return {"ok": True, "channel": channel.id, "ts": ts, "text": text, "message": updated}


def delete(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = ctx.visible_channel(ctx.conversation_id(args.str("channel")))
        ts = args.str("ts")
        messaging.delete_message(ctx.ws, channel, ts, ctx.bot)
        return {"ok": True, "channel": channel.id, "ts": ts}


def post_ephemeral(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = ctx.writable_channel(args.str("channel"))
        user_id = args.str("user")
        ctx.ws.user(user_id)
        if user_id not in channel.members:
            raise SlackError("user_not_in_channel")
        text, blocks = _content(args)
        ephemeral = ephemerals.post_ephemeral(
            ctx.ws,
            source="chat.postEphemeral",
            user_id=user_id,
            channel_id=channel.id,
            text=text,
            blocks=blocks,
            thread_ts=args.str("thread_ts"),
        )
        return {"ok": True, "message_ts": ephemeral["ts"]}


def get_permalink(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = ctx.visible_channel(args.str("channel"))
        message = messaging.find_message(channel, args.str("message_ts"))
        link = ctx.ws.permalink(channel.id, message["ts"], message.get("thread_ts"))
        return {"ok": True, "channel": channel.id, "permalink": link}


METHODS = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.delete": delete,
    "chat.postEphemeral": post_ephemeral,
    "chat.getPermalink": get_permalink,
}
