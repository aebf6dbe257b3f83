"""Every Web API call warroom makes, through one WebClient that retries what Slack asks it to."""

import logging
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler, RetryIntervalCalculator
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.models.blocks import Block


class CappedBackoff(RetryIntervalCalculator):
    """0.2 s, 0.4 s, 0.8 s, 1.6 s, then every 2 s."""

    def calculate_sleep_duration(self, current_attempt: int) -> float:
        return min(0.2 * 2**current_attempt, 2.0)


# Enough to ride out a short burst of 429s and 5xx answers within a second or two. Longer
# troubles are the outbox's to wait out (warroom.app.delivery), without holding a thread.
MAX_RETRIES = 3
BACKOFF = CappedBackoff()
NAME_ATTEMPTS = 20
METADATA_TYPE = "warroom_delivery"  # the metadata of messages warroom posts for a delivery
PAGE = 200  # messages per history page: Slack's recommended maximum


def make_client(token: str, base_url: str, call_counter: RetryHandler | None = None) -> WebClient:
    """A client that retries connection errors, 429s (after Retry-After) and 5xx answers.
    `call_counter`, when given, goes last: it must see only each call's final attempt."""
    handlers = [
        ConnectionErrorRetryHandler(max_retry_count=MAX_RETRIES, interval_calculator=BACKOFF),
        RateLimitErrorRetryHandler(max_retry_count=MAX_RETRIES),
        ServerErrorRetryHandler(max_retry_count=MAX_RETRIES, interval_calculator=BACKOFF),
    ]
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=10,
        retry_handlers=handlers + ([call_counter] if call_counter else []),
    )


def checking_client(token: str, base_url: str) -> WebClient:
    """For one-off checks (start-up, `warroom doctor`): no retries and no log lines of its
    own, so a wrong URL or token is told at once, once, in the caller's words."""
    quiet = logging.getLogger("warroom.slack.checks")
    quiet.disabled = True
    return WebClient(token=token, base_url=base_url, timeout=5, logger=quiet, retry_handlers=[])


