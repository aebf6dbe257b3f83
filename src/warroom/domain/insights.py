"""The rules behind the insights: which quarter a day is in, the week an incident counts in,
what "out of hours" means, and the median and 90th percentile of a set of durations."""

import statistics
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
    """Median and 90th percentile of durations in seconds (inclusive: the p90 of one value
    is that value)."""
    if not durations:
        return Spread(0, None, None)
    seconds = sorted(durations)
    p90 = (
        seconds[0]
        if len(seconds) == 1
        else statistics.quantiles(seconds, n=10, method="inclusive")[8]
    )
    return Spread(
        len(seconds), timedelta(seconds=statistics.median(seconds)), timedelta(seconds=p90)
    )
