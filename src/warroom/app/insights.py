"""How we are doing on incidents over a period: how many, of which severity, week by week;
how long detecting, acknowledging, mitigating and resolving took (median and p90, by
severity and by service); which services break most; whether action items get done and
postmortems published on time; and who carries the incidents out of hours.

Every figure counts the incidents declared in the period that the reader may see (a private
one only for its channel's members), drills left out. Three queries of plain columns, however
many incidents.
"""

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from warroom.domain.action_items import ActionStatus
from warroom.domain.incident import Severity
from warroom.domain.insights import Spread, out_of_hours, spread, week_of
from warroom.domain.milestones import DURATIONS, Milestone
from warroom.store import incident_search
from warroom.store.epoch import DAY, epoch
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
    rows = [Counted._make(row) for row in session.execute(_incidents(chosen))]
    items, overdue_age = _items(session, chosen, now.date())
    return Insights(
        start=start,
        end=end,
        incidents=len(rows),
        per_week=_per_week(rows),
        times=_times(rows),
        top_services=Counter(s for row in rows for s in _names(row.services)).most_common(
            TOP_SERVICES
        ),
        items=items,
        overdue_age=overdue_age,
        postmortems=_postmortems(rows, postmortem_due, now),
        out_of_hours=_out_of_hours(rows),
    )


class Counted(NamedTuple):
    """An incident as the figures count it (a plain tuple: read 10,000 times over)."""

    severity: str
    declared: float
    resolved: float | None
    published: float | None
    detect: float | None
    acknowledge: float | None
    mitigate: float | None
    resolve: float | None
    services: str | None  # space-separated names
    people: str | None  # space-separated Slack user ids, of everyone who held a role


def _declared_between(start: date, end: date, visible_private: Collection[int]) -> list:
    """Which incidents count: declared in the period, no drill, private ones as allowed."""
    since = datetime.combine(start, time(0), tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC)
    return [
        Incident.declared_at >= since,
        Incident.declared_at < until,
        ~Incident.is_drill,  # practice, not how we are doing
        incident_search.seen_by(visible_private),
    ]


def _incidents(chosen: list) -> Select:
    """One row per incident, its columns in Counted's order: its figures as numbers of
    seconds, computed by the database, and its services and role holders as words,
    gathered by it (one query, however many incidents: reading the services and the roles
    apart costs as much again)."""

    def at(milestone: Milestone):
        return getattr(Incident, milestone.column)

    def taken(measure: str):
        finish, origins = DURATIONS[measure]
        origin = func.coalesce(*map(at, origins)) if len(origins) > 1 else at(origins[0])
        return (epoch(at(finish)) - epoch(origin)).label(measure)

    def words(column, of, label: str):
        gathered = func.aggregate_strings(column, " ").label(label)
        counted = of.in_(select(Incident.id).where(*chosen))  # not every incident's ever
        return select(of.label("incident_id"), gathered).where(counted).group_by(of).subquery()

    services = words(AffectedService.service, AffectedService.incident_id, "services")
    people = words(RoleAssignment.user_id, RoleAssignment.incident_id, "people")
    return (
        select(
            Incident.severity,
            epoch(Incident.declared_at).label("declared"),
            epoch(Incident.resolved_at).label("resolved"),
            epoch(Incident.postmortem_published_at).label("published"),
            *map(taken, MEASURES),
            services.c.services,
            people.c.people,
        )
        .outerjoin(services, services.c.incident_id == Incident.id)
        .outerjoin(people, people.c.incident_id == Incident.id)
        .where(*chosen)
    )


def _names(words: str | None) -> list[str]:
    """Service names and Slack user ids have no spaces: the words are the names."""
    return words.split(" ") if words else []


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _per_week(rows) -> list[tuple[date, dict[str, int]]]:
    weeks: dict[date, Counter] = defaultdict(Counter)
    for row in rows:
        weeks[week_of(_moment(row.declared))][LABELS[row.severity]] += 1
    return [(week, dict(sorted(weeks[week].items()))) for week in sorted(weeks)]


def _times(rows) -> dict[str, dict[str, Spread]]:
    members = defaultdict(list)  # "all", "SEV1", a service -> its incidents' positions
    for n, row in enumerate(rows):
        for group in ("all", LABELS[row.severity], *_names(row.services)):
            members[group].append(n)
    times = {}
    for measure in MEASURES:
        # whole seconds: julianday's arithmetic is not exact
        taken = [None if (s := getattr(row, measure)) is None else round(s) for row in rows]
        timed = {
            group: [s for n in positions if (s := taken[n]) is not None]
            for group, positions in sorted(members.items())
        }
        times[measure] = {group: spread(spans) for group, spans in timed.items() if spans}
    return times


def _items(session: Session, chosen: list, today: date) -> tuple[dict[str, int], Spread]:
    """How many items of each status, how many of the open ones are overdue, and by how
    many days (counted by due date: a few hundred dates, however many items)."""
    of_chosen = ActionItem.incident_id.in_(select(Incident.id).where(*chosen))
    counts = select(
        *(func.count().filter(ActionItem.status == status).label(status) for status in ActionStatus)
    )
    shown = session.execute(counts.where(of_chosen)).one()._asdict()
    open_past_due = (ActionItem.status == ActionStatus.OPEN) & (ActionItem.due_on < today)
    by_due_date = select(ActionItem.due_on, func.count()).where(of_chosen, open_past_due)
    overdue = [
        (today - due_on).days * DAY
        for due_on, count in session.execute(by_due_date.group_by(ActionItem.due_on))
        for _ in range(count)
    ]
    shown["overdue"] = len(overdue)
    return shown, spread(overdue)


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


def _out_of_hours(rows) -> list[tuple[str, int]]:
    """Each person, and how many incidents declared out of hours they held a role in."""
    load = Counter(
        person
        for row in rows
        if out_of_hours(_moment(row.declared))
        for person in set(_names(row.people))
    )
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
