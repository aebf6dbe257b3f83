"""Two `warroom serve` processes on one PostgreSQL database, both schedulers ticking, and
Slack's requests spread between them as a load balancer would: a busy channel whose events
Slack also delivers twice is recorded message by message exactly once, and every nag that
falls due is posted once, whichever process gets there first. The scenario itself is
bench.replicas, which `python -m bench.reliability` runs too."""

import pytest

from bench.replicas import exercise, two_replicas
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="replicas share one PostgreSQL database (SQLite has a single writer on one host): "
    "set WARROOM_TEST_DATABASE_URL",
)


@pytest.fixture
def replicas(sandbox, database_url):
    with two_replicas(sandbox, database_url) as pair:
        yield pair
        for process in pair.processes:  # shown only when the test fails
            print(f"--- end of the log of warroom serve at {process.url}:\n{process.log()}")


def test_two_replicas_record_each_message_once_and_send_each_nag_once(replicas, db):
    outcome = exercise(replicas, db)

    assert outcome.recorded == outcome.posted  # each once, none lost, in the order posted
    assert all(status == 200 for status in outcome.answers)
    assert all(attempt.status == 200 for attempt in outcome.deliveries)  # none refused
    assert outcome.nags_too_close() == []
    assert outcome.nags_posted == outcome.nags_sent_counts()
    # Each replica handled about half of the events, and each scheduler ticked.
    events = [work.events for work in outcome.work]
    assert min(events) > 0.4 * sum(events), events
    assert all(work.ticks > 0 for work in outcome.work)
