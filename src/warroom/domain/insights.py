"""The rules behind the insights: which quarter a day is in, the week an incident counts in,
what "out of hours" means, and the median and 90th percentile of a set of durations."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Working hours, in UTC: an incident declared outside them woke or kept someone up.
WORKDAY_START, WORKDAY_END = 9, 18  # hours
WEEKEND = (5, 6)  # Saturday, Sunday


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of `day`'s quarter."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    after = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return first, after - timedelta(days=1)


def week_of(moment: datetime) -> date:
    """The Monday of the ISO week `moment` is in."""
    day = moment.date()
    return day - timedelta(days=day.weekday())


def out_of_hours(moment: datetime) -> bool:
    in_hours = WORKDAY_START <= moment.hour < WORKDAY_END
    return moment.weekday() in WEEKEND or not in_hours


@dataclass(frozen=True)
class Spread:
    """How long something took across incidents: how many, the median and the p90."""

    count: int
    median: timedelta | None
    p90: timedelta | None


def spread(durations: list[float]) -> Spread:
    """Median and 90th percentile of durations in seconds, interpolated between neighbours
    as statistics.quantiles(method="inclusive") does (the p90 of one value is that value);
    sorted once, where statistics' median and quantiles would sort three times."""
    if not durations:
        return Spread(0, None, None)
    seconds = sorted(durations)
    median, p90 = (timedelta(seconds=_at(seconds, tenths)) for tenths in (5, 9))
    return Spread(len(seconds), median, p90)


def _at(ordered: list[float], tenths: int) -> float:
    """The value `tenths`/10 of the way through `ordered`, in exact integer steps."""
    low, rest = divmod((len(ordered) - 1) * tenths, 10)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * rest / 10
