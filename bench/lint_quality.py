"""`python -m bench.lint_quality`: how well the postmortem linter judges paragraphs it was not
written against. Each labelled case is one paragraph of one section, with the incident's
participants and the checks that must fire (none, for a clean paragraph).

Two sets: `tests/lint_corpus/development.yaml`, which the linter's rules were worked out
with, and `bench/lint_corpus/heldout.yaml`, written apart and never used to change a rule,
so its figures say how the rules generalise.
"""

import argparse
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from warroom.domain.lint import ActionItemText, PostmortemText, lint

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {
    "development": ROOT / "tests" / "lint_corpus" / "development.yaml",
    "held out": ROOT / "bench" / "lint_corpus" / "heldout.yaml",
}
# The checks that judge wording; the others look at what is missing from a whole postmortem.
WORDING_CHECKS = {
    "blame",
    "hedging",
    "vague-action",
    "action-owner",
    "impact-window",
    "impact-duration",
    "impact-count",
    "timeline-times",
}
SECTION_FIELDS = {
    "summary": "summary",
    "impact": "impact",
    "root cause": "root_cause",
    "detection": "detection",
    "response": "response",
    "recovery": "recovery",
    "lessons": "lessons",
}


@dataclass(frozen=True)
class Case:
    id: str
    section: str
    text: str
    participants: tuple[str, ...]
    expect: frozenset[str]
    owner: str | None = None


def load(path: Path) -> list[Case]:
    return [
        Case(
            id=raw["id"],
            section=raw["section"],
            text=raw["text"],
            participants=tuple(raw.get("participants") or ()),
            expect=frozenset(raw["expect"]),
            owner=raw.get("owner"),
        )
        for raw in yaml.safe_load(path.read_text())
    ]


def postmortem_of(case: Case) -> PostmortemText:
    """The case's paragraph as the only text of a postmortem, where its section puts it."""
    common = {"severity": "sev2", "participants": case.participants}
    if case.section == "action item":
        item = ActionItemText(case.text, case.owner, date(2026, 12, 18), "p2")
        return PostmortemText(**common, action_items=[item])
    if case.section == "timeline":
        return PostmortemText(**common, timeline=[case.text])
    if case.section == "contributing factors":
        return PostmortemText(**common, contributing_factors=[case.text])
    return PostmortemText(**common, **{SECTION_FIELDS[case.section]: case.text})


def flagged(case: Case) -> set[str]:
    return {f.check for f in lint(postmortem_of(case)) if f.check in WORDING_CHECKS}


@dataclass
class Score:
    caught: int = 0
    bad: int = 0
    false_alarms: int = 0
    good: int = 0
    by_check: dict[str, list[int]] = field(default_factory=dict)  # check: [caught, cases]
    missed: list[str] = field(default_factory=list)
    wrongly_flagged: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # bad cases also flagged for something else

    @property
    def recall(self) -> float:
        return self.caught / self.bad if self.bad else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.good if self.good else 0.0


def score(cases: Iterable[Case]) -> Score:
    result = Score()
    for case in cases:
        found = flagged(case)
        if not case.expect:
            result.good += 1
            if found:
                result.false_alarms += 1
                result.wrongly_flagged.append(f"{case.id}: {sorted(found)}")
            continue
        result.bad += 1
        hit = case.expect <= found
        result.caught += hit
        if not hit:
            result.missed.append(f"{case.id}: wanted {sorted(case.expect)}, got {sorted(found)}")
        if found - case.expect - {"impact-duration"}:  # a missing window also lacks a duration
            result.extra.append(f"{case.id}: also {sorted(found - case.expect)}")
        for check in case.expect:
            tally = result.by_check.setdefault(check, [0, 0])
            tally[0] += check in found
            tally[1] += 1
    return result


def report(name: str, result: Score, verbose: bool) -> str:
    lines = [
        f"{name}: recall {result.recall:.0%} ({result.caught} of {result.bad} bad paragraphs), "
        f"false alarms {result.false_alarm_rate:.0%} ({result.false_alarms} of {result.good} "
        "clean paragraphs)",
        *(
            f"  {check}: {caught} of {cases}"
            for check, (caught, cases) in sorted(result.by_check.items())
        ),
    ]
    if verbose:
        lines += [f"  missed {line}" for line in result.missed]
        lines += [f"  wrongly flagged {line}" for line in result.wrongly_flagged]
        lines += [f"  {line}" for line in result.extra]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.lint_quality", description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="list each miss and false alarm")
    parser.add_argument("--only", choices=sorted(CORPORA), help="one set only")
    args = parser.parse_args(argv)
    for name, path in CORPORA.items():
        if args.only in (None, name):
            print(report(name, score(load(path)), args.verbose))


if __name__ == "__main__":
    main()
