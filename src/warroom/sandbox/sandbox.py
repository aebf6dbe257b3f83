"""`Sandbox`: a local Slack workspace the bot talks to over real HTTP and WebSockets.

Wires the pieces together (workspace, Web API, server, event delivery, driver) and offers
tests a read-only view of the workspace. The bot is configured with `api_url`, the tokens
and the signing secret, and cannot tell it is not talking to Slack.
"""

import copy
import dataclasses
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import events
from .api_context import ApiContext
from .bot_connection import BotConnection
from .clock import WorkspaceClock
from .delivery import DeliveryAttempt, EventDelivery
from .driver import Driver
from .faults import Faults
from .scopes import EVENT_SCOPES
from .server import SandboxServer
from .sign_in import SignIn
from .socket_hub import SocketHub
from .web_api import WebApi
from .workspace import CallRecord, Workspace

MESSAGE_SUBSCRIPTIONS = {
    "channel": "message.channels",
    "group": "message.groups",
    "im": "message.im",
    "mpim": "message.mpim",
}


def subscription_name(event: dict) -> str:
    """The manifest's name for what an event belongs to: `message.channels` for a message
    in a public channel, otherwise the event's type."""
    if event["type"] == "message":
        return MESSAGE_SUBSCRIPTIONS.get(event.get("channel_type"), "message.channels")
    return event["type"]


@dataclass(frozen=True)
class ChannelSnapshot:
    """A copy of a channel at one moment."""

    id: str
    name: str
    is_private: bool
    is_archived: bool
    topic: str
    purpose: str
    members: list[str]
    creator: str
    created: int
    pins: list[str]  # pinned message ts, in pinning order
    bookmarks: list[dict]
    is_im: bool = False


# Slack's own membership notices; `messages()` leaves them out unless asked, so tests see
# the conversation itself.
MEMBERSHIP_SUBTYPES = frozenset({"channel_join", "channel_leave"})


