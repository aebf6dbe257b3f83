"""Two `warroom serve` processes on one PostgreSQL database, both schedulers ticking, and
Slack's requests spread between them as a load balancer would: a busy channel whose events
Slack also delivers twice is recorded message by message exactly once, and every nag that
falls due is posted once, whichever process gets there first."""

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from itertools import pairwise

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from bench.bot_process import BotProcess
from bench.harness import EVENTS_PATH
from tests.conftest import POSTGRES_URL, eventually, settle
from tests.e2e.incident_fixtures import declare_and_settle, run
from warroom import timeline
from warroom.domain import EntryKind
from warroom.models import NagSent
from warroom.reminders import NagKind

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="replicas share one PostgreSQL database (SQLite has a single writer on one host): "
    "set WARROOM_TEST_DATABASE_URL",
)

# Seconds where production has minutes, so that nags fall due again and again meanwhile.
CADENCES = {NagKind.STALE_UPDATE: timedelta(seconds=3), NagKind.NO_IC: timedelta(seconds=2)}
SHORT_NAGS = {
    "WARROOM_UPDATE_CADENCE_SEV1": f"{CADENCES[NagKind.STALE_UPDATE].seconds}s",
    "WARROOM_NO_IC_AFTER": f"{CADENCES[NagKind.NO_IC].seconds}s",
}
# How each nag reads in the channel (see warroom.slack.nags).
NAG_WORDING = {
    NagKind.STALE_UPDATE: "has had no status update",
    NagKind.NO_IC: "has had no Incident Commander",
}
MESSAGES = 300
REDELIVERED = COPIED = 60


@pytest.fixture
def replicas(sandbox, database_url, announce_channel):
    """bench's `warroom serve` child processes (schedulers ticking every second), with the
    nag cadences above."""
    with (
        BotProcess(sandbox, database_url, announce_channel, SHORT_NAGS) as first,
        BotProcess(sandbox, database_url, announce_channel, SHORT_NAGS) as second,
    ):
        sandbox.connect_http(first.url + EVENTS_PATH, second.url + EVENTS_PATH)
        yield first, second
        for replica in (first, second):  # shown only when the test fails
            print(f"--- end of the log of warroom serve at {replica.url}:\n{replica.log()}")


def test_two_replicas_record_each_message_once_and_send_each_nag_once(
    sandbox, general, replicas, db
):
    incident = declare_and_settle(sandbox, db, "sev1 Payments failing")
    texts = _busy_channel_delivered_twice(sandbox, incident)
    with db.transaction() as session:
        recorded = [
            e.text for e in timeline.entries(session, incident.id) if e.kind == EntryKind.MESSAGE
        ]
    assert recorded == texts  # each once, none lost, in the order they were posted

    eventually(lambda: all(len(times) >= 3 for times in _nags_sent(db, incident.id).values()))
    run(sandbox, incident, "role ic me")  # the nags stop: an IC is there ...
    run(sandbox, incident, "resolve Rolled back")  # ... and no update is expected any more
    settle(sandbox)
    sent = _nags_sent(db, incident.id)
    for kind, cadence in CADENCES.items():
        # A nag sent twice would follow itself within a tick; a legitimate one comes a cadence
        # later (a little less when an update races the tick).
        assert all(later - earlier > cadence / 2 for earlier, later in pairwise(sent[kind]))
    assert _nags_posted(sandbox, incident.channel_id) == Counter(
        {kind: len(times) for kind, times in sent.items()}
    )
    _assert_both_replicas_worked(replicas)


def _busy_channel_delivered_twice(sandbox, incident) -> list[str]:
    """Three people post MESSAGES messages; Slack delivers each, retries some and sends
    copies of others meanwhile, while commands come in. The texts posted, in order."""
    people = [sandbox.user_id(name) for name in ("alice", "bob", "priya")]
    for person in people[1:]:
        sandbox.driver.join(person, incident.channel_id)
    texts = [f"message {n}" for n in range(MESSAGES)]
    # Held back while they are posted, so that the test knows each event and its id before
    # Slack sends it, and can send the duplicates while the originals are on their way.
    sandbox.pause_delivery()
    for n, text in enumerate(texts):
        sandbox.driver.post_message(people[n % len(people)], incident.channel_id, text)
    posted = [c for c in sandbox.undelivered if c["event"].get("text") in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        sandbox.resume_delivery(deliver_missed=True)
        sending = [pool.submit(sandbox.driver.send_event, **d) for d in _duplicates(posted)]
        run(sandbox, incident, "update Still investigating the payment errors")
        run(sandbox, incident, "note Error rate back under 1%")
        answers = [future.result() for future in sending]
    sandbox.wait_idle(timeout=60)
    assert all(answer.status == 200 for answer in answers)
    assert all(attempt.status == 200 for attempt in sandbox.deliveries)  # none refused
    return texts


def _duplicates(posted: list[dict]) -> list[dict]:
    """Slack's retries of some events (same event id) and copies of others (a new id)."""
    rng = random.Random(2026)
    retries = [
        {
            "event": c["event"],
            "event_id": c["event_id"],
            "retry_num": 1,
            "retry_reason": "http_timeout",
        }
        for c in rng.sample(posted, REDELIVERED)
    ]
    copies = [
        {"event": c["event"], "event_id": f"EvCopy{n:04d}"}
        for n, c in enumerate(rng.sample(posted, COPIED))
    ]
    return rng.sample(retries + copies, REDELIVERED + COPIED)


def _nags_sent(db, incident_id: int) -> dict[NagKind, list]:
    """When each nag about the incident was claimed, oldest first, by kind."""
    with db.transaction() as session:
        rows = session.execute(
            select(NagSent.kind, NagSent.sent_at)
            .where(NagSent.subject == f"incident:{incident_id}")
            .order_by(NagSent.sent_at)
        ).all()
    sent = {kind: [] for kind in CADENCES}
    for kind, sent_at in rows:
        sent.setdefault(NagKind(kind), []).append(sent_at)
    return sent


def _nags_posted(sandbox, channel_id: str) -> Counter:
    return Counter(
        kind
        for message in sandbox.messages(channel_id)
        for kind, wording in NAG_WORDING.items()
        if message.get("bot_id") and wording in message["text"]
    )


def _assert_both_replicas_worked(replicas) -> None:
    """Each handled about half of the events, and each scheduler ticked."""
    seen = [_samples(replica) for replica in replicas]
    events = [s.get(("warroom_requests_total", (("kind", "event"),)), 0) for s in seen]
    assert min(events) > 0.4 * sum(events), events
    assert all(s[("warroom_scheduler_tick_seconds_count", ())] > 0 for s in seen)


def _samples(replica) -> dict[tuple, float]:
    page = replica.get("/metrics").text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
    }
