"""Giving a declared incident its place in Slack: channel, topic, pinned headline, announcement.

Each piece is recorded on the incident as soon as Slack confirms it, so the row never claims
more than exists. Steps that do not depend on each other run at the same time, and no
database transaction stays open while Slack is being called.
"""

from concurrent.futures import ThreadPoolExecutor

from warroom import incidents, reminders
from warroom.commands import DeclareForm
from warroom.domain import channel_name
from warroom.models import Incident
from warroom.slack import blocks
from warroom.slack.gateway import Attempts
from warroom.slack.services import Services


class Setup(Attempts):
    """What happened while setting up an incident in Slack."""

    channel_id: str | None = None

    def report(self) -> str:
        """The sentence the declarer reads."""
        if self.channel_id is None:
            return (
                f"I recorded {self.reference}, but could not create its channel "
                f"({'; '.join(self.failures)}). Nothing else was created in Slack. Try again "
                "in a minute; if it keeps failing, check warroom's Slack token and scopes."
            )
        where = blocks.channel_link(self.channel_id)
        if not self.failures:
            return f"{self.reference} is open in {where}. Claim a role from the pinned headline."
        return (
            f"{self.reference} is open in {where}, but part of its setup failed: "
            + "; ".join(self.failures)
            + ". Everything else is in place, and the failure is on its timeline."
        )


def open_incident(services: Services, form: DeclareForm, user_id: str) -> Incident:
    with services.db.transaction() as session:
        incident = incidents.open_incident(
            session,
            title=form.title,
            severity=form.severity,
            declared_by=user_id,
            at=services.now(),
            description=form.description,
            is_private=form.is_private,
        )
        reminders.reschedule_incident(session, incident, services.policy)
        return incident


def provision(services: Services, incident_id: int) -> Setup:
    with services.db.transaction() as session:
        incident = incidents.get(session, incident_id)
    setup = Setup(incident.reference)
    created = setup.attempt("create the channel", _create_channel, services, incident)
    if created is not None:
        with services.db.transaction() as session:
            incidents.link_channel(session, incident.id, *created)
        incident.channel_id, incident.channel_name = created
        setup.channel_id = incident.channel_id
        _furnish(services, incident, setup)
    if setup.failures:
        with services.db.transaction() as session:
            incidents.record_setup_failure(
                session, incident.id, "; ".join(setup.failures), services.now()
            )
    return setup


def channel_name_for(incident: Incident):
    """Names to try for the incident's channel; a private one's name leaks nothing."""
    title = "" if incident.is_private else incident.title
    return lambda attempt: channel_name(incident.id, title, attempt)


def _create_channel(services: Services, incident: Incident) -> tuple[str, str]:
    return services.slack.create_channel(channel_name_for(incident), incident.is_private)


def _furnish(services: Services, incident: Incident, setup: Setup) -> None:
    """Invite, topic, headline and announcement at once; then pin the headline."""
    slack, channel_id = services.slack, incident.channel_id
    announce_to = services.settings.warroom_announce_channel
    with ThreadPoolExecutor(max_workers=4) as pool:
        invited = pool.submit(
            setup.attempt, "invite you", slack.invite, channel_id, [incident.declared_by]
        )
        topic = pool.submit(
            setup.attempt, "set the topic", slack.set_topic, channel_id, blocks.topic(incident)
        )
        headline = pool.submit(
            setup.attempt, "post the headline", slack.post, channel_id, *blocks.headline(incident)
        )
        announced = (
            pool.submit(
                setup.attempt,
                "announce it",
                slack.post,
                announce_to,
                *blocks.announcement(incident),
            )
            if announce_to
            else None
        )
        headline_ts = headline.result()
        if headline_ts:
            setup.attempt("pin the headline", slack.pin, channel_id, headline_ts)
        invited.result(), topic.result()  # failures are in `setup`; this surfaces bugs
    with services.db.transaction() as session:
        if headline_ts:
            incidents.link_headline(session, incident.id, headline_ts)
        if announced is not None and announced.result():
            incidents.link_announcement(session, incident.id, announce_to, announced.result())
