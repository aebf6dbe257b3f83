"""Which OAuth scope each Web API method and each event subscription needs, as Slack's
method and event documentation state them for bot tokens.

A method on a conversation needs the scope of that conversation's kind (`channels:history`
for a public channel, `groups:history` for a private one...): `{kind}` in a scope below is
filled in with `channels`, `groups` or `im`.
"""

from .models import Channel

METHOD_SCOPES: dict[str, str | None] = {
    "auth.test": None,
    "apps.connections.open": None,  # the app-level token's connections:write
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.getPermalink": None,
    "conversations.create": "{kind}:manage",
    "conversations.rename": "{kind}:manage",
    "conversations.invite": "{kind}:manage",
    "conversations.setTopic": "{kind}:manage",
    "conversations.setPurpose": "{kind}:manage",
    "conversations.archive": "{kind}:manage",
    "conversations.leave": "{kind}:manage",
    "conversations.join": "channels:join",
    "conversations.history": "{kind}:history",
    "conversations.replies": "{kind}:history",
    "conversations.info": "{kind}:read",
    "conversations.members": "{kind}:read",
    "conversations.open": "im:write",
    "pins.add": "pins:write",
    "pins.remove": "pins:write",
    "pins.list": "pins:read",
    "reactions.add": "reactions:write",
    "reactions.remove": "reactions:write",
    "bookmarks.add": "bookmarks:write",
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "views.open": None,
    "views.update": None,
    "views.push": None,
    "views.publish": None,
}

# What a subscription needs, by its manifest name.
EVENT_SCOPES: dict[str, str | None] = {
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "reaction_added": "reactions:read",
    "reaction_removed": "reactions:read",
    "pin_added": "pins:read",
    "pin_removed": "pins:read",
    "member_joined_channel": "channels:read",
    "app_home_opened": None,
}

# Slash commands and shortcuts reach an app through this one.
INTERACTIVITY_SCOPE = "commands"

# Private channels were "groups" in the Web API's first days, and their scopes still are.
_KIND_WORDS = {"channel": "channels", "group": "groups", "im": "im"}


def method_scope(method: str, channel: Channel | None, creating_private: bool) -> str | None:
    """The scope `method` needs on `channel` (None: on no particular one, or none at all)."""
    scope = METHOD_SCOPES.get(method)
    if scope is None or "{kind}" not in scope:
        return scope
    if channel is not None:
        kind = _KIND_WORDS[channel.channel_type]
    else:
        kind = "groups" if creating_private else "channels"
    # The manage scope of private channels kept its old name.
    return scope.format(kind=kind).replace("groups:manage", "groups:write")
