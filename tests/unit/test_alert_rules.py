"""The rules alerts follow: what a notification adds to its group, when a group begins
anew, the severity labels suggest, and the auto-declare rules as typed in settings."""

from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain.alerts import (
    Alert,
    AlertStatus,
    AutoDeclare,
    RuleError,
    auto_declared,
    merge,
    severity_suggested,
    takes_in,
)
from warroom.domain.incident import Severity

T0 = datetime(2026, 3, 11, 14, 0, tzinfo=UTC)


def alert(fingerprint="a", status=AlertStatus.FIRING, starts_at=T0) -> Alert:
    return Alert(fingerprint, status, starts_at, f"summary of {fingerprint}")


def test_a_repeat_is_no_news_and_a_new_alert_or_a_resolution_is():
    known, news = merge({}, (alert("a"),))
    assert [a.fingerprint for a in news.fired] == ["a"] and not news.resolved
    same, nothing = merge(known, (alert("a"),))
    assert same == known and not nothing
    _, more = merge(known, (alert("a"), alert("b")))
    assert [a.fingerprint for a in more.fired] == ["b"]
    resolved, ended = merge(known, (alert("a", AlertStatus.RESOLVED),))
    assert [a.fingerprint for a in ended.resolved] == ["a"]
    assert resolved["a"]["status"] == "resolved"
    _, refired = merge(resolved, (alert("a", starts_at=T0 + timedelta(minutes=9)),))
    assert [a.fingerprint for a in refired.fired] == ["a"]


def test_an_alert_resolved_before_it_was_heard_firing_is_no_news():
    _, news = merge({}, (alert("a", AlertStatus.RESOLVED),))
    assert not news


def test_a_group_takes_in_while_firing_or_its_incident_is_open_or_within_the_window():
    hour = timedelta(hours=1)
    later = T0 + timedelta(hours=3)
    assert takes_in(True, False, T0, later, hour)
    assert takes_in(False, True, T0, later, hour)
    assert takes_in(False, False, T0, T0 + timedelta(minutes=59), hour)
    assert not takes_in(False, False, T0, later, hour)


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ({"severity": "critical"}, Severity.SEV1),
        ({"severity": "Warning"}, Severity.SEV3),
        ({"priority": "P2"}, Severity.SEV2),
        ({"severity": "info"}, Severity.SEV4),
        ({"severity": "whatever"}, Severity.SEV3),
        ({}, Severity.SEV3),
    ],
)
def test_labels_suggest_a_severity_else_the_default(labels, expected):
    assert severity_suggested(labels, Severity.SEV3) == expected


def test_auto_declare_rules_parse_match_and_explain_their_mistakes():
    rule = AutoDeclare.parse(" severity=critical:sev1 ")
    assert (rule.label, rule.value, rule.severity) == ("severity", "critical", Severity.SEV1)
    assert str(rule) == "severity=critical:sev1"
    other = AutoDeclare.parse("team=db:SEV2")
    assert auto_declared((rule, other), {"team": "db", "severity": "critical"}) is rule
    assert auto_declared((rule, other), {"team": "db"}) is other
    assert auto_declared((rule, other), {"severity": "warning"}) is None
    for wrong in ("severity:critical", "severity=critical", "=x:sev1", "a=b:sev9"):
        with pytest.raises(RuleError, match="label=value:severity"):
            AutoDeclare.parse(wrong)
