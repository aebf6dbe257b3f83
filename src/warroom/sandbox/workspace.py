"""The in-memory Slack workspace: team, users, channels and membership, behind one lock.

Messages (messaging.py) and views (view_store.py) live here too but have their own
modules; everything takes `workspace.lock`, so concurrent API calls see one consistent
workspace (two creates of the same channel name: exactly one wins).
"""

import itertools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from . import events
from .clock import WorkspaceClock
from .errors import SlackError
from .messaging import post_system_message
from .models import Channel, ResponseUrlContext, Trigger, UploadedFile, User
from .view_store import ViewStore

CHANNEL_NAME_MAX = 80
CHANNEL_NAME_ALLOWED = re.compile(r"[a-z0-9_-]+")
TRIGGER_LIFETIME_SECONDS = 3.0
SEEDED_HUMANS = ("alice", "bob", "priya", "sam", "raj")


@dataclass(frozen=True)
class CallRecord:
    """One Web API call as the sandbox saw it, faulted ones included."""

    method: str
    args: dict
    ok: bool
    error: str | None
    at: float
    http_status: int = 200


def validate_channel_name(name: str) -> None:
    if not name:
        raise SlackError("invalid_name_required")
    if len(name) > CHANNEL_NAME_MAX:
        raise SlackError("invalid_name_maxlength")
    if not CHANNEL_NAME_ALLOWED.fullmatch(name):
        raise SlackError("invalid_name_specials")


