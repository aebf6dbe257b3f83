"""Claiming deliveries from the outbox: a claim whose holder never settled it is told apart
from one that was settled for a retry, however many attempts came before."""

from datetime import UTC, datetime, timedelta

from warroom.domain.events import AlertGroupChanged
from warroom.store import outbox

NOW = datetime(2026, 3, 11, 14, 0, tzinfo=UTC)
LEASE = timedelta(seconds=90)


def claim_one(db, now: datetime) -> outbox.Claimed:
    with db.transaction() as session:
        [claimed] = outbox.claim(session, now, LEASE, limit=1)
    return claimed


def test_only_a_claim_whose_holder_stopped_in_the_middle_is_interrupted(db):
    with db.transaction() as session:
        outbox.add_one(session, "slack", AlertGroupChanged(group_id=1), NOW)

    first = claim_one(db, NOW)
    assert (first.attempt, first.interrupted) == (1, False)
    with db.transaction() as session:  # settled: tried again in a second
        outbox.retry_later(session, first, NOW + timedelta(seconds=1), "HTTP 503", [], {})

    retried = claim_one(db, NOW + timedelta(seconds=1))
    assert (retried.attempt, retried.interrupted) == (2, False)
    # Its holder dies without settling: the next claim comes once the lease has run out.
    taken_over = claim_one(db, NOW + timedelta(seconds=1) + LEASE)
    assert (taken_over.attempt, taken_over.interrupted) == (3, True)
