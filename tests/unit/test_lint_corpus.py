"""The linter against its labelled development set (tests/lint_corpus/development.yaml):
paragraphs written for it, each with the checks it must raise, or none. The held-out set in
bench/lint_corpus/ is only measured (`python -m bench.lint_quality`), never tested against,
so that its figures keep saying how the rules do on text they were not shaped by."""

import pytest

from bench.lint_quality import CORPORA, flagged, load

CASES = load(CORPORA["development"])


def test_the_set_is_big_enough_to_mean_something():
    bad = [case for case in CASES if case.expect]
    assert len(bad) >= 40 and len(CASES) - len(bad) >= 20


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_paragraph_gets_what_it_is_labelled_with(case):
    found = flagged(case)
    if case.expect:
        assert case.expect <= found, f"{case.text!r} should raise {sorted(case.expect)}"
    else:
        assert not found, f"{case.text!r} is clean but raised {sorted(found)}"
