"""conversations.* methods."""

import base64
import copy

from .api_context import ApiContext
from .args import Args
from .errors import SlackError
from .models import Channel

MAX_TOPIC_LENGTH = 250
MAX_PAGE_SIZE = 999


def _channel_answer(ctx: ApiContext, channel) -> dict:
    return {"ok": True, "channel": channel.to_api(ctx.bot)}


def _not_a_direct_message(channel: Channel) -> Channel:
    """Membership, names and archiving belong to channels; DMs refuse them, as in Slack."""
    if channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    return channel


def create(ctx: ApiContext, args: Args) -> dict:
    name = args.str("name", "")
    channel = ctx.ws.create_channel(name, ctx.bot, is_private=args.bool("is_private"))
    return _channel_answer(ctx, channel)


def invite(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = _not_a_direct_message(ctx.writable_channel(args.str("channel")))
        user_ids = args.id_list("users")
        if not user_ids:
            raise SlackError("no_user")
        # All-or-nothing: check every user before adding anyone.
        for user_id in user_ids:
            if user_id == ctx.bot:
                raise SlackError("cant_invite_self")
            ctx.ws.user(user_id)
            if user_id in channel.members:
                raise SlackError("already_in_channel")
        for user_id in user_ids:
            ctx.ws.add_member(channel.id, user_id, inviter=ctx.bot)
        return _channel_answer(ctx, channel)


def join(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = _not_a_direct_message(ctx.visible_channel(args.str("channel")))
        if channel.is_archived:
            raise SlackError("is_archived")
        joined = ctx.ws.add_member(channel.id, ctx.bot)
        answer = _channel_answer(ctx, channel)
        if not joined:
            answer["warning"] = "already_in_channel"
            answer["response_metadata"] = {"warnings": ["already_in_channel"]}
        return answer


def leave(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = _not_a_direct_message(ctx.member_channel(args.str("channel")))
        ctx.ws.remove_member(channel.id, ctx.bot)
        return {"ok": True}


def _set_text_attribute(attribute: str):
    """conversations.setTopic and setPurpose differ only in the attribute they set."""

    def method(ctx: ApiContext, args: Args) -> dict:
        with ctx.ws.lock:
            channel = ctx.writable_channel(args.str("channel"))
            value = args.str(attribute, "")
            if len(value) > MAX_TOPIC_LENGTH:
                raise SlackError("too_long")
            setattr(channel, attribute, value)
            return _channel_answer(ctx, channel)

    return method


def open_conversation(ctx: ApiContext, args: Args) -> dict:
    """conversations.open for a 1:1 DM with the bot, by `users` (one id) or by `channel`.
    Opening it again answers with the same channel, flagged `already_open`."""
    with ctx.ws.lock:
        channel_id = args.str("channel")
        if channel_id is not None:
            channel = ctx.visible_channel(channel_id)
            if not channel.is_im:
                raise SlackError("method_not_supported_for_channel_type")
            already_open = True
        else:
            user_ids = args.id_list("users")
            if not user_ids:
                raise SlackError("users_list_not_supplied")
            if len(user_ids) > 1:
                raise SlackError("too_many_users", "the sandbox opens 1:1 direct messages only")
            already_open = ctx.ws.direct_message(user_ids[0]) is not None
            channel = ctx.ws.open_direct_message(user_ids[0])
        answer = _channel_answer(ctx, channel)
        if already_open:
            answer.update(no_op=True, already_open=True)
        return answer


def info(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        return _channel_answer(ctx, ctx.visible_channel(args.str("channel")))


def archive(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = _not_a_direct_message(ctx.member_channel(args.str("channel")))
        if channel.is_archived:
            raise SlackError("already_archived")
        channel.is_archived = True
        return {"ok": True}


def rename(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = _not_a_direct_message(ctx.member_channel(args.str("channel")))
        return _channel_answer(ctx, ctx.ws.rename_channel(channel.id, args.str("name", "")))


def members(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        channel = ctx.visible_channel(args.str("channel"))
        start = int(_decode_cursor(args.str("cursor"), "offset") or 0)
        limit = _limit(args)
        page = channel.members[start : start + limit]
        more = start + limit < len(channel.members)
        cursor = _encode_cursor("offset", str(start + limit)) if more else ""
        return {"ok": True, "members": list(page), "response_metadata": {"next_cursor": cursor}}


# --- history and replies ------------------------------------------------------------


def _encode_cursor(kind: str, value: str) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def _decode_cursor(cursor: str | None, kind: str) -> str | None:
    if not cursor:
        return None
    try:
        found_kind, value = base64.b64decode(cursor).decode().split(":", 1)
    except ValueError:
        raise SlackError("invalid_cursor") from None
    if found_kind != kind:
        raise SlackError("invalid_cursor")
    return value


def _limit(args: Args) -> int:
    limit = args.int("limit", 100)
    if limit < 1:
        raise SlackError("invalid_limit")
    return min(limit, MAX_PAGE_SIZE)


def _in_range(ts: str, args: Args) -> bool:
    """Slack's oldest/latest window, exclusive unless `inclusive`."""
    value = float(ts)
    oldest = float(args.str("oldest", "0"))
    latest = float(args.str("latest", "9999999999"))
    if args.bool("inclusive"):
        return oldest <= value <= latest
    return oldest < value < latest


def _page(messages: list[dict], args: Args, *, newer_after_cursor: bool) -> dict:
    """One page of `messages` (already in answer order); the cursor remembers the last ts."""
    boundary = _decode_cursor(args.str("cursor"), "next_ts")
    if boundary is not None:
        after = float(boundary)
        messages = [
            m
            for m in messages
            if (float(m["ts"]) > after if newer_after_cursor else float(m["ts"]) < after)
        ]
    limit = _limit(args)
    page, has_more = messages[:limit], len(messages) > limit
    cursor = _encode_cursor("next_ts", page[-1]["ts"]) if has_more else ""
    return {
        "messages": copy.deepcopy(page),
        "has_more": has_more,
        "response_metadata": {"next_cursor": cursor},
    }


def _check_window(args: Args) -> None:
    for name, error in (("oldest", "invalid_ts_oldest"), ("latest", "invalid_ts_latest")):
        try:
            float(args.str(name, "0"))
        except ValueError:
            raise SlackError(error) from None


def history(ctx: ApiContext, args: Args) -> dict:
    """Top-level messages (thread parents included, replies not), newest first."""
    _check_window(args)
    with ctx.ws.lock:
        channel = ctx.member_channel(args.str("channel"))
        top_level = [
            m
            for m in channel.messages.values()
            if m.get("thread_ts", m["ts"]) == m["ts"] and _in_range(m["ts"], args)
        ]
        top_level.reverse()
        answer = _without_metadata(_page(top_level, args, newer_after_cursor=False), args)
        return {"ok": True, **answer, "pin_count": len(channel.pins)}


def _without_metadata(answer: dict, args: Args) -> dict:
    """Slack shows messages' metadata only to those who ask for it."""
    if not args.bool("include_all_metadata"):
        for message in answer["messages"]:
            message.pop("metadata", None)
    return answer


def replies(ctx: ApiContext, args: Args) -> dict:
    """A thread oldest first; like Slack, every page starts with the parent message."""
    _check_window(args)
    with ctx.ws.lock:
        channel = ctx.member_channel(args.str("channel"))
        parent = channel.messages.get(args.str("ts", ""))
        if parent is None:
            raise SlackError("thread_not_found")
        thread_ts = parent.get("thread_ts", parent["ts"])
        parent = channel.messages[thread_ts]
        thread = [
            m
            for m in channel.messages.values()
            if m.get("thread_ts") == thread_ts and m is not parent and _in_range(m["ts"], args)
        ]
        answer = _page(thread, args, newer_after_cursor=True)
        answer["messages"].insert(0, copy.deepcopy(parent))
        return {"ok": True, **_without_metadata(answer, args)}


METHODS = {
    "conversations.create": create,
    "conversations.invite": invite,
    "conversations.join": join,
    "conversations.leave": leave,
    "conversations.setTopic": _set_text_attribute("topic"),
    "conversations.setPurpose": _set_text_attribute("purpose"),
    "conversations.open": open_conversation,
    "conversations.info": info,
    "conversations.archive": archive,
    "conversations.rename": rename,
    "conversations.members": members,
    "conversations.history": history,
    "conversations.replies": replies,
}
