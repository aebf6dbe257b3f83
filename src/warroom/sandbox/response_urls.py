"""What happens when the bot POSTs to a response_url it got with a command or an action."""

from . import messaging
from .blockkit import validate_message
from .errors import SlackError
from .workspace import Workspace


def handle_response_url(ws: Workspace, token: str, payload: dict) -> tuple[int, dict]:
    """Apply one response_url post; (HTTP status, JSON body) as Slack answers it."""
    with ws.lock:
        context = ws.response_urls.get(token)
        if context is None:
            return 404, {"ok": False, "error": "expired_url"}
        try:
            _apply(ws, context, payload)
        except SlackError as error:
            return 400, error.to_response()
        return 200, {"ok": True}


def _original(ws: Workspace, context):
    """The channel and message the interaction came from, if it was a channel message."""
    if context.channel_id not in ws.channels or not context.message_ts:
        return None, None
    channel = ws.channels[context.channel_id]
    return channel, channel.messages.get(context.message_ts)


def _apply(ws: Workspace, context, payload: dict) -> None:
    channel, original = _original(ws, context)
    if payload.get("delete_original"):
        if original is not None:
            messaging.delete_message(ws, channel, original["ts"], original["user"])
        return
    text, blocks = payload.get("text", ""), payload.get("blocks")
    validate_message(text, blocks)
    if payload.get("replace_original") and original is not None:
        messaging.edit_message(ws, channel, original["ts"], original["user"], text, blocks)
    elif payload.get("response_type") == "in_channel" and context.channel_id in ws.channels:
        message = messaging.new_message(ws, ws.bot_user_id, text, blocks)
        messaging.post_message(
            ws, ws.channels[context.channel_id], message, payload.get("thread_ts")
        )
    else:
        ws.ephemerals.append(
            {
                "source": "response_url",
                "user": context.user_id,
                "channel": context.channel_id,
                "text": text,
                "blocks": blocks or [],
                "thread_ts": payload.get("thread_ts"),
                "ts": ws.clock.next_ts(),
            }
        )
