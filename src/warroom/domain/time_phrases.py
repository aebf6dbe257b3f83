"""Times, windows and durations as people write them in postmortems: `14:02–14:48 UTC`,
`0612-0655 UTC`, `2:10 PM to 3:25 PM PDT`, `from 14:02 through 14:48`, `23:40 UTC on 3 March
to 01:15 UTC on 4 March`, `2026-03-04T23:50Z to 2026-03-05T00:35Z`, `47 minutes`."""

import re
from collections.abc import Iterator
from datetime import timedelta

ISO_DATE = r"\d{4}-\d{2}-\d{2}"
MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?"
# "Mar 3", "March 3, 2026", "3 March", "3rd March", "Tuesday 3 March"
DAY = (
    rf"(?:{WEEKDAY}\s+)?(?:\b(?:{MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:,?\s+\d{{4}})?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTH})\b\.?(?:\s+\d{{4}})?|{ISO_DATE})"
)
ZONE = r"(?:\s*\(?(?:UTC|GMT|Z|[ECMP][SD]T|BST|CES?T|IST|JST|AES?T|SGT|HKT)\)?)"
# Four digits are a time only with a zone after them, or after the window they start:
# "0612-0655 UTC", "0914Z" (not "2019-2020").
MILITARY = r"\b(?:[01]\d|2[0-3])[0-5]\d"
MILITARY_ZONE = r"\s*(?:Z|UTC|GMT|hrs?\b)"
CLOCK = (
    r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?|\b\d{1,2}\s*[ap]\.?m\.?|"
    rf"{MILITARY}(?={MILITARY_ZONE}|\s*(?:-|–|—|to)\s*{MILITARY}{MILITARY_ZONE}))"
)
# A moment: an optional day before it (or "on <day>" after), a clock time, a zone.
TIME = rf"(?:{DAY}[ T,]+(?:at\s+)?)?{CLOCK}{ZONE}?(?:\s*,?\s*(?:on\s+)?{DAY})?"
SEPARATOR = r"(?:-{1,2}|–|—|→|->|⟶|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b|\band\b)"
TIME_WINDOW = re.compile(rf"{TIME}\s*{SEPARATOR}\s*{TIME}", re.IGNORECASE)

UNITS = r"(?:d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)"
DURATION = re.compile(rf"\d+(?:[.,]\d+)?\s*{UNITS}(?![a-z])", re.IGNORECASE)
# Numbers that are not counts: once these are gone, any digit left is a count or money.
NOT_A_COUNT = re.compile(
    rf"{TIME}|{DAY}|\bv\d+(?:\.\d+)*|\b(?:sev|p)-?\d\b|{DURATION.pattern}", re.IGNORECASE
)
TIMESTAMPED_ENTRY = re.compile(rf"^[\s\-*•\[(]*{TIME}", re.IGNORECASE)


def has_window(text: str) -> bool:
    return bool(TIME_WINDOW.search(text))


def has_duration(text: str) -> bool:
    return bool(DURATION.search(text) or TIME_WINDOW.search(text))


def has_count(text: str) -> bool:
    return bool(re.search(r"\d", NOT_A_COUNT.sub(" ", text)))


_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
STATED_DURATION = re.compile(
    rf"(?<![\d:.])(?P<first>\d+(?:\.\d+)?)\s*(?P<first_unit>{UNITS})(?![a-z])"
    rf"(?:\s*(?:and\s*)?(?P<second>\d+)\s*(?P<second_unit>{UNITS})(?![a-z]))?",
    re.IGNORECASE,
)


def stated_durations(text: str) -> Iterator[tuple[str, timedelta]]:
    """Each duration a text states ("27 minutes", "1 h 08 min", "1.5 hours"), as written
    and as a span of time."""
    for match in STATED_DURATION.finditer(text):
        seconds = float(match["first"]) * _UNIT_SECONDS[match["first_unit"][0].lower()]
        if match["second"]:
            seconds += int(match["second"]) * _UNIT_SECONDS[match["second_unit"][0].lower()]
        yield match.group().strip(), timedelta(seconds=seconds)
