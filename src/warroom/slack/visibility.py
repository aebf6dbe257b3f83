"""Who may see which incident: a private incident only shows to members of its channel."""

import logging

from warroom.slack.gateway import SlackGateway
from warroom.store.models import Incident

log = logging.getLogger(__name__)


def visible_to(slack: SlackGateway, user_id: str, incidents: list[Incident]) -> list[Incident]:
    """The incidents `user_id` may see. Membership is asked of Slack, which is its source of
    truth; when Slack cannot say, the private incident stays hidden."""

    def may_see(incident: Incident) -> bool:
        if not incident.is_private:
            return True
        if incident.channel_id is None:
            return incident.declared_by == user_id
        try:
            return user_id in slack.members(incident.channel_id)
        except Exception as error:
            log.warning("could not check membership of %s: %r", incident.reference, error)
            return False

    return [incident for incident in incidents if may_see(incident)]
