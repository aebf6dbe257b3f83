"""Paging: asking for the on-call of an incident's services, recording that the paging
service took each page and who it rang, and what responders did with the page there.

A page is known by its dedup key, one per incident and service (and person, for a page to
someone by name, which the paging service opens in one of the incident's services), so
asking twice while a page is open comes back to that page instead of opening another (a
page by name is not rung again: a note on it says it was asked for again), and the paging
service's news of a page says which incident it belongs to.
"""

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from warroom.app.core import Core
from warroom.app.incidents import emitted, record, still_open
from warroom.catalog import Catalog
from warroom.domain import events
from warroom.domain.incident import IncidentError
from warroom.domain.milestones import Milestone, MilestoneError, check
from warroom.domain.timeline import EntryKind
from warroom.store import timeline
from warroom.store.models import Incident

_DEDUP_KEY = re.compile(
    r"^warroom-(?P<incident>\d+)-(?P<service>[A-Za-z0-9._-]+?)(?:-@(?P<person>[UW][A-Z0-9]+))?$"
)
PAGE_EXAMPLE = "/incident page payments Checkout is down, please join"


class PageKey(NamedTuple):
    incident_id: int
    service: str
    person: str | None  # the Slack user paged by name; None: the service's on-call

    @property
    def details(self) -> dict:
        """How timeline entries about the page name it."""
        return {"service": self.service} | ({"person": self.person} if self.person else {})


def dedup_key(incident_id: int, service: str, person: str | None = None) -> str:
    return f"warroom-{incident_id}-{service}" + (f"-@{person}" if person else "")


def page_of(key: str | None) -> PageKey | None:
    """The page a dedup key is of (None: not one of warroom's)."""
    found = _DEDUP_KEY.match(key or "")
    return PageKey(int(found["incident"]), found["service"], found["person"]) if found else None


def request_page(
    core: Core,
    catalog: Catalog,
    incident_id: int,
    names: Sequence[str],
    message: str,
    *,
    by: str,
    people: Mapping[str, str] = {},
) -> events.PageRequested:
    """Page the on-call of `names`, or of every affected service that can be paged; or,
    given `people` (Slack user id -> email address), those people, through the first
    affected service PagerDuty knows by id."""
    pageable = [service.name for service in catalog.services().values() if service.pagerduty_key]
    with core.change(incident_id) as change:
        incident = still_open(change, "page anyone")
        if incident.is_drill:
            raise IncidentError(f"{incident.reference} is a drill: it pages no one.")
        details: dict = {"services": [], "people": []}
        if people:
            details["through"] = _paged_through(incident, catalog)
            details["people"] = [{"user": user, "email": email} for user, email in people.items()]
        else:
            chosen = list(dict.fromkeys(names)) or [s for s in incident.services if s in pageable]
            _refuse_unpageable(incident.reference, chosen, pageable, catalog)
            details["services"] = chosen
        entry = record(
            change, EntryKind.PAGE_REQUESTED, by, message, highlighted=True, details=details
        )
        return emitted(
            change,
            events.PageRequested,
            entry,
            by,
            services=details["services"],
            people=list(people),
        )


def _paged_through(incident: Incident, catalog: Catalog) -> str:
    """The affected service a page to a person is opened in: PagerDuty pages people only
    within a service."""
    known = catalog.services()
    for name in incident.services:
        if name in known and known[name].pagerduty_service:
            return name
    raise IncidentError(
        f"PagerDuty pages a person within a service, and none of {incident.reference}'s "
        f"services has a `pagerduty.com/service-id` in the catalog. Page a service's on-call "
        f"instead: `{PAGE_EXAMPLE}`."
    )


