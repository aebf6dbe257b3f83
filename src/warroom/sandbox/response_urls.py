"""What happens when the bot POSTs to a response_url it got with a command or an action."""

from . import ephemerals, messaging
from .blockkit import validate_message
from .errors import SlackError
from .models import ResponseUrlContext
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


def _original(ws: Workspace, context: ResponseUrlContext):
    """The channel and message the interaction came from, if it was a channel message."""
    if context.is_ephemeral or context.channel_id not in ws.channels or not context.message_ts:
        return None, None
    channel = ws.channels[context.channel_id]
    return channel, channel.messages.get(context.message_ts)


def _original_ephemeral(ws: Workspace, context: ResponseUrlContext) -> dict | None:
    """The ephemeral the interaction came from, while it is still there."""
    if not context.is_ephemeral:
        return None
    return ephemerals.find_ephemeral(ws, context.user_id, context.message_ts)


def _delete_original(ws: Workspace, context: ResponseUrlContext) -> None:
    ephemeral = _original_ephemeral(ws, context)
    if ephemeral is not None:
        ephemerals.delete_ephemeral(ws, ephemeral)
    channel, original = _original(ws, context)
    if original is not None:
        messaging.delete_message(ws, channel, original["ts"], original["user"])


def _replace_original(ws: Workspace, context: ResponseUrlContext, text: str, blocks) -> bool:
    """Replace the message or ephemeral the interaction came from; False if there is none."""
    ephemeral = _original_ephemeral(ws, context)
    if ephemeral is not None:
        ephemerals.replace_ephemeral(ws, ephemeral, text, blocks)
        return True
    channel, original = _original(ws, context)
    if original is not None:
        messaging.edit_message(ws, channel, original["ts"], original["user"], text, blocks)
        return True
    return False


def _apply(ws: Workspace, context: ResponseUrlContext, payload: dict) -> None:
    if payload.get("delete_original"):
        _delete_original(ws, context)
        return
    text, blocks = payload.get("text", ""), payload.get("blocks")
    validate_message(text, blocks)
    if payload.get("replace_original") and _replace_original(ws, context, text, blocks):
        return
    if payload.get("response_type") == "in_channel" and context.channel_id in ws.channels:
        message = messaging.new_message(ws, ws.bot_user_id, text, blocks)
        messaging.post_message(
            ws, ws.channels[context.channel_id], message, payload.get("thread_ts")
        )
    else:
        ephemerals.post_ephemeral(
            ws,
            source="response_url",
            user_id=context.user_id,
            channel_id=context.channel_id,
            text=text,
            blocks=blocks,
            thread_ts=payload.get("thread_ts"),
        )
