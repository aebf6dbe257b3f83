"""How we are doing on incidents over a period: how many, of which severity, week by week;
how long detecting, acknowledging, mitigating and resolving took (median and p90, by
severity and by service); which services break most; whether action items get done and
postmortems published on time; and who carries the incidents out of hours.

Every figure counts the incidents declared in the period that the reader may see (a private
one only for its channel's members), drills left out. A few queries of plain columns,
however many incidents.
"""

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, Select, func, literal, or_, select
from sqlalchemy.orm import Session

from warroom.domain.action_items import ActionStatus
from warroom.domain.incident import Severity
from warroom.domain.insights import Spread, out_of_hours, spread, week_of
from warroom.domain.milestones import DURATIONS, Milestone
from warroom.store.epoch import epoch
from warroom.store.models import ActionItem, AffectedService, Incident, RoleAssignment

MEASURES = tuple(DURATIONS)  # detect, acknowledge, mitigate, resolve
LABELS = {severity.value: severity.label for severity in Severity}  # "sev1" -> "SEV1"
TOP_SERVICES = 10


@dataclass(frozen=True)
class Insights:
    start: date
    end: date
    incidents: int
    per_week: list[tuple[date, dict[str, int]]]  # Monday -> count by severity
    times: dict[str, dict[str, Spread]]  # measure -> "SEV1" / a service -> spread
    top_services: list[tuple[str, int]]
    items: dict[str, int]  # by status, and how many open ones are overdue
    overdue_age: Spread  # how long past due the overdue ones are
    postmortems: dict[str, int]  # on_time, late, overdue, not_due_yet (SEV1/2 resolved)
    out_of_hours: list[tuple[str, int]]  # person -> incidents they held a role in, out of hours

    @property
    def time_groups(self) -> list[str]:
        """All incidents, then each severity, then each service, as far as any was timed."""
        timed = {group for groups in self.times.values() for group in groups}
        severities = [s.label for s in Severity if s.label in timed]
        return ["all", *severities, *sorted(timed - {"all", *severities})]

    def as_json(self) -> dict:
        shown = asdict(self)
        shown["per_week"] = [{"week": str(w), **counts} for w, counts in self.per_week]
        shown["times"] = {
            measure: {group: _spread_json(s) for group, s in groups.items()}
            for measure, groups in self.times.items()
        }
        shown["overdue_age"] = _spread_json(self.overdue_age)
        shown["start"], shown["end"] = str(self.start), str(self.end)
        return shown

    def as_rows(self) -> list[tuple[str, str, str, str]]:
        """(figure, group, count, median / p90 in minutes): one table for a spreadsheet."""
        rows = [("incidents", "all", str(self.incidents), "")]
        rows += [
            ("per_week", f"{w} {sev}", str(n), "") for w, c in self.per_week for sev, n in c.items()
        ]
        for measure, groups in self.times.items():
            for group, s in groups.items():
                rows.append((f"time_to_{measure}", group, str(s.count), _minutes(s)))
        rows += [("top_service", name, str(n), "") for name, n in self.top_services]
        rows += [("action_items", status, str(n), "") for status, n in self.items.items()]
        rows.append(
            ("overdue_age_days", "open", str(self.overdue_age.count), _days(self.overdue_age))
        )
        rows += [("postmortems", outcome, str(n), "") for outcome, n in self.postmortems.items()]
        rows += [("out_of_hours", person, str(n), "") for person, n in self.out_of_hours]
        return rows


def insights(
    session: Session,
    start: date,
    end: date,
    *,
    visible_private: Collection[int],
    postmortem_due: Mapping[Severity, timedelta | None],
    now: datetime,
) -> Insights:
    """The figures of the incidents declared from `start` to `end` (both included)."""
    chosen = _declared_between(start, end, visible_private)
    rows = session.execute(chosen).all()
    ids = chosen.with_only_columns(Incident.id)
    services = defaultdict(list)
    affected = select(AffectedService.incident_id, AffectedService.service)
    for incident_id, service in session.execute(
        affected.where(AffectedService.incident_id.in_(ids))
    ):
        services[incident_id].append(service)
    items, overdue_age = _items(session, ids, now.date())
    return Insights(
        start=start,
        end=end,
        incidents=len(rows),
        per_week=_per_week(rows),
        times=_times(rows, services),
        top_services=Counter(s for names in services.values() for s in names).most_common(
            TOP_SERVICES
        ),
        items=items,
        overdue_age=overdue_age,
        postmortems=_postmortems(rows, postmortem_due, now),
        out_of_hours=_out_of_hours(session, ids, rows),
    )