class Workspace:
    def __init__(self, clock: WorkspaceClock, *, bot_name: str = "warroom") -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.team_id = "T0SANDBOX1"
        self.team_domain = "warroom-sandbox"
        self.app_id = "A0SANDBOX1"
        self.bot_id = "B0SANDBOX1"
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.files: dict[str, UploadedFile] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrlContext] = {}
        self.ephemerals: list[dict] = []
        self._direct_message_ids: dict[str, str] = {}  # user id -> the DM's channel id
        self.calls: list[CallRecord] = []
        self._sequence = itertools.count(1)
        self.views = ViewStore(self.lock, self.new_id, self.team_id, self.app_id, self.bot_id)
        # Set by the sandbox; called under the lock, so it must only enqueue.
        self.event_listener: Callable[[dict], None] | None = None
        self.bot_user_id = self.add_user(bot_name, real_name="Warroom", is_bot=True)
        humans = [self.add_user(name) for name in SEEDED_HUMANS]
        general = self.create_channel("general", humans[0], is_private=False)
        general.members.extend(humans[1:])

    # --- identifiers and events -------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        return f"{prefix}0{next(self._sequence):08X}"

    def now_seconds(self) -> int:
        return int(self.clock.now())

    def emit(self, event: dict, channel: Channel | None = None) -> None:
        """Report an event to the bot, but only for channels the bot can see (is a member of)."""
        if channel is not None and self.bot_user_id not in channel.members:
            return
        if self.event_listener is not None:
            self.event_listener(event)

    # --- users ----------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        real_name: str | None = None,
        *,
        is_admin: bool = False,
        is_bot: bool = False,
    ) -> str:
        with self.lock:
            user = User(
                id=self.new_id("U"),
                team_id=self.team_id,
                name=name,
                real_name=real_name or name.capitalize(),
                is_admin=is_admin,
                is_bot=is_bot,
            )
            self.users[user.id] = user
            return user.id

    def user(self, user_id: str | None) -> User:
        with self.lock:
            if user_id not in self.users:
                raise SlackError("user_not_found")
            return self.users[user_id]

    def user_by_email(self, email: str | None) -> User:
        with self.lock:
            for user in self.users.values():
                if email and user.email == email.lower() and not user.is_bot:
                    return user
        raise SlackError("users_not_found")

    def user_id(self, name: str) -> str:
        with self.lock:
            for user in self.users.values():
                if user.name == name:
                    return user.id
        raise KeyError(f"no user named {name!r}")

    # --- channels -------------------------------------------------------------------

    def channel(self, channel_id: str | None) -> Channel:
        with self.lock:
            if channel_id not in self.channels:
                raise SlackError("channel_not_found")
            return self.channels[channel_id]

    def channel_by_name(self, name: str) -> Channel | None:
        with self.lock:
            return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def create_channel(self, name: str, creator_id: str, *, is_private: bool) -> Channel:
        validate_channel_name(name)
        with self.lock:
            if self.channel_by_name(name) is not None:
                raise SlackError("name_taken")
            channel = Channel(
                id=self.new_id("C"),
                name=name,
                is_private=is_private,
                creator=creator_id,
                created=self.now_seconds(),
                members=[creator_id],
            )
            self.channels[channel.id] = channel
            return channel

    def rename_channel(self, channel_id: str, name: str) -> Channel:
        validate_channel_name(name)
        with self.lock:
            channel = self.channel(channel_id)
            existing = self.channel_by_name(name)
            if existing is not None and existing is not channel:
                raise SlackError("name_taken")
            channel.name = name
            return channel

    def direct_message(self, user_id: str) -> Channel | None:
        """The user's DM with the bot, or None if it was never opened."""
        with self.lock:
            return self.channels.get(self._direct_message_ids.get(user_id, ""))

    def open_direct_message(self, user_id: str) -> Channel:
        """The user's DM with the bot, opened on first use: always the same D channel, with
        both as members and, as in Slack, no join notices."""
        with self.lock:
            self.user(user_id)
            if user_id == self.bot_user_id:
                raise SlackError("invalid_user_combination")
            existing = self.direct_message(user_id)
            if existing is not None:
                return existing
            channel = Channel(
                id=self.new_id("D"),
                name="",
                is_private=True,
                creator=user_id,
                created=self.now_seconds(),
                members=[self.bot_user_id, user_id],
                im_user=user_id,
            )
            self.channels[channel.id] = channel
            self._direct_message_ids[user_id] = channel.id
            return channel

    def writable_channel(self, channel_id: str | None) -> Channel:
        """A channel that can still change: archived channels are read-only."""
        channel = self.channel(channel_id)
        if channel.is_archived:
            raise SlackError("is_archived")
        return channel

    def add_member(self, channel_id: str, user_id: str, *, inviter: str | None = None) -> bool:
        """Add a member, post the `channel_join` message and report it; False if already in."""
        with self.lock:
            channel = self.writable_channel(channel_id)
            self.user(user_id)
            if user_id in channel.members:
                return False
            channel.members.append(user_id)
            extra = {"inviter": inviter} if inviter else {}
            post_system_message(
                self,
                channel,
                user_id,
                "channel_join",
                f"<@{user_id}> has joined the channel",
                **extra,
            )
            self.emit(
                events.membership_event(
                    "member_joined_channel",
                    user_id,
                    channel,
                    self.team_id,
                    self.clock.next_ts(),
                    inviter,
                ),
                channel,
            )
            return True

    def remove_member(self, channel_id: str, user_id: str) -> None:
        with self.lock:
            channel = self.writable_channel(channel_id)
            if user_id not in channel.members:
                raise SlackError("not_in_channel")
            post_system_message(
                self, channel, user_id, "channel_leave", f"<@{user_id}> has left the channel"
            )
            # Reported before the removal so that a bot leaving still hears about it.
            self.emit(
                events.membership_event(
                    "member_left_channel", user_id, channel, self.team_id, self.clock.next_ts()
                ),
                channel,
            )
            channel.members.remove(user_id)

    # --- triggers and response URLs -------------------------------------------------

    def issue_trigger(self, user_id: str) -> str:
        with self.lock:
            trigger_id = f"{next(self._sequence)}.{self.now_seconds()}.sandbox"
            self.triggers[trigger_id] = Trigger(user_id, self.clock.now())
            return trigger_id

    def redeem_trigger(self, trigger_id: str | None) -> str:
        """The user a fresh trigger_id was issued for (Slack lets it open one modal in 3 s)."""
        with self.lock:
            trigger = self.triggers.get(trigger_id or "")
            if trigger is None:
                raise SlackError("invalid_trigger_id")
            if self.clock.now() - trigger.issued_at >= TRIGGER_LIFETIME_SECONDS:
                raise SlackError("expired_trigger_id")
            return trigger.user_id

    def issue_response_url(self, context: ResponseUrlContext) -> str:
        """The token part of a response_url; the server turns it into an absolute URL."""
        with self.lock:
            token = self.new_id("R")
            self.response_urls[token] = context
            return token

    def permalink(self, channel_id: str, ts: str, thread_ts: str | None = None) -> str:
        link = f"https://{self.team_domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel_id}"
        return link
