"""Catching up on what happened in incident channels while warroom was not listening.

History is read from the incident's declaration onwards, one page at a time, and every
message goes through the same idempotent recording as live events, so messages already on
the timeline are untouched. Threads are re-read only when their latest reply is newer than
the last message recorded from the channel. The WebClient's rate-limit handler waits out
any 429, and pages are read one after another, never in parallel, to stay polite.
"""

import logging

from sqlalchemy.exc import DBAPIError

from warroom.slack.capture import capture_message
from warroom.slack.services import Services
from warroom.store import incidents, timeline
from warroom.store.models import Incident

log = logging.getLogger(__name__)


def backfill_open_incidents(services: Services) -> int:
    """Catch up every open incident's channel; returns how many messages were recorded."""
    with services.db.transaction() as session:
        channels = [i for i in incidents.open_incidents(session) if i.channel_id]
    recorded = 0
    for incident in channels:
        try:
            recorded += backfill_channel(services, incident)
        except DBAPIError:
            raise  # the database is down: the whole catch-up is tried again later
        except Exception:
            log.exception("catching up on %s failed; /incident sync retries", incident.reference)
    return recorded


def backfill_channel(services: Services, incident: Incident) -> int:
    slack, channel_id = services.slack, incident.channel_id
    with services.db.transaction() as session:
        last_seen = float(timeline.last_message_ts(session, channel_id) or 0)
    recorded = 0
    for message in slack.history(channel_id, oldest=f"{incident.declared_at.timestamp():.6f}"):
        recorded += _record(services, incident, message)
        if message.get("reply_count") and float(message.get("latest_reply", 0)) > last_seen:
            for reply in slack.replies(channel_id, message["ts"]):
                recorded += _record(services, incident, reply)
    if recorded:
        log.info("caught up on %d messages in %s", recorded, incident.reference)
    return recorded


def _record(services: Services, incident: Incident, message: dict) -> int:
    """Record one fetched message as if its event had arrived; 1 if it was new."""
    if services.slack.is_own(message):
        return 0
    with services.db.transaction() as session:
        known = timeline.message_entry(session, incident.channel_id, message["ts"])
        if known is None:
            event = {**message, "channel": incident.channel_id}
            capture_message(session, event, incident.id, services.slack.is_own)
            return 1
    return 0
