"""Deterministic checks on a postmortem draft: blameless, concrete, actionable, complete.

Pure: takes plain values, returns findings. What counts as blame, hedging or a wish is in
`wording`; how times and durations are written, in `time_phrases`.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from warroom.domain.durations import format_duration
from warroom.domain.time_phrases import (
    TIMESTAMPED_ENTRY,
    has_count,
    has_duration,
    has_window,
    stated_durations,
)
from warroom.domain.wording import People, blame, hedges, is_group, wishes


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


MAJOR_SEVERITIES = ("sev1", "sev2")
MIN_FACTORS_FOR_MAJOR_INCIDENTS = 3
MAX_UNPRIORITISED_ACTION_ITEMS = 10

BLAME_SUGGESTION = (
    "Make the system the subject: say what let it through (a missing check, alert or guard "
    'rail), e.g. "the config validator did not catch the missing field", not who erred.'
)
HEDGING_SUGGESTION = (
    "State what the evidence shows, with times and numbers, or say plainly what is still "
    'unknown ("we have not yet found why the cache emptied").'
)
VAGUE_ACTION_SUGGESTION = (
    'name the concrete change, e.g. "Add memory alerts (warn 80%, page 90%) on payments", '
    "with one owner and a due date."
)

# (check, what the impact must contain, suggestion): each missing ingredient is one finding.
IMPACT_INGREDIENTS = (
    (
        "impact-duration",
        has_duration,
        'State how long users were affected, e.g. "47 minutes (14:18–15:05 UTC)".',
    ),
    (
        "impact-window",
        has_window,
        'Give the UTC start and end of the impact, e.g. "14:18–15:05 UTC".',
    ),
    (
        "impact-count",
        has_count,
        'Count what was hit, e.g. "~3,200 failed checkout attempts" or "~$18,000".',
    ),
)


def vague_action(text: str) -> Finding | None:
    """A finding when an action item is a prayer ("be more careful") rather than a task."""
    found = wishes(text)
    if not found:
        return None
    quoted = ", ".join(f'"{phrase}"' for phrase in dict.fromkeys(found))
    suggestion = f"A wish, not a task ({quoted}): {VAGUE_ACTION_SUGGESTION}"
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
            *_timeline_findings(postmortem.timeline, People.of(postmortem.participants)),
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


def _timeline_findings(timeline: Sequence[str], people: People) -> Iterator[Finding]:
    for entry in timeline:
        yield from (
            Finding("blame", "timeline", phrase, BLAME_SUGGESTION)
            for phrase in blame(entry, people)
        )
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
    people = People.of(postmortem.participants)
    for section, text in _narrative(postmortem):
        for phrase in blame(text, people):
            yield Finding("blame", section, phrase, BLAME_SUGGESTION)
        for phrase in hedges(text):
            yield Finding("hedging", section, phrase, HEDGING_SUGGESTION)


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
        elif is_group(owner):
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
