"""Making an existing ticket an action item: `/incident action <ticket link> @owner due ...`.

The link must be a ticket of a tracker warroom is set up with. The ticket is read after the
acknowledgement (its tracker may be slow); its title becomes the item's text, and its due
date is taken when the command says `due TBD`. A closed ticket, or one that already is an
item, is refused in words and nothing is added.
"""

from warroom.app import action_items
from warroom.domain.incident import IncidentError
from warroom.integrations.base import Refused, Retry
from warroom.integrations.trackers import Tracker
from warroom.slack import action_views, blocks
from warroom.slack.command_types import AddAction
from warroom.slack.follow_up import Tell
from warroom.slack.services import Services
from warroom.store import action_items as stored_items


def tracker_of(services: Services, url: str) -> Tracker:
    """The tracker whose ticket `url` is; IncidentError saying which links work otherwise."""
    trackers = [i for i in services.core.outbox.integrations.values() if isinstance(i, Tracker)]
    if not trackers:
        raise IncidentError(
            "No tracker is set up (GitHub or Jira), so warroom cannot read that ticket. "
            "Add the item with its own words instead."
        )
    found = next((tracker for tracker in trackers if tracker.owns(url)), None)
    if found is None:
        names = " or ".join(tracker.title for tracker in trackers)
        raise IncidentError(
            f"{blocks.escape(url)} is no {names} ticket warroom can read: paste the issue's "
            "own link."
        )
    return found


def import_ticket(
    services: Services, tracker: Tracker, incident_id: int, asked: AddAction, by: str, tell: Tell
) -> None:
    url = asked.ticket_url
    with services.db.transaction() as session:
        already = stored_items.with_ticket(session, url)
        already_id = already.id if already else None
    if already_id is not None:
        tell(f"Action item #{already_id} already tracks {blocks.escape(url)}; nothing was added.")
        return
    try:
        ticket = tracker.ticket(url)
    except (Retry, Refused) as error:
        tell(
            f":warning: Could not read {blocks.escape(url)} ({blocks.escape(error.reason)}); "
            "nothing was added. Try again in a minute."
        )
        return
    if ticket.closed:
        tell(f"{blocks.escape(url)} is already closed in {tracker.title}; nothing was added.")
        return
    added = action_items.add(
        services.core,
        incident_id,
        text=ticket.title or url,
        owner_id=asked.owner_id,
        due_on=asked.due_on or ticket.due_on,
        priority=asked.priority,
        kind=asked.kind,
        ticket_url=url,
        by=by,
    )
    with services.db.transaction() as session:
        item = stored_items.find(session, added.item_id)
    tell(action_views.added(item))
