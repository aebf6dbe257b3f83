"""Ephemeral messages: seen by one user only, kept by the sandbox in `ws.ephemerals`.

chat.postEphemeral and response_url answers both land here. Each gets its own ts from the
workspace clock: a click on one of its buttons names it by that ts (`container.message_ts`),
and a response_url answer to that click can replace or delete it in place.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .workspace import Workspace


def post_ephemeral(
    ws: Workspace,
    *,
    source: str,
    user_id: str,
    channel_id: str | None,
    text: str,
    blocks: list | None,
    thread_ts: str | None = None,
) -> dict:
    """Store a new ephemeral for `user_id`; `source` says who made it (for tests)."""
    with ws.lock:
        ephemeral = {
            "source": source,
            "user": user_id,
            "channel": channel_id,
            "text": text,
            "blocks": copy.deepcopy(blocks or []),
            "thread_ts": thread_ts,
            "ts": ws.clock.next_ts(),
        }
        ws.ephemerals.append(ephemeral)
        return ephemeral


def find_ephemeral(ws: Workspace, user_id: str, ts: str | None) -> dict | None:
    """The user's ephemeral with this ts, or None (another user's is as good as missing)."""
    with ws.lock:
        return next((e for e in ws.ephemerals if e["ts"] == ts and e["user"] == user_id), None)


def replace_ephemeral(ws: Workspace, ephemeral: dict, text: str, blocks: list | None) -> None:
    """New content under the same ts; like Slack, a text-only replacement drops the blocks."""
    with ws.lock:
        ephemeral["text"] = text
        ephemeral["blocks"] = copy.deepcopy(blocks or [])


def delete_ephemeral(ws: Workspace, ephemeral: dict) -> None:
    with ws.lock:
        ws.ephemerals.remove(ephemeral)
