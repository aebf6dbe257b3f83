"""Modals and App Home tabs: what views.open/push/update/publish store, per user.

Each modal belongs to the user it was opened for and sits on that user's stack (views.push
adds to it); a `hash` changes on every update so that stale updates fail with
`hash_conflict`, as in Slack.
"""

import copy
import secrets
import threading

from .errors import SlackError


class ViewStore:
    def __init__(self, lock: threading.RLock, new_id, team_id: str, app_id: str, bot_id: str):
        self._lock = lock
        self._new_id = new_id
        self._identity = {
            "team_id": team_id,
            "app_id": app_id,
            "bot_id": bot_id,
            "app_installed_team_id": team_id,
        }
        self._views: dict[str, dict] = {}
        self._owners: dict[str, str] = {}
        self._modal_stacks: dict[str, list[str]] = {}
        self._homes: dict[str, str] = {}

    def _store(
        self,
        view_id: str,
        user_id: str,
        view: dict,
        *,
        root_view_id: str,
        previous_view_id: str | None,
    ) -> dict:
        # Slack's defaults, then what the bot sent, then what only Slack decides.
        stored = {
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            "clear_on_close": False,
            "notify_on_close": False,
            **copy.deepcopy(view),
            "id": view_id,
            **self._identity,
            "hash": f"{secrets.randbits(32)}.{secrets.token_hex(4)}",
            "root_view_id": root_view_id,
            "previous_view_id": previous_view_id,
        }
        self._views[view_id] = stored
        self._owners[view_id] = user_id
        return copy.deepcopy(stored)

    def open(self, user_id: str, view: dict) -> dict:
        with self._lock:
            view_id = self._new_id("V")
            self._modal_stacks[user_id] = [view_id]
            return self._store(view_id, user_id, view, root_view_id=view_id, previous_view_id=None)

    def push(self, user_id: str, view: dict) -> dict:
        with self._lock:
            stack = self._modal_stacks.get(user_id)
            if not stack:
                raise SlackError("not_found")
            view_id = self._new_id("V")
            stored = self._store(
                view_id, user_id, view, root_view_id=stack[0], previous_view_id=stack[-1]
            )
            stack.append(view_id)
            return stored

    def find(self, view_id: str | None = None, external_id: str | None = None) -> str:
        with self._lock:
            if view_id in self._views:
                return view_id
            for candidate, view in self._views.items():
                if external_id and view.get("external_id") == external_id:
                    return candidate
            raise SlackError("not_found")

    def update(self, view_id: str, view: dict, expected_hash: str | None = None) -> dict:
        with self._lock:
            current = self._views[view_id]
            if expected_hash and expected_hash != current["hash"]:
                raise SlackError("hash_conflict")
            return self._store(
                view_id,
                self._owners[view_id],
                view,
                root_view_id=current["root_view_id"],
                previous_view_id=current["previous_view_id"],
            )

    def publish(self, user_id: str, view: dict, expected_hash: str | None = None) -> dict:
        with self._lock:
            view_id = self._homes.get(user_id)
            if view_id is None:
                view_id = self._new_id("V")
                self._homes[user_id] = view_id
            elif expected_hash and expected_hash != self._views[view_id]["hash"]:
                raise SlackError("hash_conflict")
            return self._store(view_id, user_id, view, root_view_id=view_id, previous_view_id=None)

    def close(self, user_id: str, view_id: str | None = None) -> None:
        """Close `view_id` and the views pushed above it; None closes the whole stack
        (what `response_action: clear` does)."""
        with self._lock:
            stack = self._modal_stacks.get(user_id, [])
            start = stack.index(view_id) if view_id in stack else 0
            for closed in stack[start:]:
                self._views.pop(closed, None)
                self._owners.pop(closed, None)
            del stack[start:]

    def top(self, user_id: str) -> dict | None:
        """The modal the user is looking at: the top of their stack, if any is open."""
        with self._lock:
            stack = self._modal_stacks.get(user_id)
            return copy.deepcopy(self._views[stack[-1]]) if stack else None

    def get(self, view_id: str) -> dict:
        with self._lock:
            if view_id not in self._views:
                raise SlackError("not_found")
            return copy.deepcopy(self._views[view_id])

    def owner(self, view_id: str) -> str:
        with self._lock:
            return self._owners[view_id]

    def home(self, user_id: str) -> dict | None:
        with self._lock:
            view_id = self._homes.get(user_id)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    def snapshot(self) -> dict[str, dict]:
        with self._lock:
            return {
                view_id: {
                    "id": view_id,
                    "view": copy.deepcopy(view),
                    "user": self._owners[view_id],
                    "hash": view["hash"],
                }
                for view_id, view in self._views.items()
            }