def _declared_between(start: date, end: date, visible_private: Collection[int]) -> Select:
    """The incidents' figures as numbers of seconds, computed by the database."""
    since = datetime.combine(start, time(0), tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC)

    def at(milestone: Milestone):
        return getattr(Incident, milestone.column)

    def taken(measure: str):
        finish, origins = DURATIONS[measure]
        origin = func.coalesce(*map(at, origins)) if len(origins) > 1 else at(origins[0])
        return (epoch(at(finish)) - epoch(origin)).label(measure)

    return select(
        Incident.id,
        Incident.severity,
        epoch(Incident.declared_at).label("declared"),
        epoch(Incident.resolved_at).label("resolved"),
        epoch(Incident.postmortem_published_at).label("published"),
        *map(taken, MEASURES),
    ).where(
        Incident.declared_at >= since,
        Incident.declared_at < until,
        ~Incident.is_drill,  # practice, not how we are doing
        or_(~Incident.is_private, Incident.id.in_(list(visible_private))),
    )


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _per_week(rows) -> list[tuple[date, dict[str, int]]]:
    weeks: dict[date, Counter] = defaultdict(Counter)
    for row in rows:
        weeks[week_of(_moment(row.declared))][LABELS[row.severity]] += 1
    return [(week, dict(sorted(weeks[week].items()))) for week in sorted(weeks)]


def _times(rows, services) -> dict[str, dict[str, Spread]]:
    taken: dict[str, dict[str, list[float]]] = {m: defaultdict(list) for m in MEASURES}
    for row in rows:
        groups = ["all", LABELS[row.severity], *services.get(row.id, ())]
        for measure in MEASURES:
            if (seconds := getattr(row, measure)) is not None:
                for group in groups:  # whole seconds: julianday's arithmetic is not exact
                    taken[measure][group].append(round(seconds))
    return {
        m: {g: spread(spans) for g, spans in sorted(groups.items())} for m, groups in taken.items()
    }


def _items(session: Session, ids: Select, today: date) -> tuple[dict[str, int], Spread]:
    """How many items of each status, how many of the open ones are overdue, and by how
    long (as the database counts the days)."""
    of_chosen = ActionItem.incident_id.in_(ids)
    counts = dict(
        session.execute(
            select(ActionItem.status, func.count()).where(of_chosen).group_by(ActionItem.status)
        ).all()
    )
    shown = {status.value: counts.get(status.value, 0) for status in ActionStatus}
    late_by = epoch(literal(today, Date())) - epoch(ActionItem.due_on)
    overdue = session.scalars(
        select(late_by).where(
            of_chosen, ActionItem.status == ActionStatus.OPEN, ActionItem.due_on < today
        )
    ).all()
    shown["overdue"] = len(overdue)
    return shown, spread([round(seconds) for seconds in overdue])


def _postmortems(rows, due: Mapping[Severity, timedelta | None], now: datetime) -> dict[str, int]:
    outcomes = Counter({"on_time": 0, "late": 0, "overdue": 0, "not_due_yet": 0})
    for row in rows:
        allowed = due.get(Severity(row.severity))
        if allowed is None or row.resolved is None:
            continue
        deadline = row.resolved + allowed.total_seconds()
        if row.published is not None:
            outcomes["on_time" if row.published <= deadline else "late"] += 1
        else:
            outcomes["overdue" if now.timestamp() > deadline else "not_due_yet"] += 1
    return dict(outcomes)


def _out_of_hours(session: Session, ids: Select, rows) -> list[tuple[str, int]]:
    late = {row.id for row in rows if out_of_hours(_moment(row.declared))}
    held = session.execute(
        select(RoleAssignment.incident_id, RoleAssignment.user_id)
        .where(RoleAssignment.incident_id.in_(ids))
        .distinct()
    )
    load = Counter(user for incident_id, user in held if incident_id in late)
    return load.most_common()


def _spread_json(s: Spread) -> dict:
    seconds = {
        k: getattr(s, k).total_seconds() if getattr(s, k) else None for k in ("median", "p90")
    }
    return {"count": s.count, "median_seconds": seconds["median"], "p90_seconds": seconds["p90"]}


def _minutes(s: Spread) -> str:
    return (
        f"{s.median.total_seconds() / 60:.1f} / {s.p90.total_seconds() / 60:.1f}" if s.count else ""
    )


def _days(s: Spread) -> str:
    return f"{s.median.days} / {s.p90.days}" if s.count else ""
