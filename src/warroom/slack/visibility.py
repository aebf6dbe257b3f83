"""Who may see which incident: a private incident only shows to members of its channel (or,
before it has one, to its declarer). Membership is asked of Slack, its source of truth; when
Slack cannot say, the private incident stays hidden."""

import logging
import threading
import time
from collections.abc import Callable

from warroom.slack.gateway import SlackGateway
from warroom.store.models import Incident

log = logging.getLogger(__name__)


def may_see(
    user_id: str, channel_id: str | None, declared_by: str, members: Callable[[str], set[str]]
) -> bool:
    """Whether `user_id` may see a private incident with this channel and declarer."""
    if channel_id is None:
        return declared_by == user_id
    try:
        return user_id in members(channel_id)
    except Exception as error:
        log.warning("could not check who is in %s: %r", channel_id, error)
        return False


def visible_to(slack: SlackGateway, user_id: str, incidents: list[Incident]) -> list[Incident]:
    """The incidents `user_id` may see."""
    return [
        incident
        for incident in incidents
        if not incident.is_private
        or may_see(user_id, incident.channel_id, incident.declared_by, slack.members)
    ]


class ChannelMembers:
    """Who is in a channel, asked of Slack at most once every `ttl` seconds a channel: a
    dashboard page lists many incidents, and people look at many pages."""

    def __init__(self, slack: SlackGateway, ttl: float = 60):
        self.slack, self.ttl = slack, ttl
        self._lock = threading.Lock()
        self._known: dict[str, tuple[float, set[str]]] = {}

    def __call__(self, channel_id: str) -> set[str]:
        with self._lock:
            asked_at, members = self._known.get(channel_id, (None, set()))
        if asked_at is not None and time.monotonic() - asked_at < self.ttl:
            return members
        members = self.slack.members(channel_id)
        with self._lock:
            self._known[channel_id] = (time.monotonic(), members)
        return members
