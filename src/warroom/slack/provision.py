"""Giving a declared incident its place in Slack: channel, topic, pinned headline,
announcement; then telling the declarer how it went.

Each piece is recorded on the incident as soon as Slack confirms it, so the row never claims
more than exists, and no database transaction stays open while Slack is being called. It is
a delivery of the outbox: steps Slack fails are retried (what was done is not done again),
and a setup that a stop interrupted is finished once warroom is back.
"""

from warroom.domain.events import IncidentDeclared
from warroom.domain.incident import channel_name
from warroom.integrations.base import Delivery, Retry, in_order
from warroom.slack import blocks
from warroom.slack.replies import reply
from warroom.slack.services import Services
from warroom.slack.steps import guarded, posting
from warroom.store import deploys, incidents
from warroom.store.models import Incident

RECENT_DEPLOYS = 5  # per service: what a responder looks at first


def set_up(services: Services, declared: IncidentDeclared, delivery: Delivery) -> None:
    with services.db.transaction() as session:
        incident = incidents.get(session, declared.incident_id)
    if incident.channel_id is None:
        _create_channel(services, incident, delivery)
    retrying = None
    if incident.channel_id is not None:
        try:
            delivery.steps(_furnishing(services, incident, delivery, declared.rule))
        except Retry as retry:
            retrying = retry
    if delivery.refusals:
        with services.db.transaction() as session:
            incidents.record_setup_failure(
                session, incident.id, "; ".join(delivery.refusals), services.now()
            )
    if not declared.rule and (incident.channel_id is not None or retrying is None):
        # The declarer hears as soon as there is a channel to go to, or nothing will be.
        report = _report(incident, delivery.refusals, retrying)
        delivery.step("tell the declarer", guarded(reply, services, declared, report))
        delivery.refusals.clear()  # told to the declarer and on the timeline: said enough
    if retrying is not None:
        raise retrying
    if delivery.interrupted and incident.channel_id:
        text = (
            f"warroom was restarted while setting up {incident.reference}. "
            "The setup is now complete."
        )
        restarted = blocks.notice(text)
        channel_id = incident.channel_id
        delivery.step(*posting(services.slack, delivery, "say so", channel_id, *restarted))


def channel_name_for(incident: Incident):
    """Names to try for the incident's channel; a private one's name leaks nothing."""
    title = "" if incident.is_private else incident.title
    return lambda attempt: channel_name(incident.id, title, attempt)


def _create_channel(services: Services, incident: Incident, delivery: Delivery) -> None:
    create = guarded(services.slack.create_channel, channel_name_for(incident), incident.is_private)
    created = delivery.step("create the channel", create)
    if created is not None:
        with services.db.transaction() as session:
            incidents.link_channel(session, incident.id, *created)
        incident.channel_id, incident.channel_name = created


def _furnishing(services: Services, incident: Incident, delivery: Delivery, rule: str | None):
    """Invite, topic, headline and announcement at once; the headline is pinned once posted.
    Each message is linked to the incident the moment Slack confirms it. An incident an
    alert `rule` declared has no declarer to invite (warroom is in already)."""
    slack, channel_id = services.slack, incident.channel_id
    announce_to = services.settings.warroom_announce_channel

    def link_headline() -> str:
        ts = delivery.results["post the headline"]
        with services.db.transaction() as session:
            incidents.link_headline(session, incident.id, ts)
        incident.headline_ts = ts
        return ts

    def link_announcement() -> None:
        ts = delivery.results["announce it"]
        with services.db.transaction() as session:
            incidents.link_announcement(session, incident.id, announce_to, ts)

    affected = services.catalog.find(incident.services)[0]
    headline = [
        posting(
            slack, delivery, "post the headline", channel_id, *blocks.headline(incident, affected)
        ),
        ("link the headline", link_headline),
        ("pin the headline", guarded(lambda: slack.pin(channel_id, incident.headline_ts))),
    ]
    steps = [
        ("set the topic", guarded(slack.set_topic, channel_id, blocks.topic(incident))),
        ("set up the headline", in_order(delivery, headline)),
    ]
    if not rule:
        steps.insert(0, ("invite you", guarded(slack.invite, channel_id, [incident.declared_by])))
    # A private incident's declarer chooses who is let in: nobody is invited or called.
    called = [] if incident.is_private else affected
    owners = {user for service in called for user in service.owner_users} - {incident.declared_by}
    if owners:
        invite = guarded(slack.invite, channel_id, sorted(owners))
        steps.append(("invite the services' owners", invite))
    if any(service.owner_groups for service in called):
        call = blocks.notice(blocks.owners_called(affected))
        steps.append(posting(slack, delivery, "call the owning teams", channel_id, *call))
    if affected:
        with services.db.transaction() as session:
            recent = deploys.latest(session, [s.name for s in affected], RECENT_DEPLOYS)
        listed = blocks.recent_deploys(affected, recent)
        steps.append(posting(slack, delivery, "list recent deploys", channel_id, *listed))
    if announce_to and not incident.is_drill:  # a drill announces nowhere
        announcement = [
            posting(slack, delivery, "announce it", announce_to, *blocks.announcement(incident)),
            ("link the announcement", link_announcement),
        ]
        steps.append(("set up the announcement", in_order(delivery, announcement)))
    return steps


def _report(incident: Incident, refusals: list[str], retrying: Retry | None) -> str:
    """The sentence the declarer reads."""
    if incident.channel_id is None:
        return (
            f"I recorded {incident.reference}, but could not create its channel "
            f"({'; '.join(refusals)}). Nothing else was created in Slack. Try again in a "
            "minute; if it keeps failing, check warroom's Slack token and scopes."
        )
    where = blocks.channel_link(incident.channel_id)
    if retrying is not None:
        return (
            f"{incident.reference} is open in {where}. Slack is refusing part of its setup "
            f"for now ({retrying.reason}); warroom keeps trying, and says so in the channel "
            "if it cannot."
        )
    if not refusals:
        return f"{incident.reference} is open in {where}. Claim a role from the pinned headline."
    return (
        f"{incident.reference} is open in {where}, but part of its setup failed: "
        + "; ".join(refusals)
        + ". Everything else is in place, and the failure is on its timeline."
    )