def _refuse_unpageable(reference: str, chosen, pageable, catalog: Catalog) -> None:
    if not pageable:
        raise IncidentError(
            "No service in the catalog can be paged: give one a "
            "`pagerduty.com/integration-key` annotation (its PagerDuty Events API v2 key)."
        )
    if not chosen:
        raise IncidentError(
            f"{reference} names no service that can be paged, so say which: "
            f"`{PAGE_EXAMPLE}` (these can: {', '.join(pageable)})."
        )
    unknown = [name for name in chosen if name not in catalog.services()]
    if unknown:
        raise IncidentError(f"No service called {', '.join(unknown)} in the catalog.")
    keyless = [name for name in chosen if name not in pageable]
    if keyless:
        raise IncidentError(
            f"{', '.join(keyless)} cannot be paged: the catalog gives no "
            "`pagerduty.com/integration-key` for it."
        )


def paged(
    core: Core,
    page: PageKey,
    on_call: list[dict],
    pagerduty_incident: str | None = None,
    url: str | None = None,
) -> events.Paged:
    """The paging service took `page`; `on_call` is who it rings (`name` and `email` each),
    when warroom could ask; `pagerduty_incident` is the id of a page opened by name, `url`
    where the paging service shows it."""
    with core.change(page.incident_id) as change:
        what = f"@{page.person}" if page.person else f"the on-call of {page.service}"
        entry = record(
            change,
            EntryKind.PAGED,
            None,
            f"Paged {what}",
            details=page.details
            | {"dedup_key": dedup_key(*page), "on_call": on_call}
            | _given(pagerduty_incident=pagerduty_incident, url=url),
        )
        return emitted(change, events.Paged, entry, None, service=page.service, person=page.person)


def pages(core: Core, incident_id: int) -> list[dict]:
    """What was recorded of each page of the incident the paging service took."""
    with core.db.transaction() as session:
        found = timeline.details_of(session, incident_id, EntryKind.PAGED)
    return list({details["dedup_key"]: details for details in found}.values())


def page_changed(
    core: Core,
    key: str,
    news_id: str,
    status: str,
    who: str | None,
    at: datetime,
    url: str | None = None,
    pagerduty_incident: str | None = None,
) -> events.PageChanged | None:
    """A responder `status` ("acknowledged" or "resolved") the page `key` in the paging
    service at `at`, as its news `news_id` says; `url` is where the paging service shows
    it and `pagerduty_incident` the id of its incident there, when it says. The first
    acknowledgement is the incident's acknowledged milestone. None when the page is not
    warroom's, or this news was already recorded (a redelivery: the same news twice, not
    the same status twice, which a page opened again can have)."""
    page = page_of(key)
    if page is None:
        return None
    with core.db.transaction() as session:
        if session.get(Incident, page.incident_id) is None:
            return None
    with core.change(page.incident_id) as change:
        known = timeline.details_of(change.session, page.incident_id, EntryKind.PAGE_CHANGED)
        if any(d.get("news_id") == news_id for d in known):
            return None
        if status == "acknowledged":
            _acknowledged(change.incident, at, change.at)
        paged = f"@{page.person}" if page.person else page.service
        entry = record(
            change,
            EntryKind.PAGE_CHANGED,
            None,
            f"{who or 'Someone'} {status} the page for {paged}",
            details=page.details
            | {"status": status, "by": who, "news_id": news_id}
            | _given(url=url, pagerduty_incident=pagerduty_incident),
        )
        return emitted(
            change,
            events.PageChanged,
            entry,
            None,
            service=page.service,
            person=page.person,
            status=status,
        )


def _given(**details) -> dict:
    """The details the paging service gave: what it left out is not recorded as None."""
    return {name: value for name, value in details.items() if value}


def _acknowledged(incident, at: datetime, now: datetime) -> None:
    """The first acknowledgement sets the milestone, unless someone set it already or the
    time contradicts the others (then the timeline entry still says when it came)."""
    if incident.acknowledged_at is not None:
        return
    try:
        check(incident.milestones | {Milestone.ACKNOWLEDGED: at}, now)
    except MilestoneError:
        return
    incident.acknowledged_at = at


def summary(incident: Incident, service: str) -> str:
    """What the on-call reads on their phone. A private incident's title stays in Slack."""
    about = "a private incident, details in Slack" if incident.is_private else incident.title
    return f"{incident.reference} {incident.severity.upper()} {service}: {about}"
