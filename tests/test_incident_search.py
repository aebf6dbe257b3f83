"""Whom the dashboard's IC filter offers: the most recent ICs of what the reader may see."""

from datetime import UTC, datetime

from warroom.app import incidents as running
from warroom.domain.incident import Role, Severity
from warroom.store import incident_search


def test_the_ic_filter_offers_the_most_recent_ics_of_what_the_reader_may_see(
    core, db, clock, monkeypatch
):
    clock.current = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    numbers = {}
    for ic, private in (("UOLDEST", False), ("USECRET", True), ("UMIDDLE", False), ("UNEW", False)):
        numbers[ic] = running.declare(
            core, title="Something broke", severity=Severity.SEV2, by="UANA", is_private=private
        ).incident_id
        running.assign_role(core, numbers[ic], Role.IC, ic, by=ic)
        clock.advance(hours=1)  # each IC took their incident an hour after the one before

    def offered(visible_private) -> list[str]:
        with db.transaction() as session:
            return incident_search.commanders(session, visible_private)

    assert offered(()) == ["UNEW", "UMIDDLE", "UOLDEST"]  # not the private one's IC
    assert offered([numbers["USECRET"]]) == ["UNEW", "UMIDDLE", "USECRET", "UOLDEST"]
    monkeypatch.setattr(incident_search, "COMMANDERS_OFFERED", 2)
    assert offered(()) == ["UNEW", "UMIDDLE"]
