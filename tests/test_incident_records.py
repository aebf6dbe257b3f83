from datetime import UTC, datetime, timedelta, timezone

import pytest

from warroom import incidents, timeline
from warroom.domain.incident import Severity
from warroom.domain.timeline import EntryKind


def test_times_come_back_timezone_aware_utc(db):
    declared = datetime(2026, 3, 11, 16, 18, tzinfo=timezone(timedelta(hours=2)))
    with db.transaction() as session:
        number = incidents.open_incident(
            session, title="Payments", severity=Severity.SEV1, declared_by="U1", at=declared
        ).id
    with db.transaction() as session:
        incident = incidents.get(session, number)
        assert incident.declared_at == datetime(2026, 3, 11, 14, 18, tzinfo=UTC)
        assert incident.declared_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(db):
    with pytest.raises(Exception, match="naive"), db.transaction() as session:
        incidents.open_incident(
            session, title="x", severity=Severity.SEV3, declared_by="U1", at=datetime(2026, 1, 1)
        )


def test_declaring_records_the_first_timeline_entries(db, clock):
    with db.transaction() as session:
        first = incidents.open_incident(
            session, title="A", severity=Severity.SEV2, declared_by="U1", at=clock()
        )
        second = incidents.open_incident(
            session, title="B", severity=Severity.SEV3, declared_by="U2", at=clock()
        )
    assert (first.reference, second.reference) == ("INC-1", "INC-2")
    with db.transaction() as session:
        kinds = [(e.kind, e.actor_id, e.text) for e in timeline.entries(session, first.id)]
    assert kinds == [
        (EntryKind.DECLARED, "U1", "A"),
        (EntryKind.SEVERITY, "U1", "Severity set to SEV2"),
    ]
