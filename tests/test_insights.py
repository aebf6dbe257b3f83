"""The insights of a known quarter: counts per week and severity, median and p90 times by
severity and service, action items, postmortems on time, out-of-hours load; and the same
figures from `warroom insights`."""

import json
from datetime import UTC, date, datetime, timedelta
from statistics import median, quantiles

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.app import action_items, postmortems
from warroom.app import incidents as running
from warroom.app.insights import insights
from warroom.cli import main
from warroom.domain.incident import Role, Severity
from warroom.domain.insights import out_of_hours, quarter_of, spread, week_of

DUE = {Severity.SEV1: timedelta(days=3), Severity.SEV2: timedelta(days=5)}


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=300))
def test_a_spread_is_what_the_statistics_module_says(seconds):
    measured = spread([float(s) for s in seconds])
    p90 = seconds[0] if len(seconds) == 1 else quantiles(seconds, n=10, method="inclusive")[8]
    assert measured.median.total_seconds() == pytest.approx(median(seconds), abs=1e-6)
    assert measured.p90.total_seconds() == pytest.approx(p90, abs=1e-6)


def test_the_rules_of_periods_and_spreads():
    assert quarter_of(date(2026, 11, 30)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_of(date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert week_of(datetime(2026, 3, 15, 23, 0, tzinfo=UTC)) == date(2026, 3, 9)  # a Sunday
    assert out_of_hours(datetime(2026, 3, 11, 22, 30, tzinfo=UTC))  # a Wednesday night
    assert out_of_hours(datetime(2026, 3, 14, 11, 0, tzinfo=UTC))  # a Saturday
    assert not out_of_hours(datetime(2026, 3, 11, 9, 0, tzinfo=UTC))
    measured = spread([60.0 * m for m in (10, 20, 30, 40, 100)])
    assert (measured.count, measured.median) == (5, timedelta(minutes=30))
    assert measured.p90 == timedelta(minutes=76)  # inclusive: 40 + 0.6 * (100 - 40)
    assert spread([420.0]).p90 == timedelta(minutes=7)
    assert spread([]).median is None


def incident(
    core, clock, start, severity, *, services=(), ic="UKOFI", ack=5, mitigate=20, resolve=40
):
    """Declared at `start`; the IC takes it `ack` minutes later, then mitigated and resolved."""
    clock.current = start
    number = running.declare(
        core, title="Something broke", severity=severity, by="UANA", services=services
    ).incident_id
    clock.current = start + timedelta(minutes=ack)
    running.assign_role(core, number, Role.IC, ic, by=ic)
    clock.current = start + timedelta(minutes=mitigate)
    running.mark_mitigated(core, number, "Rolled back", by=ic)
    clock.current = start + timedelta(minutes=resolve)
    running.resolve(core, number, "Normal again", by=ic)
    return number


@pytest.fixture
def quarter(core, clock):
    """Four incidents in March 2026, one of them at night and one private."""
    day = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
    first = incident(core, clock, day, Severity.SEV1, services=["payments"], ack=4)
    incident(
        core, clock, day + timedelta(days=1), Severity.SEV2, services=["payments", "search"], ack=10
    )
    incident(
        core, clock, day + timedelta(days=9, hours=12), Severity.SEV2, ic="UNIGHT", ack=6
    )  # 22:00
    private = running.declare(
        core, title="Laptop stolen", severity=Severity.SEV3, by="UANA", is_private=True
    ).incident_id
    clock.current = day + timedelta(days=1)
    postmortems.publish(core, first)  # a day after resolving: on time
    action_items.add(
        core,
        first,
        text="Add alerts",
        owner_id="UKOFI",
        due_on=date(2026, 3, 5),
        priority=None,
        by="UANA",
    )
    done = action_items.add(
        core, first, text="Cap retries", owner_id="UKOFI", due_on=None, priority=None, by="UANA"
    )
    action_items.close(core, done.item_id, by="UKOFI")
    clock.current = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    return private


def figures(db, clock, visible_private=()):
    with db.transaction() as session:
        return insights(
            session,
            date(2026, 1, 1),
            date(2026, 3, 31),
            visible_private=visible_private,
            postmortem_due=DUE,
            now=clock(),
        )


def test_a_quarter_of_incidents_in_figures(db, clock, quarter):
    found = figures(db, clock)
    assert found.incidents == 3  # the private one is left out for who may not see it
    assert found.per_week == [
        (date(2026, 3, 2), {"SEV1": 1, "SEV2": 1}),
        (date(2026, 3, 9), {"SEV2": 1}),
    ]
    ack = found.times["acknowledge"]
    assert (ack["all"].count, ack["all"].median) == (3, timedelta(minutes=6))
    assert ack["SEV2"].median == timedelta(minutes=8) and ack["payments"].count == 2
    assert ack["search"].median == timedelta(minutes=10)
    assert found.times["resolve"]["all"].p90 == timedelta(minutes=40)
    assert found.top_services == [("payments", 2), ("search", 1)]
    assert found.items == {"open": 1, "done": 1, "wont_do": 0, "overdue": 1}
    assert found.overdue_age.median == timedelta(days=15)  # due March 5, it is March 20
    assert found.postmortems == {"on_time": 1, "late": 0, "overdue": 2, "not_due_yet": 0}
    assert found.out_of_hours == [("UNIGHT", 1)]
    assert "SEV3" not in found.time_groups
    assert figures(db, clock, visible_private=[quarter]).incidents == 4


def test_the_command_prints_the_same_figures(db, clock, quarter, settings, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-unused")
    assert main(["insights", "--from", "2026-01-01", "--to", "2026-03-31"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["incidents"] == 4  # the operator sees the private one too
    assert printed["times"]["acknowledge"]["all"]["median_seconds"] == 360.0
    assert main(["insights", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "figure,group,count,median / p90"
    assert "time_to_acknowledge,SEV2,2,8.0 / 9.6" in rows
    assert "out_of_hours,UNIGHT,1," in rows
