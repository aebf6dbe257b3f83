"""An incident's record as the dashboard's incident page shows it: milestones and what they
measure, who held which role when, who was paged and how far each page got, the links
around it (channel, status page, runbooks, dashboards; tickets are the items'), its recent
deploys, a page of its timeline and its action items.

The timeline is read a page at a time (the pages' entries aside), so a 10,000-entry
incident costs about what a short one does; the postmortem is a page of its own for the
same reason.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from warroom.catalog import Catalog, Link
from warroom.domain.milestones import Figures, Milestone, figures
from warroom.domain.timeline import Entry, EntryKind
from warroom.store import action_items, deploys, incidents, status_updates, timeline
from warroom.store.models import ActionItem, Deploy, Incident, RoleAssignment

ENTRIES_PER_PAGE = 100
RECENT_DEPLOYS = 5


@dataclass(frozen=True)
class PageState:
    """A page the paging service took, and the last it said of it."""

    service: str
    person: str | None  # the Slack user paged by name; None: the service's on-call
    on_call: tuple[str, ...]  # who it rang, by the names it gave
    status: str = "triggered"  # then acknowledged, resolved
    by: str | None = None  # who acknowledged or resolved it, as the paging service names them
    url: str | None = None  # where the paging service shows it, once it said
    pagerduty_incident: str | None = None  # its incident there, once it said
    recorded: bool = True  # False: known from the paging service's news only, so far


@dataclass(frozen=True)
class IncidentRecord:
    incident: Incident
    milestones: list[tuple[Milestone, datetime | None]]
    measured: Figures
    terms: list[RoleAssignment]
    paged: list[PageState]  # the pages of the incident, each as far as it got
    links: list[Link]
    deploys: list[Deploy]
    entries: list[Entry]
    entries_total: int
    page: int
    everything: bool  # every entry, or the key events only
    items: list[ActionItem]

    @property
    def pages(self) -> int:
        return max(1, -(-self.entries_total // ENTRIES_PER_PAGE))


def record(
    session: Session,
    incident_id: int,
    catalog: Catalog,
    channel_link,
    *,
    everything: bool,
    page: int,
) -> IncidentRecord:
    """`channel_link(channel_id)` is the address of a Slack channel."""
    incident = incidents.get(session, incident_id)
    key_only = not everything
    entries = timeline.entries(
        session,
        incident_id,
        highlighted_only=key_only,
        limit=ENTRIES_PER_PAGE,
        offset=(page - 1) * ENTRIES_PER_PAGE,
    )
    found, _ = catalog.find(incident.services)
    return IncidentRecord(
        incident=incident,
        milestones=list(incident.milestones.items()),
        measured=figures(incident.milestones),
        terms=incidents.terms(session, incident_id),
        paged=_pages(session, incident_id),
        links=_links(session, incident, found, channel_link),
        deploys=deploys.latest(session, incident.services, RECENT_DEPLOYS),
        entries=entries,
        entries_total=timeline.count(session, incident_id, highlighted_only=key_only),
        page=page,
        everything=everything,
        items=action_items.of_incident(session, incident_id),
    )


PAGE_PROGRESS = ("triggered", "acknowledged", "resolved")  # news never takes a page back


def _pages(session: Session, incident_id: int) -> list[PageState]:
    """Each page as far as it got. Paging the same again while its PagerDuty incident is
    open rings that incident, which keeps how far it got; once resolved, paging again opens
    a new one, which starts over. News that came before its page was recorded counts too,
    the new incident's news included."""
    taken: dict[tuple, PageState] = {}
    kinds = [EntryKind.PAGED, EntryKind.PAGE_CHANGED]
    for kind, details in timeline.kinds_and_details(session, incident_id, kinds):
        named = (details["service"], details.get("person"))
        fresh = PageState(*named, on_call=(), recorded=False)
        earlier = taken.get(named) or fresh
        if kind == EntryKind.PAGE_CHANGED:
            if _of_a_new_incident(earlier, details):  # before the page again was recorded
                earlier = fresh
            taken[named] = _told(earlier, details)
            continue
        rang = tuple(someone.get("name") or "?" for someone in details.get("on_call", []))
        if earlier.recorded and earlier.status == "resolved":
            earlier = fresh
        taken[named] = replace(earlier, on_call=rang, recorded=True, **_learned(earlier, details))
    return list(taken.values())


def _of_a_new_incident(page: PageState, details: dict) -> bool:
    """News that a resolved page is open again, of another PagerDuty incident: the one
    that paging again opened (late news of the resolved one names that one)."""
    if page.status != "resolved" or details["status"] == "resolved":
        return False
    there = details.get("pagerduty_incident")
    return there is not None and there != page.pagerduty_incident


def _told(page: PageState, details: dict) -> PageState:
    """The page after news of it: its status never goes back, and its link is kept."""
    known = _learned(page, details)
    if _further(details["status"], page.status):
        return replace(page, status=details["status"], by=details.get("by"), **known)
    return replace(page, **known)


def _learned(page: PageState, details: dict) -> dict:
    """Where the paging service shows the page, and its incident there: as first said."""
    return {
        name: getattr(page, name) or details.get(name) for name in ("url", "pagerduty_incident")
    }


def _further(status: str, than: str) -> bool:
    return status in PAGE_PROGRESS and PAGE_PROGRESS.index(status) > PAGE_PROGRESS.index(than)


def _links(session: Session, incident: Incident, services, channel_link) -> list[Link]:
    links = []
    if incident.channel_id:
        name = f"#{incident.channel_name or incident.channel_id}"
        links.append(Link(name, channel_link(incident.channel_id)))
    if not incident.is_private and status_updates.last_of(session, incident.id):
        links.append(Link("Status page", "/status"))
    for service in services:
        links += [*service.runbooks, *service.dashboards]
    return links
