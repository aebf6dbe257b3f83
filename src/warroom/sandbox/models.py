"""The records a Slack workspace is made of, and their shapes in Web API answers."""

from dataclasses import dataclass, field


@dataclass
class User:
    id: str
    team_id: str
    name: str
    real_name: str
    is_admin: bool = False
    is_bot: bool = False

    @property
    def email(self) -> str:
        return f"{self.name}@example.com"

    def to_api(self) -> dict:
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": False,
            "is_admin": self.is_admin,
            "is_bot": self.is_bot,
            "tz": "Etc/UTC",
            # Slack shows no email address for bots and apps.
            "profile": {"real_name": self.real_name, "display_name": self.name}
            | ({} if self.is_bot else {"email": self.email}),
        }


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool
    creator: str
    created: int
    is_archived: bool = False
    topic: str = ""
    purpose: str = ""
    members: list[str] = field(default_factory=list)
    # Every message, thread replies included, keyed by ts; insertion order is ts order
    # because every ts comes from the one increasing workspace clock.
    messages: dict[str, dict] = field(default_factory=dict)
    pins: list[str] = field(default_factory=list)
    bookmarks: list[dict] = field(default_factory=list)
    # Set for a direct message: the user the bot talks to there (DMs have no name).
    im_user: str | None = None

    @property
    def is_im(self) -> bool:
        return self.im_user is not None

    @property
    def channel_type(self) -> str:
        """The `channel_type` of message events: private channels are still "group"."""
        if self.is_im:
            return "im"
        return "group" if self.is_private else "channel"

    def to_api(self, viewer_id: str) -> dict:
        if self.is_im:
            return self._im_to_api()
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_general": False,
            "created": self.created,
            "creator": self.creator,
            "is_member": viewer_id in self.members,
            "num_members": len(self.members),
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": self.purpose, "creator": "", "last_set": 0},
        }

    def _im_to_api(self) -> dict:
        """A DM as Slack shows it to the app: the other party instead of a name."""
        return {
            "id": self.id,
            "created": self.created,
            "is_im": True,
            "is_open": True,
            "is_archived": False,
            "is_org_shared": False,
            "user": self.im_user,
            "is_user_deleted": False,
            "priority": 0,
        }


@dataclass
class UploadedFile:
    id: str
    user: str
    name: str
    created: int
    length: int
    title: str = ""
    filetype: str = ""
    content: bytes | None = None  # None until the bytes reach the upload URL

    def to_api(self, team_domain: str) -> dict:
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title or self.name,
            "filetype": self.filetype,
            "mimetype": "application/octet-stream",
            "user": self.user,
            "size": len(self.content) if self.content is not None else self.length,
            "url_private": f"https://files.slack.com/files-pri/{self.id}/{self.name}",
            "permalink": f"https://{team_domain}.slack.com/files/{self.user}/{self.id}/{self.name}",
        }


@dataclass
class Trigger:
    """A trigger_id: lets the bot open a modal for `user_id` for 3 seconds after `issued_at`."""

    user_id: str
    issued_at: float


@dataclass
class ResponseUrlContext:
    """Where a response_url posts land: the user and channel of the interaction."""

    user_id: str
    channel_id: str | None
    message_ts: str | None = None
    # The interaction came from an ephemeral message: `message_ts` is that ephemeral's ts.
    is_ephemeral: bool = False
