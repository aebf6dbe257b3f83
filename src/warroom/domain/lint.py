"""Deterministic checks on a postmortem draft: blameless, concrete, actionable.

Pure: takes plain values, returns findings. The phrase lists below are data on purpose, so a
reviewer can read and extend them; each is matched case-insensitively on word boundaries.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from warroom.domain.durations import format_duration


@dataclass(frozen=True)
class Finding:
    check: str  # stable id, e.g. "hedging"
    section: str  # where, e.g. "root cause"
    quote: str  # the offending text exactly, or "" when the problem is an absence
    suggestion: str  # one sentence a tired engineer can act on


@dataclass(frozen=True)
class ActionItemText:
    text: str
    owner: str | None
    due: date | None
    priority: str | None


@dataclass(frozen=True)
class PostmortemText:
    severity: str
    summary: str = ""
    impact: str = ""
    root_cause: str = ""
    contributing_factors: Sequence[str] = ()
    timeline: Sequence[str] = ()
    detection: str = ""
    response: str = ""
    recovery: str = ""
    lessons: str = ""
    what_went_well: str = ""
    action_items: Sequence[ActionItemText] = ()
    depth: str = "full"  # full, abbreviated or actions (domain.postmortem.Depth)
    participants: Sequence[str] = ()  # the people of the incident, by name
    has_ic: bool = True
    # What the milestones measured ("impact", "time to detect", ...), to check the text by.
    durations: Mapping[str, timedelta] = field(default_factory=dict)


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    suggestion: str


def _rule(suggestion: str, *phrases: str) -> _Rule:
    """Phrases (regex fragments) matched case-insensitively as whole words, longest first so
    "we'll try to" wins over "try to"; a straight apostrophe also matches a curly one."""
    alternation = "|".join(sorted(phrases, key=len, reverse=True)).replace("'", "['’]")
    return _Rule(re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE), suggestion)


HEDGING_RULES = (
    _rule(
        "State what the evidence shows, or say plainly what is still unknown.",
        "it looks like",
        "looks like",
        "it seems",
        "seems to",
        "appears to",
        "somehow",
        "probably",
        "maybe",
        "perhaps",
        "I think",
        "I believe",
        "we think",
    ),
    _rule(
        "Say what will be done, by whom and by when, or leave it out.",
        "we'll try(?: to)?",
        "we will try(?: to)?",
        "try to",
    ),
    _rule(
        'Give the time or the duration, e.g. "47 minutes (14:18–15:05 UTC)".',
        "for a while",
        "after a while",
        "for some time",
        "at some point",
        "eventually",
    ),
    _rule(
        'Say what recovered and when, e.g. "15:05 rollback complete; error rate normal".',
        "things recovered",
        "things got better",
        "things went back to normal",
        "things stabili[sz]ed",
    ),
)

# A person as the one who broke it: an @mention or a capitalised word followed by a blame verb.
# Capitalised words that start ordinary sentences about systems are not people.
NOT_A_PERSON = (
    "it|this|that|these|those|which|what|there|then|we|our|nothing|nobody|"
    "alerting|monitoring|traffic|load|release|deploy|deployment|migration|config|change"
)
BLAME_VERBS = "pushed|broke|forgot|deployed|missed|caused|messed|screwed|ignored|skipped|overlooked"
PERSON = rf"(?:@[\w.-]+|(?!(?:{NOT_A_PERSON})\b)(?-i:[A-Z][a-z]+))"

BLAME_RULES = (
    _rule(
        "Name the gap that let it through (a missing check, alert or guard rail), not a person.",
        "human error",
        "operator error",
        "user error",
        "careless(?:ness)?",
        "negligen(?:ce|t)",
        "sloppy",
    ),
    _rule(
        'Say what the system did not do, e.g. "the config validator did not catch the missing '
        'field", not what someone should have done.',
        r"should(?: have|'ve) (?:been (?:more )?careful|known|noticed|caught|checked|tested)",
    ),
    _rule(
        "Make the system the subject: what let this change reach production unchecked?",
        rf"{PERSON}\s+(?:{BLAME_VERBS})",
        rf"{PERSON}'s (?:mistake|fault|error)",
        r"we (?:pushed|shipped|deployed|released) a (?:bad|broken|buggy|faulty)",
        r"(?:our|his|her|their) (?:mistake|fault)",
    ),
)

VAGUE_ACTION_RULE = _rule(
    'name the concrete change, e.g. "Add memory alerts (warn 80%, page 90%) on payments", '
    "with one owner and a due date.",
    "be more careful",
    "more careful",
    "be careful",
    "be more vigilant",
    "double-check",
    "keep an eye on",
    "(?:improve|better|more) (?:monitoring|alerting|testing|communication)",
    "consider(?:ing)?",
    "we should",
    "we'll try(?: to)?",
    "we will try(?: to)?",
    "try to",
    "look into",
    "investigate further",
    "make sure to",
)

# Times and durations, as written in impact sections and rendered timeline entries.
ISO_DATE = r"\d{4}-\d{2}-\d{2}"
MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
MONTH_DAY = rf"\b(?:{MONTH})\.? \d{{1,2}}(?!\d)(?:, \d{{4}})?"
TIME = rf"(?:(?:{ISO_DATE}|{MONTH_DAY})[ T,]+)?\d{{1,2}}:\d{{2}}(?::\d{{2}})?"
TIME_WINDOW = re.compile(rf"{TIME}\s*(?:UTC\s*)?(?:-|–|—|to|until|and)\s*{TIME}", re.IGNORECASE)
DURATION = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?|d|days?)(?![a-z])",
    re.IGNORECASE,
)
# Numbers that are not counts: once these are gone, any digit left is a count or a money figure.
NOT_A_COUNT = re.compile(
    rf"{TIME}|{ISO_DATE}|{MONTH_DAY}|\bv\d+(?:\.\d+)*|\b(?:sev|p)-?\d\b|{DURATION.pattern}",
    re.IGNORECASE,
)
TIMESTAMPED_ENTRY = re.compile(rf"^[\s\-*•\[(]*{TIME}(?!\d)", re.IGNORECASE)
SEVERAL_OWNERS = re.compile(r",|&|/|\+|\band\b", re.IGNORECASE)

MAJOR_SEVERITIES = ("sev1", "sev2")
MIN_FACTORS_FOR_MAJOR_INCIDENTS = 3
MAX_UNPRIORITISED_ACTION_ITEMS = 10


def _has_count(text: str) -> bool:
    return bool(re.search(r"\d", NOT_A_COUNT.sub(" ", text)))


# (check, what the impact must contain, suggestion): each missing ingredient is one finding.
IMPACT_INGREDIENTS = (
    (
        "impact-duration",
        lambda text: bool(DURATION.search(text) or TIME_WINDOW.search(text)),
        'State how long users were affected, e.g. "47 minutes (14:18–15:05 UTC)".',
    ),
    (
        "impact-window",
        lambda text: bool(TIME_WINDOW.search(text)),
        'Give the UTC start and end of the impact, e.g. "14:18–15:05 UTC".',
    ),
    (
        "impact-count",
        _has_count,
        'Count what was hit, e.g. "~3,200 failed checkout attempts" or "~$18,000".',
    ),
)


def vague_action(text: str) -> Finding | None:
    """A finding when an action item is a prayer ("be more careful") rather than a task."""
    wishes = ", ".join(f'"{match.group()}"' for match in VAGUE_ACTION_RULE.pattern.finditer(text))
    if not wishes:
        return None
    suggestion = f"A wish, not a task ({wishes}): {VAGUE_ACTION_RULE.suggestion}"
    return Finding("vague-action", "action items", text.strip(), suggestion)


def lint(postmortem: PostmortemText) -> list[Finding]:
    """Every finding, in section order; the same finding is reported once. A shorter
    postmortem (its depth) is held only to the sections it has."""
    if postmortem.depth == "actions":
        findings = [*_action_item_findings(postmortem.action_items)]
    else:
        findings = [
            *_duration_findings(postmortem),
            *_impact_findings(postmortem.impact),
            *_timeline_findings(postmortem.timeline),
            *_narrative_findings(postmortem),
            *_missing_section_findings(postmortem),
            *_response_findings(postmortem),
            *_action_item_findings(postmortem.action_items),
        ]
    if postmortem.depth == "full":
        findings += [*_factor_findings(postmortem), *_what_went_well_findings(postmortem)]
    return list(dict.fromkeys(findings))


# Sections every postmortem of that depth must fill in, and what each is for.
REQUIRED_SECTIONS = {
    "full": {
        "root cause": "the mechanism that failed, in terms of systems",
        "detection": "how the problem was noticed and how long that took",
        "recovery": "what restored service and how that was verified",
    },
    "abbreviated": {"root cause": "the mechanism that failed, in terms of systems"},
}


def _missing_section_findings(postmortem: PostmortemText) -> Iterator[Finding]:
    texts = dict(_narrative(postmortem))
    for section, purpose in REQUIRED_SECTIONS.get(postmortem.depth, {}).items():
        if not texts[section].strip():
            yield Finding(f"{section.replace(' ', '-')}-missing", section, "", f"Write {purpose}.")


def _response_findings(postmortem: PostmortemText) -> Iterator[Finding]:
    if postmortem.severity.strip().lower() not in MAJOR_SEVERITIES:
        return
    if not postmortem.action_items:
        yield Finding(
            "no-action-items",
            "action items",
            "",
            "A major incident needs follow-ups: add what will stop it recurring "
            "(`/incident action`), each with one owner and a due date.",
        )
    if not postmortem.has_ic:
        yield Finding(
            "no-ic",
            "response",
            "",
            "Nobody was Incident Commander: say who coordinated, and make claiming the IC "
            "role the first step next time.",
        )


# A stated duration agrees with a measured one within this much (or this share of it).
DURATION_SLACK = timedelta(minutes=2)
DURATION_SHARE = 0.1
_UNIT = {"h": 3600, "m": 60, "s": 1, "d": 86400}
STATED_DURATION = re.compile(
    r"(?<![\d:.])(?:(?P<first>\d+(?:\.\d+)?)\s*(?P<first_unit>d|h|m)[a-z]*"
    r"(?:\s*(?:and\s*)?(?P<second>\d+)\s*(?P<second_unit>h|m|s)[a-z]*)?)(?![a-z])",
    re.IGNORECASE,
)


def stated_durations(text: str) -> Iterator[tuple[str, timedelta]]:
    """Each duration a text states ("27 minutes", "1 h 08 min", "1.5 hours"), as written
    and as a span of time."""
    for match in STATED_DURATION.finditer(text):
        seconds = float(match["first"]) * _UNIT[match["first_unit"].lower()]
        if match["second"]:
            seconds += int(match["second"]) * _UNIT[match["second_unit"].lower()]
        yield match.group().strip(), timedelta(seconds=seconds)


def _agrees(stated: timedelta, measured: timedelta) -> bool:
    return abs(stated - measured) <= max(DURATION_SLACK, measured * DURATION_SHARE)


def _duration_findings(postmortem: PostmortemText) -> Iterator[Finding]:
    """A summary that says "27 minutes" of an impact the milestones measured at 68 is
    either wrong or measuring something else; each figure it may mean is accepted."""
    impact = postmortem.durations.get("impact")
    if impact is None:
        return
    for written, stated in stated_durations(postmortem.summary):
        if stated >= timedelta(minutes=1) and not any(
            _agrees(stated, measured) for measured in postmortem.durations.values()
        ):
            yield Finding(
                "duration",
                "summary",
                written,
                f"The summary says {written}, but the recorded impact lasted "
                f"{format_duration(impact)}: correct the text, or the milestones with "
                "`/incident milestone`.",
            )


def _impact_findings(impact: str) -> Iterator[Finding]:
    if not impact.strip():
        yield Finding(
            "impact-missing",
            "impact",
            "",
            "Quantify the impact: duration with UTC start and end, users or requests hit, money, "
            "SLA effect.",
        )
        return
    for check, is_present, suggestion in IMPACT_INGREDIENTS:
        if not is_present(impact):
            yield Finding(check, "impact", impact.strip(), suggestion)


def _timeline_findings(timeline: Sequence[str]) -> Iterator[Finding]:
    for entry in timeline:
        if entry.strip() and not TIMESTAMPED_ENTRY.match(entry):
            yield Finding(
                "timeline-times",
                "timeline",
                entry.strip(),
                'Start the entry with its UTC time, e.g. "14:18 Host memory reached 100%".',
            )


def _narrative(postmortem: PostmortemText) -> list[tuple[str, str]]:
    """(section, text) for each prose section; one pair per contributing factor."""
    return [
        ("summary", postmortem.summary),
        ("impact", postmortem.impact),
        ("root cause", postmortem.root_cause),
        *(("contributing factors", factor) for factor in postmortem.contributing_factors),
        ("detection", postmortem.detection),
        ("response", postmortem.response),
        ("recovery", postmortem.recovery),
        ("lessons", postmortem.lessons),
    ]


def _narrative_findings(postmortem: PostmortemText) -> Iterator[Finding]:
    # Blame is judged only where the cause is analysed: elsewhere "Priya deployed the
    # rollback" is a plain fact.
    for section, text in _narrative(postmortem):
        if section in ("root cause", "contributing factors"):
            yield from _phrase_findings("blame", BLAME_RULES, section, text)
        yield from _phrase_findings("hedging", HEDGING_RULES, section, text)


def _phrase_findings(
    check: str, rules: Sequence[_Rule], section: str, text: str
) -> Iterator[Finding]:
    for phrase_rule in rules:
        for match in phrase_rule.pattern.finditer(text):
            yield Finding(check, section, match.group(), phrase_rule.suggestion)


def _factor_findings(postmortem: PostmortemText) -> Iterator[Finding]:
    factors = [factor for factor in postmortem.contributing_factors if factor.strip()]
    is_major = postmortem.severity.strip().lower() in MAJOR_SEVERITIES
    if is_major and len(factors) < MIN_FACTORS_FOR_MAJOR_INCIDENTS:
        yield Finding(
            "few-factors",
            "contributing factors",
            "",
            "Incidents are rarely single-cause: list at least three factors (what made it "
            "possible, what made it worse, what slowed detection or recovery).",
        )


def _action_item_findings(items: Sequence[ActionItemText]) -> Iterator[Finding]:
    for item in items:
        if finding := vague_action(item.text):
            yield finding
        owner = (item.owner or "").strip()
        if not owner:
            yield Finding(
                "action-owner",
                "action items",
                item.text.strip(),
                "Name the one person who will do it.",
            )
        elif SEVERAL_OWNERS.search(owner):
            yield Finding(
                "action-owner",
                "action items",
                item.text.strip(),
                f"Pick one owner out of {owner!r}: an item everyone owns is done by no one.",
            )
        if item.due is None:
            yield Finding(
                "action-due",
                "action items",
                item.text.strip(),
                "Set a due date so the item can be chased in the next review.",
            )
    unprioritised = [item for item in items if not (item.priority or "").strip()]
    if len(unprioritised) > MAX_UNPRIORITISED_ACTION_ITEMS:
        yield Finding(
            "unprioritised-actions",
            "action items",
            "",
            f"Give the {len(unprioritised)} unprioritised items a priority (P1-P3) so the "
            "important ones get done first.",
        )


def _what_went_well_findings(postmortem: PostmortemText) -> Iterator[Finding]:
    if not postmortem.what_went_well.strip():
        yield Finding(
            "no-what-went-well",
            "what went well",
            "",
            "Note what worked (a fast page, a clean rollback) so it is kept, not only what broke.",
        )
