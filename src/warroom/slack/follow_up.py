"""Answering the person behind a request after it was acknowledged: the answers that need
Slack calls of their own (who may see what, the channel's history) or a form to open."""

import logging
from collections.abc import Callable

from slack_bolt import Ack, Respond

from warroom.slack import blocks
from warroom.slack.backfill import backfill_channel
from warroom.slack.services import Services
from warroom.slack.visibility import visible_to
from warroom.store import incidents

log = logging.getLogger(__name__)

Tell = Callable[[str], None]
# Work left for after a command's acknowledgement, given how to answer the person.
FollowUp = Callable[[Tell], None] | None


def teller(services: Services, body: dict, respond: Respond) -> Tell:
    """How to answer the person behind a request: through its response_url when it has one
    (commands, buttons in messages), otherwise in a direct message (forms)."""
    if body.get("response_url") or body.get("response_urls"):
        return lambda text: respond(text=text, response_type="ephemeral", replace_original=False)
    user = body.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    if user_id is None:  # a payload without a person: nobody to tell
        return lambda text: log.warning("nobody to tell: %s", text)
    return lambda text: services.slack.post(user_id, text, [])


def just_ack(ack: Ack) -> None:
    """Acknowledge at once; a lazy listener does the work."""
    ack()


def list_incidents(services: Services, user_id: str, tell: Tell) -> None:
    """The open incidents `user_id` may see (a private one only to its channel's members)."""
    with services.db.transaction() as session:
        open_now = incidents.open_incidents(session)
    tell(blocks.incident_list(visible_to(services.slack, user_id, open_now)))


def sync(services: Services, incident_id: int, tell: Tell) -> None:
    """Fetch what warroom missed of an incident's channel."""
    with services.db.transaction() as session:
        incident = incidents.get(session, incident_id)
    recorded = backfill_channel(services, incident)
    tell(f"{incident.reference} is up to date: {recorded} missed messages recorded.")
