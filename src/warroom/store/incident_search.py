"""Finding incidents for the dashboard: by words in their title, description or timeline,
status, severity, service, IC and declare dates, newest first, a page at a time; private
ones only where the caller may see them.

Rows are read as plain columns, not as mapped objects: a page of fifty, or an export of
thousands, costs three queries (the incidents, with the page's total; their ICs; their
services) and no object per row.
"""

from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from warroom.domain.incident import Role, Severity, Status
from warroom.store.models import AffectedService, Incident, RoleAssignment, TimelineEntry
from warroom.store.text_match import holds

PER_PAGE = 50
COMMANDERS_OFFERED = 100


@dataclass(frozen=True)
class Filters:
    words: tuple[str, ...] = ()  # each in the title, the description or a timeline message
    statuses: tuple[Status, ...] = ()
    severities: tuple[Severity, ...] = ()
    service: str | None = None
    commander: str | None = None  # a Slack user id: incidents they were ever IC of
    declared_from: date | None = None
    declared_to: date | None = None  # inclusive


@dataclass(frozen=True)
class Row:
    id: int
    title: str
    severity: str
    status: str
    is_private: bool
    is_drill: bool
    declared_at: datetime
    mitigated_at: datetime | None
    resolved_at: datetime | None
    commander: str | None
    services: tuple[str, ...]


# A row's own columns of the incidents table; the IC and services are read apart.
_COLUMNS = tuple(field.name for field in fields(Row) if field.name not in ("commander", "services"))


def private_incidents(session: Session) -> list[tuple[int, str | None, str]]:
    """Every private incident: its id, channel and declarer (who may see it is Slack's to
    say)."""
    query = select(Incident.id, Incident.channel_id, Incident.declared_by)
    return [tuple(row) for row in session.execute(query.where(Incident.is_private))]


def seen_by(visible_private: Collection[int]):
    """The incidents a reader may see: every public one, and the private ones allowed."""
    return or_(~Incident.is_private, Incident.id.in_(list(visible_private)))


def commanders(session: Session, visible_private: Collection[int]) -> list[str]:
    """Whom the IC filter offers: the people most recently IC of an incident the caller
    may see, at most COMMANDERS_OFFERED (each is named by Slack, once per process)."""
    query = (
        select(RoleAssignment.user_id)
        .join(Incident, Incident.id == RoleAssignment.incident_id)
        .where(RoleAssignment.role == Role.IC, seen_by(visible_private))
        .group_by(RoleAssignment.user_id)
        .order_by(func.max(RoleAssignment.started_at).desc(), RoleAssignment.user_id)
    )
    return list(session.scalars(query.limit(COMMANDERS_OFFERED)))


def search(
    session: Session, filters: Filters, visible_private: Collection[int], page: int = 1
) -> tuple[list[Row], int]:
    """One page of the incidents matching `filters`, and how many match in all: one query
    for both (a search reads the whole timeline, and should once)."""
    query = _matching(filters, visible_private).add_columns(func.count().over().label("total"))
    rows = session.execute(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    if rows:
        return _rows(session, rows), rows[0].total
    matching = _matching(filters, visible_private).subquery()  # past the last page
    return [], session.scalar(select(func.count()).select_from(matching))


def every(session: Session, filters: Filters, visible_private: Collection[int]) -> list[Row]:
    """All of them, for an export."""
    return _rows(session, session.execute(_matching(filters, visible_private)).all())


def _matching(filters: Filters, visible_private: Collection[int]) -> Select:
    query = select(*(getattr(Incident, column) for column in _COLUMNS)).where(
        seen_by(visible_private)
    )
    for word in filters.words:
        query = query.where(_mentions(word))
    if filters.statuses:
        query = query.where(Incident.status.in_(filters.statuses))
    if filters.severities:
        query = query.where(Incident.severity.in_(filters.severities))
    if filters.service:
        query = query.where(
            exists().where(
                AffectedService.incident_id == Incident.id,
                AffectedService.service == filters.service,
            )
        )
    if filters.commander:
        query = query.where(
            exists().where(
                RoleAssignment.incident_id == Incident.id,
                RoleAssignment.role == Role.IC,
                RoleAssignment.user_id == filters.commander,
            )
        )
    if filters.declared_from:
        query = query.where(Incident.declared_at >= _midnight(filters.declared_from))
    if filters.declared_to:
        query = query.where(Incident.declared_at < _midnight(filters.declared_to + timedelta(1)))
    return query.order_by(Incident.declared_at.desc(), Incident.id.desc())  # newest first


def _mentions(word: str):
    """`word` anywhere in the incident's title, description or a message of its timeline
    that was not deleted, whatever its case; "INC-42" or "42" is incident 42 as well."""
    said = select(TimelineEntry.incident_id).where(
        holds(TimelineEntry.text, word), TimelineEntry.deleted_at.is_(None)
    )
    found = [
        holds(Incident.title, word),
        holds(Incident.description, word),
        Incident.id.in_(said),
    ]
    number = word.upper().removeprefix("INC-")
    if number.isascii() and number.isdigit() and len(number) < 10:  # "²" is a digit too
        found.append(Incident.id == int(number))
    return or_(*found)


def _rows(session: Session, rows) -> list[Row]:
    """The rows with their current IC and services, two queries for all of them."""
    ids = [row.id for row in rows]
    commanders = dict(
        session.execute(
            select(RoleAssignment.incident_id, RoleAssignment.user_id).where(
                and_(
                    RoleAssignment.incident_id.in_(ids),
                    RoleAssignment.role == Role.IC,
                    RoleAssignment.ended_at.is_(None),
                )
            )
        ).all()
    )
    services: dict[int, list[str]] = {}
    affected = select(AffectedService.incident_id, AffectedService.service).where(
        AffectedService.incident_id.in_(ids)
    )
    for incident_id, service in session.execute(affected.order_by(AffectedService.position)):
        services.setdefault(incident_id, []).append(service)
    return [
        Row(
            **{column: getattr(row, column) for column in _COLUMNS},
            commander=commanders.get(row.id),
            services=tuple(services.get(row.id, ())),
        )
        for row in rows
    ]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
