"""What the senders send: signed Events API `message` callbacks and signed slash commands.

A source is built in the bench process and pickled to the load process, which calls
`next_request()` for every send; the signature is made at send time, as Slack does.
"""

import json
import random
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from warroom.sandbox.bot_connection import signature_headers  # what `sandbox.driver.sign` uses
from warroom.sandbox.events import event_callback

NEW, REDELIVERY, COPY = "new", "redelivery", "copy"


@dataclass(frozen=True)
class SignedRequest:
    body: bytes
    headers: dict[str, str]
    kind: str = NEW
    message: int | None = None  # which distinct message this carries, if any


@dataclass(frozen=True)
class Workspace:
    """The sandbox's identities an envelope names."""

    team_id: str
    app_id: str
    bot_user_id: str
    signing_secret: str


class MessageEvents:
    """`message` events in one channel, each a new message with a unique, increasing ts;
    about `redelivery` of them re-send an earlier event (same event_id, X-Slack-Retry-Num: 1)
    and about `copy` re-send an earlier message under a new event_id."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        channel_id: str,
        user_id: str,
        tag: str,
        first_second: int,
        redelivery: float = 0.05,
        copy: float = 0.05,
        seed: int = 0,
    ):
        self.workspace = workspace
        self.channel_id = channel_id
        self.user_id = user_id
        self.tag = tag  # makes event ids unique across runs
        self.first_second = first_second  # makes message ts unique across runs
        self.redelivery = redelivery
        self.copy = copy
        self._random = random.Random(seed)
        self._sent: list[tuple[str, int]] = []  # (event_id, message) already handed out
        self._events = 0

    def next_request(self) -> SignedRequest:
        draw = self._random.random()
        if self._sent and draw < self.redelivery:
            event_id, message = self._random.choice(self._sent)
            return self._signed(event_id, message, REDELIVERY, retry=True)
        if self._sent and draw < self.redelivery + self.copy:
            _, message = self._random.choice(self._sent)
            return self._signed(self._new_event_id(), message, COPY)
        event_id, message = self._new_event_id(), len(self._sent)
        self._sent.append((event_id, message))
        return self._signed(event_id, message, NEW)

    def _new_event_id(self) -> str:
        self._events += 1
        return f"EvBENCH{self.tag}{self._events:09d}"

    def _signed(self, event_id: str, message: int, kind: str, retry: bool = False):
        ts = f"{self.first_second + message}.{message % 1_000_000:06d}"
        event = {
            "type": "message",
            "channel": self.channel_id,
            "channel_type": "channel",
            "user": self.user_id,
            "text": f"bench message {message}",
            "ts": ts,
            "event_ts": ts,
        }
        envelope = event_callback(
            event,
            team_id=self.workspace.team_id,
            app_id=self.workspace.app_id,
            bot_user_id=self.workspace.bot_user_id,
            event_time=int(time.time()),
            event_id=event_id,
        )
        body = json.dumps(envelope).encode()
        headers = {
            "Content-Type": "application/json",
            **signature_headers(self.workspace.signing_secret, body),
        }
        if retry:
            headers |= {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        return SignedRequest(body, headers, kind, message)


class SlashCommands:
    """The same slash command form (as the sandbox builds it), signed afresh each time."""

    def __init__(self, form: dict[str, str], signing_secret: str):
        self.body = urlencode(form).encode()
        self.signing_secret = signing_secret

    def next_request(self) -> SignedRequest:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **signature_headers(self.signing_secret, self.body),
        }
        return SignedRequest(self.body, headers)
