"""Giving a declared incident its place in Slack: channel, topic, pinned headline, announcement.

Each piece is recorded on the incident as soon as Slack confirms it, so the row never claims
more than exists. Steps that do not depend on each other run at the same time, and no
database transaction stays open while Slack is being called.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from slack_sdk.errors import SlackApiError

from warroom import incidents, reminders
from warroom.domain.incident import channel_name
from warroom.slack import blocks
from warroom.slack.commands import DeclareForm
from warroom.slack.gateway import Attempts
from warroom.slack.services import Services
from warroom.store.models import Incident


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


def provision(services: Services, incident_id: int, resuming: bool = False) -> Setup:
    """Set the incident up in Slack. `resuming` finishes a setup that a stop interrupted:
    what is linked is not made again, and a message Slack may have taken just before the
    stop (its answer lost) is looked for first and adopted rather than posted twice."""
    with services.db.transaction() as session:
        incident = incidents.get(session, incident_id)
    if resuming and incident.channel_id:
        _adopt_lost_messages(services, incident)
    setup = Setup(incident.reference)
    if incident.channel_id is None:
        created = setup.attempt("create the channel", _create_channel, services, incident)
        if created is not None:
            with services.db.transaction() as session:
                incidents.link_channel(session, incident.id, *created)
            incident.channel_id, incident.channel_name = created
    if incident.channel_id is not None:
        setup.channel_id = incident.channel_id
        _furnish(services, incident, setup)
    if setup.failures:
        with services.db.transaction() as session:
            incidents.record_setup_failure(
                session, incident.id, "; ".join(setup.failures), services.now()
            )
    return setup


# A declare finishes well within this, Slack's retries included. A setup left unfinished
# for longer was interrupted (warroom stopped); a younger one may still be under way,
# perhaps on another replica, and must not be set up twice.
SETUP_GRACE = timedelta(minutes=1)


def unfinished_setups(services: Services) -> tuple[list[int], bool]:
    """Interrupted setups to finish now, and whether younger unfinished ones remain."""
    announcing = bool(services.settings.warroom_announce_channel)
    with services.db.transaction() as session:
        unfinished = [
            incident
            for incident in incidents.open_incidents(session)
            if incident.setup_failure is None
            and (
                incident.channel_id is None
                or incident.headline_ts is None
                or (announcing and incident.announcement_ts is None)
            )
        ]
    cutoff = services.now() - SETUP_GRACE
    ready = [incident.id for incident in unfinished if incident.declared_at <= cutoff]
    return ready, len(ready) < len(unfinished)


def _adopt_lost_messages(services: Services, incident: Incident) -> None:
    mentions = re.compile(rf"\b{re.escape(incident.reference)}\b")
    since = f"{incident.declared_at.timestamp():.6f}"

    def posted_in(channel_id: str) -> str | None:
        try:
            for message in services.slack.history(channel_id, oldest=since):
                if services.slack.is_own(message) and mentions.search(message.get("text", "")):
                    return message["ts"]
        except SlackApiError as error:
            if error.response.get("error") != "not_in_channel":
                raise  # not a member: warroom never posted there
        return None

    announce_to = services.settings.warroom_announce_channel
    with services.db.transaction() as session:
        if incident.headline_ts is None and (ts := posted_in(incident.channel_id)):
            incidents.link_headline(session, incident.id, ts)
            incident.headline_ts = ts
        if announce_to and incident.announcement_ts is None and (ts := posted_in(announce_to)):
            incidents.link_announcement(session, incident.id, announce_to, ts)
            incident.announcement_ts = ts


def channel_name_for(incident: Incident):
    """Names to try for the incident's channel; a private one's name leaks nothing."""
    title = "" if incident.is_private else incident.title
    return lambda attempt: channel_name(incident.id, title, attempt)


def _create_channel(services: Services, incident: Incident) -> tuple[str, str]:
    return services.slack.create_channel(channel_name_for(incident), incident.is_private)


def _furnish(services: Services, incident: Incident, setup: Setup) -> None:
    """Invite, topic, headline and announcement at once; the headline is pinned once posted.
    Each message is linked to the incident the moment Slack confirms it."""
    slack, channel_id = services.slack, incident.channel_id
    announce_to = services.settings.warroom_announce_channel

    def post_headline() -> None:
        ts = incident.headline_ts
        if ts is None:
            ts = slack.post(channel_id, *blocks.headline(incident))
            with services.db.transaction() as session:
                incidents.link_headline(session, incident.id, ts)
        setup.attempt("pin the headline", slack.pin, channel_id, ts)

    def announce() -> None:
        ts = slack.post(announce_to, *blocks.announcement(incident))
        with services.db.transaction() as session:
            incidents.link_announcement(session, incident.id, announce_to, ts)

    steps = [
        ("invite you", slack.invite, channel_id, [incident.declared_by]),
        ("set the topic", slack.set_topic, channel_id, blocks.topic(incident)),
        ("post the headline", post_headline),
    ]
    if announce_to and incident.announcement_ts is None:
        steps.append(("announce it", announce))
    with ThreadPoolExecutor(max_workers=len(steps)) as pool:
        running = [pool.submit(setup.attempt, *step) for step in steps]
    for step in running:
        step.result()  # Slack failures are in `setup`; this surfaces anything else
