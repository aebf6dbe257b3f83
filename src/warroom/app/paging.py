"""Paging: asking for the on-call of an incident's services, recording that the paging
service took each page and who it rang, and what responders did with the page there.

A page is known by its dedup key, one per incident and service, so asking twice rings the
same page again instead of opening another, and the paging service's news of a page says
which incident it belongs to.
"""

import re
from collections.abc import Sequence
from datetime import datetime

from warroom.app.core import Core
from warroom.app.incidents import emitted, record, still_open
from warroom.catalog import Catalog
from warroom.domain import events
from warroom.domain.incident import IncidentError
from warroom.domain.milestones import Milestone, MilestoneError, check
from warroom.domain.timeline import EntryKind
from warroom.store import timeline
from warroom.store.models import Incident

_DEDUP_KEY = re.compile(r"^warroom-(?P<incident>\d+)-(?P<service>[A-Za-z0-9._-]+)$")
PAGE_EXAMPLE = "/incident page payments Checkout is down, please join"


def dedup_key(incident_id: int, service: str) -> str:
    return f"warroom-{incident_id}-{service}"


def page_of(key: str | None) -> tuple[int, str] | None:
    """The incident and service a dedup key is the page of (None: not one of warroom's)."""
    found = _DEDUP_KEY.match(key or "")
    return (int(found["incident"]), found["service"]) if found else None


def request_page(
    core: Core, catalog: Catalog, incident_id: int, names: Sequence[str], message: str, *, by: str
) -> events.PageRequested:
    """Page the on-call of `names`, or of every affected service that can be paged."""
    pageable = [service.name for service in catalog.services().values() if service.pagerduty_key]
    with core.change(incident_id) as change:
        incident = still_open(change, "page anyone")
        chosen = list(dict.fromkeys(names)) or [s for s in incident.services if s in pageable]
        _refuse_unpageable(incident.reference, chosen, pageable, catalog)
        entry = record(
            change,
            EntryKind.PAGE_REQUESTED,
            by,
            message,
            highlighted=True,
            details={"services": chosen},
        )
        return emitted(change, events.PageRequested, entry, by, services=chosen)


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


def paged(core: Core, incident_id: int, service: str, on_call: list[dict]) -> events.Paged:
    """The paging service took the page of `service`; `on_call` is who it rings
    (`name` and `email` each), when warroom could ask."""
    with core.change(incident_id) as change:
        entry = record(
            change,
            EntryKind.PAGED,
            None,
            f"Paged the on-call of {service}",
            details={
                "service": service,
                "dedup_key": dedup_key(incident_id, service),
                "on_call": on_call,
            },
        )
        return emitted(change, events.Paged, entry, None, service=service)


def paged_keys(core: Core, incident_id: int) -> list[str]:
    """The dedup keys of the incident's pages the paging service took."""
    with core.db.transaction() as session:
        found = timeline.details_of(session, incident_id, EntryKind.PAGED)
    return list(dict.fromkeys(details["dedup_key"] for details in found))


def page_changed(
    core: Core, key: str, status: str, who: str | None, at: datetime
) -> events.PageChanged | None:
    """A responder `status` ("acknowledged" or "resolved") the page `key` in the paging
    service at `at`. The first acknowledgement is the incident's acknowledged milestone.
    None when the page is not warroom's, or this news was already recorded."""
    page = page_of(key)
    if page is None:
        return None
    incident_id, service = page
    with core.db.transaction() as session:
        if session.get(Incident, incident_id) is None:
            return None
    with core.change(incident_id) as change:
        known = timeline.details_of(change.session, incident_id, EntryKind.PAGE_CHANGED)
        if any(d["service"] == service and d["status"] == status for d in known):
            return None
        if status == "acknowledged":
            _acknowledged(change.incident, at, change.at)
        entry = record(
            change,
            EntryKind.PAGE_CHANGED,
            None,
            f"{who or 'Someone'} {status} the page for {service}",
            details={"service": service, "status": status, "by": who},
        )
        return emitted(change, events.PageChanged, entry, None, service=service, status=status)


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
