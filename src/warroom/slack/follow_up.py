"""The Slack work done after a request was acknowledged, told what by the acknowledgement."""

from slack_bolt import Respond

from warroom import incidents
from warroom.slack import blocks
from warroom.slack.backfill import backfill_channel
from warroom.slack.provision import provision
from warroom.slack.publish import publish
from warroom.slack.services import Services
from warroom.slack.visibility import visible_to


def follow_up(services: Services, wanted: dict, respond: Respond) -> None:
    """`wanted` holds one of: provision (incident id), publish (timeline entry id),
    list_for (user id), sync (incident id), tell (text for the person who acted)."""
    if "provision" in wanted:
        tell(respond, provision(services, wanted["provision"]).report())
    elif "publish" in wanted:
        failures = publish(services, wanted["publish"])
        if failures:
            tell(respond, "It is recorded, but " + "; ".join(failures) + ".")
    elif "list_for" in wanted:
        with services.db.transaction() as session:
            open_now = incidents.open_incidents(session)
        tell(
            respond, blocks.incident_list(visible_to(services.slack, wanted["list_for"], open_now))
        )
    elif "sync" in wanted:
        with services.db.transaction() as session:
            incident = incidents.get(session, wanted["sync"])
        recorded = backfill_channel(services, incident)
        tell(respond, f"{incident.reference} is up to date: {recorded} missed messages recorded.")
    elif "tell" in wanted:
        tell(respond, wanted["tell"])


def tell(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)
