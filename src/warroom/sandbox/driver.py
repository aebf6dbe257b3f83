"""The driver: the sandbox acting as Slack toward the bot, on behalf of simulated users.

Interactions (commands, buttons, modals, shortcuts) are sent to the bot synchronously and
return its answer. User actions (posting, reacting, joining...) change the workspace exactly
as the Slack client would and reach the bot as queued events.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from . import ephemerals, events, interactions, messaging
from .api_files import new_file, receive_upload, share_files
from .blockkit import validate_view
from .bot_connection import BotAnswer, signature_headers
from .errors import SlackError
from .models import ResponseUrlContext
from .scopes import INTERACTIVITY_SCOPE

if TYPE_CHECKING:
    from .sandbox import Sandbox


class Driver:
    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._ws = sandbox.workspace
        self._connection = sandbox.bot_connection

    # --- interactions: synchronous requests to the bot ---------------------------------

    def _identity(self) -> dict:
        ws = self._ws
        return {"team_id": ws.team_id, "team_domain": ws.team_domain, "app_id": ws.app_id}

    def _response_url(
        self, user_id: str, channel_id: str | None, message_ts=None, *, is_ephemeral=False
    ) -> str:
        context = ResponseUrlContext(user_id, channel_id, message_ts, is_ephemeral)
        token = self._ws.issue_response_url(context)
        return self._sandbox.url_for(f"response/{token}")

    def _channel_ref(self, channel_id: str | None) -> dict:
        """`{"id", "name"}` as interaction payloads name a conversation, with Slack's
        placeholders for DMs and for conversations the sandbox does not know."""
        channel = self._ws.channels.get(channel_id)
        if channel is None:
            return {"id": channel_id, "name": "privategroup"}
        return {"id": channel_id, "name": "directmessage" if channel.is_im else channel.name}

    def slash_command(
        self,
        user_id: str,
        channel_id: str,
        text: str = "",
        command: str = "/incident",
        *,
        signing_secret: str | None = None,
        timestamp_offset: int = 0,
    ) -> BotAnswer:
        """Run `command text` in a channel. `signing_secret`/`timestamp_offset` forge the
        request signature over HTTP (a wrong secret; e.g. -600 for a stale request)."""
        with self._ws.lock:
            form = interactions.slash_command_form(
                **self._identity(),
                user=self._ws.user(user_id),
                channel_id=channel_id,
                channel_name=self._channel_ref(channel_id)["name"],
                command=command,
                text=text,
                response_url=self._response_url(user_id, channel_id),
                trigger_id=self._ws.issue_trigger(user_id),
            )
        self._sandbox.used_scope(INTERACTIVITY_SCOPE)
        return self._connection.send(
            "slash_commands", form, signing_secret=signing_secret, timestamp_offset=timestamp_offset
        )

    def block_action(
        self,
        user_id: str,
        action_id: str,
        value=None,
        *,
        channel_id: str | None = None,
        message_ts: str | None = None,
        view_id: str | None = None,
        block_id: str | None = None,
        selected_user: str | None = None,
        selected_option=None,
    ) -> BotAnswer:
        """Click a button or pick from a select in a message (channel_id + message_ts) or in
        a view (view_id). The element's type comes from the stored blocks when found."""
        with self._ws.lock:
            if view_id is not None:
                view = self._ws.views.get(view_id)
                where = {"container": {"type": "view", "view_id": view_id}, "view": view}
                blocks = view.get("blocks", [])
            else:
                channel = self._ws.channel(channel_id)
                message = copy.deepcopy(messaging.find_message(channel, message_ts))
                where = self._clicked_message(user_id, channel.id, message_ts, is_ephemeral=False)
                where["message"] = message
                blocks = message.get("blocks", [])
            payload = self._block_actions_payload(
                user_id, where, blocks, action_id, value, block_id, selected_user, selected_option
            )
        return self._connection.send("interactive", payload)

    def ephemeral_action(
        self,
        user_id: str,
        ephemeral_ts: str,
        action_id: str,
        value=None,
        *,
        block_id: str | None = None,
        selected_user: str | None = None,
        selected_option=None,
    ) -> BotAnswer:
        """Click a button or pick from a select in one of the user's ephemeral messages
        (see `Sandbox.ephemeral_messages` for their ts). Like Slack, the payload has no
        `message`; its response_url can replace or delete that ephemeral."""
        with self._ws.lock:
            ephemeral = ephemerals.find_ephemeral(self._ws, user_id, ephemeral_ts)
            if ephemeral is None:
                raise SlackError("message_not_found")
            where = self._clicked_message(
                user_id, ephemeral["channel"], ephemeral_ts, is_ephemeral=True
            )
            payload = self._block_actions_payload(
                user_id,
                where,
                ephemeral["blocks"],
                action_id,
                value,
                block_id,
                selected_user,
                selected_option,
            )
        return self._connection.send("interactive", payload)

    def _clicked_message(
        self, user_id: str, channel_id: str, message_ts: str, *, is_ephemeral: bool
    ) -> dict:
        """The `container`, `channel` and `response_url` of a click in a message."""
        return {
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel_id,
                "is_ephemeral": is_ephemeral,
            },
            "channel": self._channel_ref(channel_id),
            "response_url": self._response_url(
                user_id, channel_id, message_ts, is_ephemeral=is_ephemeral
            ),
        }

    def _block_actions_payload(
        self,
        user_id: str,
        where: dict,
        blocks: list,
        action_id: str,
        value,
        block_id: str | None,
        selected_user: str | None,
        selected_option,
    ) -> dict:
        """A block_actions payload for one click on `action_id` among `blocks`; `where`
        holds the fields that say what was clicked in (container, channel, message...)."""
        payload = interactions.interaction_base(
            "block_actions",
            **self._identity(),
            user=self._ws.user(user_id),
            trigger_id=self._ws.issue_trigger(user_id),
        )
        payload.update(where)
        found_block_id, element = interactions.find_element(blocks, action_id, block_id)
        payload["state"] = {"values": {}}
        payload["actions"] = [
            interactions.button_or_select(
                element,
                action_id,
                found_block_id,
                value,
                selected_user,
                selected_option,
                self._ws.clock.next_ts(),
            )
        ]
        return payload

    def submit_view(
        self, user_id: str, view_id: str, values: dict[str, dict] | None = None
    ) -> BotAnswer:
        """Press the modal's submit button with `values` = {block_id: {action_id: value}}.

        The bot's `response_action` is applied to the stored views (update, push, clear;
        a plain ack closes the view); `errors` leaves the view open, as in Slack."""
        with self._ws.lock:
            view = self._ws.views.get(view_id)
            view["state"] = {"values": interactions.state_values(view, values or {})}
            payload = interactions.interaction_base(
                "view_submission",
                **self._identity(),
                user=self._ws.user(user_id),
                trigger_id=self._ws.issue_trigger(user_id),
            )
            payload.update(view=view, response_urls=[])
        answer = self._connection.send("interactive", payload)
        if answer.ok:
            self._apply_response_action(user_id, view_id, answer.body)
        return answer

    def close_view(self, user_id: str, view_id: str) -> None:
        """Press the modal's close button: it closes with the views pushed above it. Slack
        tells the bot only of views opened with `notify_on_close`, which warroom's are not;
        one that is fails here, rather than go unheard."""
        if self._ws.views.get(view_id).get("notify_on_close"):
            raise NotImplementedError("the sandbox sends no view_closed payload yet")
        self._ws.views.close(user_id, view_id)

    def _apply_response_action(self, user_id: str, view_id: str, body) -> None:
        action = body.get("response_action") if isinstance(body, dict) else None
        if action == "errors":
            return
        if action in ("update", "push"):
            # Slack refuses a malformed view here too; raising surfaces the bot's mistake.
            validate_view(body.get("view"))
        if action == "update":
            self._ws.views.update(view_id, body["view"])
        elif action == "push":
            self._ws.views.push(user_id, body["view"])
        elif action == "clear":
            self._ws.views.close(user_id)
        else:
            self._ws.views.close(user_id, view_id)

    def message_shortcut(
        self, user_id: str, callback_id: str, channel_id: str, message_ts: str
    ) -> BotAnswer:
        with self._ws.lock:
            channel = self._ws.channel(channel_id)
            payload = interactions.interaction_base(
                "message_action",
                **self._identity(),
                user=self._ws.user(user_id),
                trigger_id=self._ws.issue_trigger(user_id),
            )
            payload.update(
                callback_id=callback_id,
                action_ts=self._ws.clock.next_ts(),
                channel=self._channel_ref(channel.id),
                message_ts=message_ts,
                message=copy.deepcopy(messaging.find_message(channel, message_ts)),
                response_url=self._response_url(user_id, channel.id, message_ts),
            )
        self._sandbox.used_scope(INTERACTIVITY_SCOPE)
        return self._connection.send("interactive", payload)

    def send_event(
        self,
        event: dict,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> BotAnswer:
        """Deliver one event right now, bypassing the queue (for duplicate and retry tests)."""
        callback = self._sandbox.event_callback(event, event_id=event_id)
        return self._connection.send(
            "events_api", callback, retry_num=retry_num or 0, retry_reason=retry_reason or ""
        )

    def send_raw(
        self, body: bytes, content_type: str = "application/json", headers: dict | None = None
    ) -> BotAnswer:
        """POST raw bytes to the bot's request URL, correctly signed unless `headers` say
        otherwise (see `sign`) - for forged-signature and stale-timestamp tests."""
        all_headers = {"Content-Type": content_type, **self.sign(body), **(headers or {})}
        return self._connection.send_raw(body, all_headers)

    def sign(self, body: bytes, *, secret: str | None = None, timestamp: int | None = None) -> dict:
        """Signature headers for `body`; pass a wrong secret or an old timestamp to forge."""
        return signature_headers(secret or self._connection.signing_secret, body, timestamp)

    # --- user actions: change the workspace, the bot hears about it as events -----------

    def _member_channel(self, user_id: str, channel_id: str):
        channel = self._ws.channel(channel_id)
        self._ws.user(user_id)
        if user_id not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    def post_message(
        self,
        user_id: str,
        channel_id: str,
        text: str,
        thread_ts: str | None = None,
        blocks: list | None = None,
    ) -> str:
        """Post as a user; returns the new message's ts."""
        with self._ws.lock:
            channel = self._member_channel(user_id, channel_id)
            message = messaging.new_message(self._ws, user_id, text, blocks)
            return messaging.post_message(self._ws, channel, message, thread_ts)["ts"]

    def send_direct_message(
        self, user_id: str, text: str, thread_ts: str | None = None, blocks: list | None = None
    ) -> str:
        """Write to the app in the user's DM with it (opened if need be); returns the ts."""
        dm = self._ws.open_direct_message(user_id)
        return self.post_message(user_id, dm.id, text, thread_ts, blocks)

    def edit_message(self, user_id: str, channel_id: str, ts: str, text: str) -> None:
        messaging.edit_message(self._ws, self._ws.channel(channel_id), ts, user_id, text, None)

    def delete_message(self, user_id: str, channel_id: str, ts: str) -> None:
        messaging.delete_message(self._ws, self._ws.channel(channel_id), ts, user_id)

    def add_reaction(self, user_id: str, channel_id: str, ts: str, name: str) -> None:
        messaging.add_reaction(self._ws, self._ws.channel(channel_id), ts, user_id, name)

    def remove_reaction(self, user_id: str, channel_id: str, ts: str, name: str) -> None:
        messaging.remove_reaction(self._ws, self._ws.channel(channel_id), ts, user_id, name)

    def pin(self, user_id: str, channel_id: str, ts: str) -> None:
        with self._ws.lock:
            messaging.pin(self._ws, self._member_channel(user_id, channel_id), ts, user_id)

    def unpin(self, user_id: str, channel_id: str, ts: str) -> None:
        with self._ws.lock:
            messaging.unpin(self._ws, self._member_channel(user_id, channel_id), ts, user_id)

    def join(self, user_id: str, channel_id: str) -> None:
        """Join a public channel (private ones need an invitation)."""
        with self._ws.lock:
            if self._ws.channel(channel_id).is_private:
                raise SlackError("method_not_supported_for_channel_type")
            self._ws.add_member(channel_id, user_id)

    def invite(self, user_id: str, channel_id: str, invitee_id: str) -> None:
        with self._ws.lock:
            self._member_channel(user_id, channel_id)
            if not self._ws.add_member(channel_id, invitee_id, inviter=user_id):
                raise SlackError("already_in_channel")

    def leave(self, user_id: str, channel_id: str) -> None:
        self._ws.remove_member(channel_id, user_id)

    def share_file(
        self,
        user_id: str,
        channel_id: str,
        name: str,
        filetype: str = "",
        content: bytes = b"",
        comment: str = "",
    ) -> str:
        """Upload a file into the channel as a user; returns the file_share message's ts."""
        with self._ws.lock:
            channel = self._member_channel(user_id, channel_id)
            file_id = new_file(self._ws, user_id, name, len(content), filetype)
            receive_upload(self._ws, file_id, content)
            return share_files(self._ws, channel, user_id, [file_id], comment)["ts"]

    def open_app_home(self, user_id: str) -> None:
        with self._ws.lock:
            self._ws.user(user_id)
            dm = self._ws.open_direct_message(user_id)
            home = self._ws.views.home(user_id)
            self._ws.emit(events.app_home_opened(user_id, dm.id, home, self._ws.clock.next_ts()))
