"""Does this incident look like other recent ones? The incidents of the half year before it
that share a service with it or a contributing factor of their postmortems, most in common
first, then the newest; drills and what the reader may not see left out."""

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.domain.postmortem import factors
from warroom.store import incident_search
from warroom.store.models import AffectedService, Incident, PostmortemNotes

LOOK_BACK = timedelta(days=183)
SHOWN = 5


@dataclass(frozen=True)
class Similar:
    id: int
    title: str
    severity: str
    declared_at: datetime
    services: list[str] = field(default_factory=list)  # shared with the incident
    factors: list[str] = field(default_factory=list)  # shared with the incident


def similar_to(
    session: Session, incident: Incident, visible_private: Collection[int]
) -> list[Similar]:
    earlier = select(Incident.id).where(
        Incident.id != incident.id,
        Incident.declared_at < incident.declared_at,
        Incident.declared_at >= incident.declared_at - LOOK_BACK,
        ~Incident.is_drill,
        incident_search.seen_by(visible_private),
    )
    shared_services: dict[int, list[str]] = {}
    if incident.services:
        sharing = select(AffectedService.incident_id, AffectedService.service).where(
            AffectedService.incident_id.in_(earlier),
            AffectedService.service.in_(incident.services),
        )
        for other, service in session.execute(sharing):
            shared_services.setdefault(other, []).append(service)
    shared_factors = _shared_factors(session, incident.id, earlier)
    score = Counter({i: len(s) for i, s in shared_services.items()})
    score.update({i: len(f) for i, f in shared_factors.items()})
    if not score:
        return []
    rows = session.execute(
        select(Incident.id, Incident.title, Incident.severity, Incident.declared_at).where(
            Incident.id.in_(list(score))
        )
    ).all()
    ranked = sorted(rows, key=lambda row: (-score[row.id], -row.declared_at.timestamp()))
    return [
        Similar(
            *row,
            services=shared_services.get(row.id, []),
            factors=shared_factors.get(row.id, []),
        )
        for row in ranked[:SHOWN]
    ]


def _shared_factors(session: Session, incident_id: int, earlier) -> dict[int, list[str]]:
    """The factors each earlier incident's postmortem shares with this one's, as people
    wrote them (compared without case)."""
    own = session.scalar(
        select(PostmortemNotes.contributing_factors).where(
            PostmortemNotes.incident_id == incident_id
        )
    )
    wanted = {factor.lower() for factor in factors(own or "")}
    if not wanted:
        return {}
    noted = select(PostmortemNotes.incident_id, PostmortemNotes.contributing_factors).where(
        PostmortemNotes.incident_id.in_(earlier), PostmortemNotes.contributing_factors != ""
    )
    shared = {}
    for other, text in session.execute(noted):
        common = [factor for factor in factors(text) if factor.lower() in wanted]
        if common:
            shared[other] = common
    return shared
