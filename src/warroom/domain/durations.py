"""Durations and dates as people write and read them."""

import re
from datetime import UTC, date, datetime, time, timedelta


def format_duration(span: timedelta) -> str:
    """47 min, 2 h 05 min, 3 d 4 h: how long, as a responder would say it."""
    minutes = max(round(span.total_seconds() / 60), 0)

    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """`30s`, `15m`, `2h`, `3d`: the durations settings are written in."""
    match = _DURATION.match(text.lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 30s, 15m, 2h or 3d")
    try:
        return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    except OverflowError:
        raise ValueError(f"{text!r} is longer than any duration warroom can count") from None


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_IN_DAYS = re.compile(r"^in\s+(\d{1,4})\s+(day|days|week|weeks)$")  # up to about 190 years


def parse_due_date(text: str, today: date) -> date | None:
    """`2026-12-01`, `tomorrow`, `friday` (the next one), `in 3 days`, `in 2 weeks`;
    None when the text is none of these."""
    text = " ".join(text.lower().split())
    if text in ("today", "tomorrow"):
        return today + timedelta(days=text == "tomorrow")
    if text in WEEKDAYS or text in {day[:3] for day in WEEKDAYS}:
        target = next(i for i, day in enumerate(WEEKDAYS) if day.startswith(text))
        return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)
    if match := _IN_DAYS.match(text):
        days = int(match.group(1)) * (7 if match.group(2).startswith("week") else 1)
        return today + timedelta(days=days)
    try:
        return date.fromisoformat(text) if text.isascii() else None

    except ValueError:
        return None


_CLOCK = re.compile(
    r"^(?:(?P<day>yesterday|today|\d{4}-\d{2}-\d{2})[ t])?"
    r"(?P<hour>\d{1,2}):?(?P<minute>\d{2})\s*(?P<half>am|pm)?\s*(?:utc|z)?$"
)
_AGO = re.compile(r"^(?P<count>\d{1,4})\s*(?P<unit>m|mins?|minutes?|h|hrs?|hours?)\s+ago$")


def parse_moment(text: str, now: datetime) -> datetime | None:
    """An instant as a responder types it, in UTC: `14:54`, `2:54pm`, `1454`, `yesterday
    23:50`, `2026-12-01 14:54`, `20m ago`, `2h ago`, `now`. A bare time of day is the last
    one that has passed (23:50 typed at 00:10 is yesterday's). None when it is none of these."""
    text = " ".join(text.lower().split()).removesuffix(" utc")
    if text == "now":
        return now
    if match := _AGO.match(text):
        minutes = int(match.group("count")) * (60 if match.group("unit")[0] == "h" else 1)
        return now - timedelta(minutes=minutes)
    match = _CLOCK.match(text)
    if not match:
        return None
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    if match.group("half"):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match.group("half") == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    day = match.group("day")
    if day and day[0].isdigit():
        try:
            on = date.fromisoformat(day)
        except ValueError:
            return None
    else:
        on = now.date() - timedelta(days=day == "yesterday")
    moment = datetime.combine(on, time(hour, minute), tzinfo=UTC)
    if day is None and moment > now + timedelta(minutes=1):
        moment -= timedelta(days=1)
    return moment
