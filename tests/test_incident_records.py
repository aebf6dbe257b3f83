from datetime import UTC, datetime, timedelta, timezone

import pytest

from warroom.app import incidents as running
from warroom.app import paging
from warroom.app.incident_record import record
from warroom.catalog import Catalog
from warroom.domain.incident import Severity
from warroom.domain.timeline import EntryKind
from warroom.store import incidents, timeline


def test_times_come_back_timezone_aware_utc(core, clock):
    clock.current = datetime(2026, 3, 11, 16, 18, tzinfo=timezone(timedelta(hours=2)))
    number = running.declare(core, title="Payments", severity=Severity.SEV1, by="U1").incident_id
    with core.db.transaction() as session:
        incident = incidents.get(session, number)
        assert incident.declared_at == datetime(2026, 3, 11, 14, 18, tzinfo=UTC)
        assert incident.declared_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(core, clock):
    clock.current = datetime(2026, 1, 1)
    with pytest.raises(Exception, match="naive"):
        running.declare(core, title="x", severity=Severity.SEV3, by="U1")


def test_declaring_records_the_first_timeline_entries(core):
    first = running.declare(core, title="A", severity=Severity.SEV2, by="U1")
    second = running.declare(core, title="B", severity=Severity.SEV3, by="U2")
    assert (first.incident_id, second.incident_id) == (1, 2)
    with core.db.transaction() as session:
        entries = timeline.entries(session, first.incident_id)
        kinds = [(e.kind, e.actor_id, e.text) for e in entries]
    assert kinds == [
        (EntryKind.DECLARED, "U1", "A"),
        (EntryKind.SEVERITY, "U1", "Severity set to SEV2"),
    ]


BOB = [{"name": "Bob Builder", "email": "bob@example.com"}]


def _pages_shown(core, number):
    with core.db.transaction() as session:
        return record(session, number, Catalog(None), str, everything=False, page=1).paged


def test_a_page_counts_the_news_that_came_before_it_was_recorded(core, clock):
    number = running.declare(core, title="Payments", severity=Severity.SEV1, by="U1").incident_id
    page = paging.PageKey(number, "payments", None)
    key = paging.dedup_key(*page)
    # PagerDuty's webhook about the page beats warroom's own record of having paged.
    paging.page_changed(core, key, "news-1", "resolved", "Bob Builder", clock())
    paging.paged(core, page, BOB)

    [paged] = _pages_shown(core, number)
    assert (paged.status, paged.by, paged.on_call) == ("resolved", "Bob Builder", ("Bob Builder",))


def test_a_page_again_counts_its_new_incidents_news_that_came_before_it_was_recorded(core, clock):
    number = running.declare(core, title="Payments", severity=Severity.SEV1, by="U1").incident_id
    page = paging.PageKey(number, "payments", None)
    key = paging.dedup_key(*page)
    first, second = "https://pd.example/incidents/P1", "https://pd.example/incidents/P2"

    def news(news_id: str, status: str, by: str, url: str, pagerduty_incident: str) -> None:
        paging.page_changed(core, key, news_id, status, by, clock(), url, pagerduty_incident)

    paging.paged(core, page, BOB, "P1", first)
    news("news-1", "resolved", "Bob Builder", first, "P1")
    news("news-2", "acknowledged", "Bob Builder", second, "P1")  # late, wherever it points
    [late_word] = _pages_shown(core, number)  # of the resolved incident: no going back
    assert (late_word.status, late_word.url) == ("resolved", first)

    # Paged again: PagerDuty opens a new incident, acknowledged before warroom records it.
    news("news-3", "acknowledged", "Carol Coder", second, "P2")
    paging.paged(core, page, BOB, "P2", second)
    [paged] = _pages_shown(core, number)
    assert (paged.status, paged.by, paged.url) == ("acknowledged", "Carol Coder", second)
    assert paged.recorded and paged.on_call == ("Bob Builder",)
