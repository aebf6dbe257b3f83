"""Durations and dates as people write and read them."""

import re
from datetime import date, timedelta


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
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


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
