"""The Slack work done after a request was acknowledged, told what by the acknowledgement."""

import logging
from collections.abc import Callable

from slack_bolt import Ack, Respond

from warroom import actions, incidents
from warroom.slack import action_views, blocks, postmortems
from warroom.slack.backfill import backfill_channel
from warroom.slack.postmortems import post_draft
from warroom.slack.provision import provision
from warroom.slack.publish import publish
from warroom.slack.services import Services
from warroom.slack.visibility import visible_to

log = logging.getLogger(__name__)


def follow_up(services: Services, wanted: dict, tell: Callable[[str], None]) -> None:
    """`wanted` holds one of: provision (incident id), publish (timeline entry id),
    list_for (user id), sync (incident id), postmortem and publish_postmortem (incident id),
    announce_item (action item id), tell (text for the person who acted)."""
    if "provision" in wanted:
        tell(provision(services, wanted["provision"]).report())
    elif "publish" in wanted:
        failures = publish(services, wanted["publish"])
        if failures:
            tell("It is recorded, but " + "; ".join(failures) + ".")
    elif "list_for" in wanted:
        with services.db.transaction() as session:
            open_now = incidents.open_incidents(session)
        tell(blocks.incident_list(visible_to(services.slack, wanted["list_for"], open_now)))

    elif "sync" in wanted:
        with services.db.transaction() as session:
            incident = incidents.get(session, wanted["sync"])
        recorded = backfill_channel(services, incident)
        tell(f"{incident.reference} is up to date: {recorded} missed messages recorded.")
    elif "postmortem" in wanted:
        report(
            tell,
            "The postmortem draft is in the channel",
            post_draft(services, wanted["postmortem"]),
        )
    elif "publish_postmortem" in wanted:
        report(
            tell,
            "The postmortem is published",
            postmortems.publish(services, wanted["publish_postmortem"]),
        )
    elif "announce_item" in wanted:
        announce_item(services, wanted["announce_item"])
    elif "tell" in wanted:
        tell(wanted["tell"])


def report(tell: Callable[[str], None], done: str, failures: list[str]) -> None:
    """Say that something was done, or what of it failed."""
    if failures:
        tell(f"{done}, except that: " + "; ".join(failures) + ".")
    else:
        tell(f"{done}.")


def teller(services: Services, body: dict, respond: Respond) -> Callable[[str], None]:
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


def announce_item(services: Services, item_id: int) -> None:
    """Tell the incident channel, and so the owner, about a new action item."""
    with services.db.transaction() as session:
        item = actions.find(session, item_id)
        incident = incidents.get(session, item.incident_id)
    if incident.channel_id:
        text = action_views.added(item, by=item.created_by)
        services.slack.post(incident.channel_id, *blocks.notice(text))
