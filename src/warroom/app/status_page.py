"""The status page: publishing what customers are told, and reading back what it shows.

Components are the names customers know (settings, and the catalog's
`warroom/status-component`); an update says which of them an incident affects and how. The
page shows the latest word on each incident still open, and the incidents of the last days.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from warroom.app.core import Core
from warroom.app.incidents import emitted, record
from warroom.catalog import Catalog
from warroom.domain import events
from warroom.domain.incident import IncidentError
from warroom.domain.status_page import Condition, Phase, PublicUpdate, conditions, overall
from warroom.domain.timeline import EntryKind
from warroom.store import status_updates
from warroom.store.models import Incident, StatusUpdate

RECENT = timedelta(days=7)  # how long a resolved incident stays on the page
FEED_LENGTH = 50


def components(configured: Sequence[str], catalog: Catalog) -> list[str]:
    """The status page's components: those of the settings, then the catalog's."""
    named = [s.status_component for s in catalog.services().values() if s.status_component]
    return list(dict.fromkeys([*configured, *named]))


def publish(core: Core, incident_id: int, update: PublicUpdate, by: str):
    """Publish `update` to the status page; the incident's channel is told."""
    with core.change(incident_id) as change:
        incident = change.incident
        if not incident.may_reach_customers:
            raise IncidentError(refusal(incident))
        status_updates.add(
            change.session,
            incident_id=incident.id,
            published_at=change.at,
            published_by=by,
            title=update.title.strip(),
            phase=update.phase,
            message=update.message.strip(),
            components=dict(update.components),
        )
        incident.public_update_at = change.at
        details = {"title": update.title.strip(), "phase": update.phase}
        details["components"] = dict(update.components)
        entry = record(
            change,
            EntryKind.STATUS_PAGE,
            by,
            update.message.strip(),
            highlighted=True,
            details=details,
        )
        return emitted(change, events.StatusPagePublished, entry, by)


def refusal(incident: Incident) -> str:
    """Why the incident never appears on the status page."""
    if incident.is_drill:
        return f"{incident.reference} is a drill: it tells customers nothing."
    return (
        f"{incident.reference} is private, and private incidents never appear on the status page."
    )


def last_update(core: Core, incident_id: int) -> StatusUpdate | None:
    """What the incident last told customers, to start the next update from."""
    with core.db.transaction() as session:
        found = status_updates.last_of(session, incident_id)
        if found is not None:
            session.expunge(found)
        return found


@dataclass(frozen=True)
class Story:
    """One incident as customers follow it: its updates, newest first."""

    title: str
    phase: Phase
    updates: list[StatusUpdate]

    @property
    def affected(self) -> list[str]:
        return list(self.updates[0].components)


@dataclass(frozen=True)
class PublicView:
    headline: str
    tone: str  # a condition's value, or "affected"
    components: dict[str, Condition]
    current: list[Story]
    recent: list[Story]


def page(core: Core, names: list[str]) -> PublicView:
    """What the status page shows now."""
    with core.db.transaction() as session:
        latest = status_updates.latest_of_each(session)
        since = core.now() - RECENT
        shown = [
            u.incident_id for u in latest if u.phase != Phase.RESOLVED or u.published_at >= since
        ]
        updates = status_updates.of_incidents(session, shown)
        session.expunge_all()
    stories = _stories(updates)
    found = conditions(names, [_public(update) for update in latest])
    current = [story for story in stories if story.phase != Phase.RESOLVED]
    recent = [story for story in stories if story.phase == Phase.RESOLVED]
    return PublicView(*overall(found, len(current)), found, current, recent)


def feed(core: Core) -> list[StatusUpdate]:
    """The latest public updates, newest first, for the page's Atom feed."""
    with core.db.transaction() as session:
        found = status_updates.newest(session, FEED_LENGTH)
        session.expunge_all()
    return found


def _stories(updates: list[StatusUpdate]) -> list[Story]:
    by_incident: dict[int, list[StatusUpdate]] = {}
    for update in updates:  # newest first, so each story's first is its latest
        by_incident.setdefault(update.incident_id, []).append(update)
    return [Story(told[0].title, Phase(told[0].phase), told) for told in by_incident.values()]


def _public(update: StatusUpdate) -> PublicUpdate:
    components = {name: Condition(value) for name, value in update.components.items()}
    return PublicUpdate(update.title, Phase(update.phase), update.message, components)
