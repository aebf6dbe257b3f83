"""What every Web API method needs: the workspace, the sandbox's own URLs, and the checks
that decide which channels the bot can see and write to."""

from collections.abc import Callable
from dataclasses import dataclass

from .errors import SlackError
from .models import Channel
from .workspace import Workspace


@dataclass
class ApiContext:
    ws: Workspace
    # Absolute URL of a path on the sandbox server (upload and Socket Mode URLs point back here).
    url_for: Callable[[str], str]
    socket_url: Callable[[], str]

    @property
    def bot(self) -> str:
        return self.ws.bot_user_id

    def conversation_id(self, channel_or_user: str | None) -> str | None:
        """chat.* take a user id for that user's DM with the app, which Slack opens
        implicitly; any other value is a channel id."""
        if channel_or_user in self.ws.users and channel_or_user != self.bot:
            return self.ws.open_direct_message(channel_or_user).id
        return channel_or_user

    def visible_channel(self, channel_id: str | None) -> Channel:
        """A channel the bot can see: any public one, and private ones it is a member of."""
        channel = self.ws.channel(channel_id)
        if channel.is_private and self.bot not in channel.members:
            raise SlackError("channel_not_found")
        return channel

    def member_channel(self, channel_id: str | None) -> Channel:
        """A channel the bot is in. Stricter than Slack's chat:write.public on purpose."""
        channel = self.visible_channel(channel_id)
        if self.bot not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    def writable_channel(self, channel_id: str | None) -> Channel:
        channel = self.visible_channel(channel_id)
        if channel.is_archived:
            raise SlackError("is_archived")
        if self.bot not in channel.members:
            raise SlackError("not_in_channel")
        return channel