class Sandbox:
    def __init__(
        self,
        signing_secret: str = "sandbox-signing-secret",
        bot_token: str = "xoxb-sandbox-bot-token",
        app_token: str = "xapp-sandbox-app-token",
        bot_events: Iterable[str] | None = None,
        bot_scopes: Iterable[str] | None = None,
        client_id: str = "sandbox-client-id",
        client_secret: str = "sandbox-client-secret",
    ) -> None:
        """`bot_events` are the app's event subscriptions, named as in a Slack manifest
        (`message.channels`, `reaction_added`...); like Slack, the sandbox delivers only
        those. None delivers everything. `bot_scopes` are the bot token's scopes: a method
        needing another fails with `missing_scope`, and so does subscribing to an event
        without its scope. None grants every scope."""
        self.bot_events = None if bot_events is None else frozenset(bot_events)
        self.bot_scopes = None if bot_scopes is None else frozenset(bot_scopes)
        self._check_subscriptions()
        self._scopes_used: set[str] = set()  # by deliveries; the Web API counts its own
        self.signing_secret = signing_secret
        self.bot_token = bot_token
        self.app_token = app_token
        self.clock = WorkspaceClock()
        self.workspace = Workspace(self.clock)
        self.faults = Faults()
        self._hub = SocketHub(self.workspace.app_id)
        self.bot_connection = BotConnection(signing_secret, self._hub)
        self.delivery = EventDelivery(self.bot_connection)
        self._still_working: list[Callable[[], bool]] = []
        self.workspace.event_listener = self._on_event
        context = ApiContext(self.workspace, url_for=self.url_for, socket_url=self._socket_url)
        self.sign_in = SignIn(client_id, client_secret)  # Sign in with Slack, for dashboards
        self._web_api = WebApi(
            context,
            self.faults,
            bot_token=bot_token,
            app_token=app_token,
            bot_scopes=self.bot_scopes,
            sign_in=self.sign_in,
        )
        self._server = SandboxServer(self._web_api, context, self.sign_in, self._hub)
        self.driver = Driver(self)

    @classmethod
    def for_app(cls, manifest: dict, **options) -> "Sandbox":
        """A sandbox for the app a Slack app manifest describes: its event subscriptions,
        and its bot token granted the scopes the manifest asks for."""
        return cls(
            bot_events=manifest["settings"]["event_subscriptions"]["bot_events"],
            bot_scopes=manifest["oauth_config"]["scopes"]["bot"],
            **options,
        )

    # --- lifecycle ------------------------------------------------------------------

    def start(self) -> "Sandbox":
        self._server.start()
        self.delivery.start()
        return self

    def stop(self) -> None:
        self.delivery.stop()
        self._server.stop()
        self.bot_connection.close()

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- addresses and identities ---------------------------------------------------

    def url_for(self, path: str) -> str:
        return self._server.base_url + path

    @property
    def api_url(self) -> str:
        """For `WebClient(base_url=...)`, trailing slash included."""
        return self.url_for("api/")

    def _socket_url(self) -> str:
        base = self._server.base_url.replace("http://", "ws://", 1)
        return f"{base}socket?ticket={uuid.uuid4()}&app_id={self.workspace.app_id}"

    @property
    def bot_user_id(self) -> str:
        return self.workspace.bot_user_id

    @property
    def bot_id(self) -> str:
        return self.workspace.bot_id

    @property
    def team_id(self) -> str:
        return self.workspace.team_id

    @property
    def app_id(self) -> str:
        return self.workspace.app_id

    # --- reaching the bot -------------------------------------------------------------

    def connect_http(self, *request_urls: str) -> None:
        """Deliver to the bot's request URL (used whenever no Socket Mode connection is up).
        Given several, the bot's replicas, each request goes to the next in turn."""
        self.bot_connection.request_urls = request_urls

    def wait_for_socket(self, timeout: float = 5.0) -> None:
        if not self._hub.connected.wait(timeout):
            raise TimeoutError("the bot did not open a Socket Mode connection")

    @property
    def latency(self) -> float:
        return self._web_api.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._web_api.latency = seconds

    def event_callback(self, event: dict, event_id: str | None = None) -> dict:
        ws = self.workspace
        return events.event_callback(
            event,
            team_id=ws.team_id,
            app_id=ws.app_id,
            bot_user_id=ws.bot_user_id,
            event_time=ws.now_seconds(),
            event_id=event_id,
        )

    def _check_subscriptions(self) -> None:
        if self.bot_events is None or self.bot_scopes is None:
            return
        for name in self.bot_events:
            needed = EVENT_SCOPES.get(name)
            if needed and needed not in self.bot_scopes:
                raise ValueError(f"subscribing to {name} needs the {needed} scope")

    def _on_event(self, event: dict) -> None:
        name = subscription_name(event)
        if self.bot_events is None or name in self.bot_events:
            self.used_scope(EVENT_SCOPES.get(name))
            self.delivery.submit(self.event_callback(event))

    def used_scope(self, scope: str | None) -> None:
        """A delivery to the bot relied on `scope` (the Web API records its calls' own)."""
        if scope:
            self._scopes_used.add(scope)

    @property
    def scopes_used(self) -> set[str]:
        """Every scope something that reached the bot, or that the bot did, relied on."""
        return self._scopes_used | self._web_api.scopes_used

    def pause_delivery(self) -> None:
        """The bot is down: events from now on are kept in `undelivered`, not sent."""
        self.delivery.pause()

    def resume_delivery(self, deliver_missed: bool = False) -> None:
        self.delivery.resume(deliver_missed)

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Block until every queued event is delivered and answered (TimeoutError if not)."""
        self.delivery.wait_idle(timeout)

    def watch_bot_work(self, still_working: Callable[[], bool]) -> None:
        """Have `settle` also wait while `still_working()` says the bot has work queued
        that will call Slack (a Web API call can be a while coming after the ack)."""
        self._still_working.append(still_working)

    def settle(self, timeout: float = 20.0) -> None:
        """Block until the bot has finished what it does after acknowledging: every event
        delivered, no work the bot said it has queued, and no Web API call for a while.
        After a faulted call that while covers slack_sdk's retry wait (Retry-After plus up
        to a second of jitter)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.calls
            faulted = any(call.http_status >= 429 for call in calls[-8:])
            time.sleep(2.5 if faulted else 0.2)
            self.wait_idle(timeout)
            working = any(still_working() for still_working in self._still_working)
            if not working and len(self.calls) == len(calls):
                return
        raise TimeoutError("the bot kept calling the Web API or had work queued: it never settled")

    @property
    def undelivered(self) -> list[dict]:
        return list(self.delivery.undelivered)

    @property
    def deliveries(self) -> list[DeliveryAttempt]:
        return list(self.delivery.attempts)

    # --- setting the scene ------------------------------------------------------------

    def add_user(self, name: str, real_name: str | None = None, is_admin: bool = False) -> str:
        return self.workspace.add_user(name, real_name, is_admin=is_admin)

    def user_id(self, name: str) -> str:
        return self.workspace.user_id(name)

    def create_channel(
        self, name: str, creator_user_id: str, is_private: bool = False, members=()
    ) -> str:
        """A channel some user created in the Slack client, such as #general."""
        with self.workspace.lock:
            channel = self.workspace.create_channel(name, creator_user_id, is_private=is_private)
            for member in members:
                self.workspace.add_member(channel.id, member, inviter=creator_user_id)
            return channel.id

    # --- looking at the workspace -----------------------------------------------------

    def channel(self, channel_id: str) -> ChannelSnapshot:
        with self.workspace.lock:
            c = self.workspace.channel(channel_id)
            fields = {f.name: getattr(c, f.name) for f in dataclasses.fields(ChannelSnapshot)}
            return ChannelSnapshot(**copy.deepcopy(fields))

    def channel_by_name(self, name: str) -> ChannelSnapshot | None:
        channel = self.workspace.channel_by_name(name)
        return self.channel(channel.id) if channel else None

    def messages(
        self, channel_id: str, include_replies: bool = False, include_membership: bool = False
    ) -> list[dict]:
        """The channel's messages in ts order: top-level only unless `include_replies`, and
        without `channel_join`/`channel_leave` notices unless `include_membership`."""
        with self.workspace.lock:
            stored = self.workspace.channel(channel_id).messages.values()
            return [
                copy.deepcopy(m)
                for m in stored
                if (include_replies or m.get("thread_ts", m["ts"]) == m["ts"])
                and (include_membership or m.get("subtype") not in MEMBERSHIP_SUBTYPES)
            ]

    def replies(self, channel_id: str, thread_ts: str) -> list[dict]:
        """A thread in ts order, parent first."""
        return [
            m
            for m in self.messages(channel_id, include_replies=True, include_membership=True)
            if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts
        ]

    def direct_messages(self, user_id: str) -> list[dict]:
        """The user's DM with the bot in ts order, threads included; empty if never opened."""
        dm = self.workspace.direct_message(user_id)
        return self.messages(dm.id, include_replies=True) if dm else []

    def pins(self, channel_id: str) -> list[str]:
        return self.channel(channel_id).pins

    @property
    def views(self) -> dict[str, dict]:
        """Open modals and home tabs: {view_id: {"id", "view", "user", "hash"}}."""
        return self.workspace.views.snapshot()

    def open_views(self, callback_id: str) -> list[dict]:
        """The modals open with this callback id, as `views` gives them."""
        views = self.views.values()
        return [v for v in views if v["view"].get("callback_id") == callback_id]

    def modal_shown(self, user_id: str) -> dict | None:
        """The modal in front of the user (the last pushed), or None."""
        return self.workspace.views.top(user_id)

    def home_view(self, user_id: str) -> dict | None:
        """The view last published to the user's App Home, or None."""
        return self.workspace.views.home(user_id)

    def ephemeral_messages(
        self, user_id: str | None = None, channel_id: str | None = None
    ) -> list[dict]:
        """chat.postEphemeral and response_url ephemerals still shown, in order, each with
        its `ts` (for `driver.ephemeral_action`) and `source` (which of the two made it)."""
        with self.workspace.lock:
            return [
                copy.deepcopy(e)
                for e in self.workspace.ephemerals
                if user_id in (None, e["user"]) and channel_id in (None, e["channel"])
            ]

    def file_content(self, file_id: str) -> bytes | None:
        with self.workspace.lock:
            return self.workspace.files[file_id].content

    @property
    def calls(self) -> list[CallRecord]:
        with self.workspace.lock:
            return list(self.workspace.calls)

    def calls_to(self, method: str) -> list[CallRecord]:
        return [call for call in self.calls if call.method == method]