def slack_error(error: Exception) -> str:
    """The Slack error code (or the transport failure) behind an exception, for people."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or f"HTTP {error.response.status_code}")
    return type(error).__name__


class SlackGateway:
    def __init__(self, client: WebClient):
        self.client = client
        self._names: dict[str, str] = {}  # user id -> display name; names rarely change

    @cached_property
    def identity(self) -> tuple[str, str]:
        """The bot's own user id and bot id, to recognise its own messages."""
        response = self._auth
        return response["user_id"], response["bot_id"]

    @property
    def team_id(self) -> str:
        """The workspace warroom is installed in."""
        return self._auth["team_id"]

    @cached_property
    def _auth(self) -> dict:
        return self.client.auth_test().data

    def display_name(self, user_id: str | None) -> str:
        """@name for documents people read outside Slack; @user-id when Slack cannot say
        (remembered too: a page naming forty people must not ask forty times again)."""
        if user_id is None:
            return "warroom"
        if user_id not in self._names:
            try:
                user = self.client.users_info(user=user_id)["user"]
                profile = user.get("profile") or {}
                self._names[user_id] = profile.get("display_name") or user.get("name") or user_id
            except SlackApiError:
                self._names[user_id] = user_id
        return f"@{self._names[user_id]}"

    def email_of(self, user_id: str) -> str | None:
        """A user's email address (None: Slack shows none, as for bots and apps)."""
        user = self.client.users_info(user=user_id)["user"]
        return (user.get("profile") or {}).get("email")

    def person(self, user_id: str) -> tuple[str, str | None]:
        """@name and email address of someone others are told of (a ticket's owner); the
        address None when Slack shows none or cannot say."""
        try:
            email = self.email_of(user_id)
        except SlackApiError:
            email = None
        return self.display_name(user_id), email

    def user_by_email(self, email: str) -> str | None:
        """The Slack user with this email address (None: nobody in the workspace)."""
        try:
            return self.client.users_lookupByEmail(email=email)["user"]["id"]
        except SlackApiError as error:
            if error.response.get("error") == "users_not_found":
                return None
            raise

    def is_own(self, message: dict) -> bool:
        user_id, bot_id = self.identity
        return message.get("user") == user_id or message.get("bot_id") == bot_id

    def history(self, channel_id: str, oldest: str) -> Iterator[dict]:
        """Top-level messages since `oldest`, oldest first, page by page."""
        pages = self.client.conversations_history(channel=channel_id, oldest=oldest, limit=PAGE)
        for page in pages:
            yield from reversed(page["messages"])

    def replies(self, channel_id: str, thread_ts: str) -> Iterator[dict]:
        """A thread's replies (not its parent), oldest first."""
        pages = self.client.conversations_replies(channel=channel_id, ts=thread_ts, limit=PAGE)
        for page in pages:
            yield from (message for message in page["messages"] if message["ts"] != thread_ts)

    def create_channel(self, name_for: Callable[[int], str], private: bool) -> tuple[str, str]:
        """Create a channel named `name_for(1)`, or `name_for(2)`... while the name is taken."""
        return self._first_free_name(
            name_for, lambda name: self.client.conversations_create(name=name, is_private=private)
        )

    def rename_channel(self, channel_id: str, name_for: Callable[[int], str]) -> tuple[str, str]:
        return self._first_free_name(
            name_for, lambda name: self.client.conversations_rename(channel=channel_id, name=name)
        )

    @staticmethod
    def _first_free_name(name_for: Callable[[int], str], call) -> tuple[str, str]:
        for attempt in range(1, NAME_ATTEMPTS + 1):
            try:
                response = call(name_for(attempt))
            except SlackApiError as error:
                if error.response.get("error") == "name_taken":
                    continue
                raise
            return response["channel"]["id"], response["channel"]["name"]
        raise RuntimeError(f"{NAME_ATTEMPTS} channel names were all taken")

    def invite(self, channel_id: str, user_ids: Sequence[str]) -> None:
        try:
            self.client.conversations_invite(channel=channel_id, users=",".join(user_ids))
        except SlackApiError as error:
            if error.response.get("error") != "already_in_channel":
                raise

    def set_topic(self, channel_id: str, topic: str) -> None:
        self.client.conversations_setTopic(channel=channel_id, topic=topic)

    def post(
        self,
        channel_id: str,
        text: str,
        blocks: Sequence[Block],
        key: str | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Post a message; in a public channel the bot was never invited to, join it first.
        `key` goes into the message's metadata, for `find_posted`."""
        metadata = {"event_type": METADATA_TYPE, "event_payload": {"key": key}} if key else None
        arguments = dict(channel=channel_id, text=text, blocks=list(blocks), thread_ts=thread_ts)
        try:
            response = self.client.chat_postMessage(**arguments, metadata=metadata)
        except SlackApiError as error:
            if error.response.get("error") != "not_in_channel":
                raise
            self.client.conversations_join(channel=channel_id)
            response = self.client.chat_postMessage(**arguments, metadata=metadata)
        return response["ts"]

    def find_posted(
        self, channel_id: str, key: str, since: str, thread_ts: str | None = None
    ) -> str | None:
        """The ts of warroom's message posted with `key` (in the thread, if given), if any.
        A direct message posted to a user id cannot be looked for: Slack reads history by
        conversation id only."""
        if channel_id.startswith(("U", "W")):
            return None
        try:
            if thread_ts:
                pages = self.client.conversations_replies(
                    channel=channel_id, ts=thread_ts, include_all_metadata=True, limit=PAGE
                )
            else:
                pages = self.client.conversations_history(
                    channel=channel_id, oldest=since, include_all_metadata=True, limit=PAGE
                )
            for page in pages:
                for message in page["messages"]:
                    payload = (message.get("metadata") or {}).get("event_payload") or {}
                    if self.is_own(message) and payload.get("key") == key:
                        return message["ts"]
        except SlackApiError as error:
            if error.response.get("error") != "not_in_channel":
                raise
        return None  # not a member: warroom never posted there

    def update(self, channel_id: str, ts: str, text: str, blocks: Sequence[Block]) -> None:
        self.client.chat_update(channel=channel_id, ts=ts, text=text, blocks=list(blocks))

    def pin(self, channel_id: str, ts: str) -> None:
        try:
            self.client.pins_add(channel=channel_id, timestamp=ts)
        except SlackApiError as error:
            if error.response.get("error") != "already_pinned":
                raise

    def tell(self, channel_id: str, user_id: str, text: str, blocks=None) -> None:
        """A message only `user_id` sees."""
        self.client.chat_postEphemeral(channel=channel_id, user=user_id, text=text, blocks=blocks)

    def upload(self, channel_id: str, content: str, filename: str, thread_ts: str) -> None:
        """A text file in a thread (slack_sdk runs Slack's three upload steps)."""
        self.client.files_upload_v2(
            channel=channel_id,
            content=content,
            filename=filename,
            title=filename,
            thread_ts=thread_ts,
        )

    def is_archived(self, channel_id: str) -> bool:

        channel = self.client.conversations_info(channel=channel_id)["channel"]
        return bool(channel.get("is_archived"))

    def permalink(self, channel_id: str, ts: str) -> str:
        return self.client.chat_getPermalink(channel=channel_id, message_ts=ts)["permalink"]

    def open_view(self, trigger_id: str, view) -> None:
        self.client.views_open(trigger_id=trigger_id, view=view)

    def update_view(self, view_id: str, view) -> None:
        self.client.views_update(view_id=view_id, view=view)

    def publish_home(self, user_id: str, view) -> None:
        self.client.views_publish(user_id=user_id, view=view)

    def members(self, channel_id: str) -> set[str]:
        members: set[str] = set()
        for page in self.client.conversations_members(channel=channel_id, limit=200):
            members.update(page["members"])
        return members
