"""Two `warroom serve` processes on one database, both schedulers ticking, and Slack's
requests spread between them as a load balancer would: a busy channel whose events Slack
also delivers twice, then nags left to fall due again and again. `exercise` returns what was
sent and what the timeline, the nags_sent table and the channel show, for
tests/reliability/test_two_processes.py to assert on and `python -m bench.reliability` to
tally."""

import random
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from bench.bot_process import BotProcess
from bench.harness import EVENTS_PATH, SlackSide
from warroom.domain.nags import NagKind
from warroom.domain.timeline import EntryKind
from warroom.sandbox import DeliveryAttempt, Sandbox
from warroom.sandbox.waiting import eventually
from warroom.store import timeline
from warroom.store.db import Database
from warroom.store.models import Incident, NagSent

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
NAGS_EACH = 3  # of each kind before the incident is quieted: enough for two to race twice


@dataclass(frozen=True)
class Replicas:
    slack: SlackSide
    processes: tuple[BotProcess, BotProcess]


@contextmanager
def two_replicas(sandbox: Sandbox, database_url: str) -> Iterator[Replicas]:
    """bench's `warroom serve` child processes (schedulers ticking every second) with the
    nag cadences above, the sandbox sending each request to the next in turn."""
    slack = SlackSide.of(sandbox)
    announce = slack.announce_channel
    with (
        BotProcess(sandbox, database_url, announce, SHORT_NAGS) as first,
        BotProcess(sandbox, database_url, announce, SHORT_NAGS) as second,
    ):
        sandbox.connect_http(first.url + EVENTS_PATH, second.url + EVENTS_PATH)
        yield Replicas(slack, (first, second))


@dataclass(frozen=True)
class ReplicaWork:
    """From one replica's /metrics."""

    events: float  # Events API requests it handled
    ticks: float  # times its scheduler ticked


@dataclass(frozen=True)
class Outcome:
    posted: list[str]  # the messages people posted, in order
    recorded: list[str]  # the incident's timeline entries of kind message, in order
    answers: list[int | None]  # to requests sent straight to the replicas (commands, copies)
    deliveries: list[DeliveryAttempt]  # the sandbox's own deliveries, its retries included
    nags_sent: dict[NagKind, list[datetime]]  # rows claimed in nags_sent, oldest first
    nags_posted: Counter  # nags in the channel, by kind
    work: list[ReplicaWork]

    def nags_too_close(self) -> list[tuple[NagKind, datetime, datetime]]:
        """Nags that followed the previous of their kind within half its cadence. A nag sent
        twice would follow itself within a tick; a legitimate one comes a cadence later (a
        little less when an update races the tick)."""
        return [
            (kind, earlier, later)
            for kind, times in self.nags_sent.items()
            for earlier, later in pairwise(times)
            if later - earlier <= CADENCES[kind] / 2
        ]

    def nags_sent_counts(self) -> Counter:
        return Counter({kind: len(times) for kind, times in self.nags_sent.items()})


@dataclass
class _Incident:
    sandbox: Sandbox
    alice: str
    id: int
    channel_id: str
    answers: list[int | None] = field(default_factory=list)

    def command(self, text: str) -> None:
        """alice types `/incident <text>` in the incident's channel."""
        answer = self.sandbox.driver.slash_command(self.alice, self.channel_id, text)
        self.answers.append(answer.status)
        self.sandbox.settle()


def exercise(replicas: Replicas, db: Database) -> Outcome:
    """Declare a SEV1 and make its channel busy; let each of its nags fall due NAGS_EACH
    times, then quiet them: alice takes the IC role and resolves the incident."""
    slack = replicas.slack
    incident = _declare(slack, db, "Payments failing")
    posted = _busy_channel_delivered_twice(incident)
    recorded = _messages_recorded(db, incident.id)
    eventually(
        lambda: all(len(times) >= NAGS_EACH for times in _nags_sent(db, incident.id).values()),
        timeout=30,
    )
    incident.command("role ic me")  # the nags stop: an IC is there ...
    incident.command("resolve Rolled back")  # ... and no update is expected any more
    return Outcome(
        posted=posted,
        recorded=recorded,
        answers=incident.answers,
        deliveries=slack.sandbox.deliveries,
        nags_sent=_nags_sent(db, incident.id),
        nags_posted=_nags_posted(slack.sandbox, incident.channel_id),
        work=[_work(process) for process in replicas.processes],
    )


def _declare(slack: SlackSide, db: Database, title: str) -> _Incident:
    incident_id = slack.declare(title)

    def channel_id() -> str | None:
        with db.transaction() as session:
            return session.get(Incident, incident_id).channel_id

    incident = _Incident(slack.sandbox, slack.alice, incident_id, eventually(channel_id, 30))
    slack.sandbox.settle()
    return incident


def _busy_channel_delivered_twice(incident: _Incident) -> list[str]:
    """Three people post MESSAGES messages; Slack delivers each, retries some and sends
    copies of others meanwhile, while commands come in. The texts posted, in order."""
    sandbox = incident.sandbox
    people = [sandbox.user_id(name) for name in ("alice", "bob", "priya")]
    for person in people[1:]:
        sandbox.driver.join(person, incident.channel_id)
    texts = [f"message {n}" for n in range(MESSAGES)]
    # Held back while they are posted, so that each event and its id are known before Slack
    # sends it, and the duplicates can be sent while the originals are on their way.
    sandbox.pause_delivery()
    for n, text in enumerate(texts):
        sandbox.driver.post_message(people[n % len(people)], incident.channel_id, text)
    wanted = set(texts)
    posted = [c for c in sandbox.undelivered if c["event"].get("text") in wanted]
    with ThreadPoolExecutor(max_workers=4) as pool:
        sandbox.resume_delivery(deliver_missed=True)
        sending = [pool.submit(sandbox.driver.send_event, **d) for d in _duplicates(posted)]
        incident.command("update Still investigating the payment errors")
        incident.command("note Error rate back under 1%")
        incident.answers += [future.result().status for future in sending]
    sandbox.wait_idle(timeout=60)
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


def _messages_recorded(db: Database, incident_id: int) -> list[str]:
    with db.transaction() as session:
        entries = timeline.entries(session, incident_id)
        return [e.text for e in entries if e.kind == EntryKind.MESSAGE]


def _nags_sent(db: Database, incident_id: int) -> dict[NagKind, list[datetime]]:
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


def _nags_posted(sandbox: Sandbox, channel_id: str) -> Counter:
    return Counter(
        kind
        for message in sandbox.messages(channel_id)
        for kind, wording in NAG_WORDING.items()
        if message.get("bot_id") and wording in message["text"]
    )


def _work(process: BotProcess) -> ReplicaWork:
    page = process.get("/metrics").text
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
    }
    return ReplicaWork(
        events=samples.get(("warroom_requests_total", (("kind", "event"),)), 0),
        ticks=samples[("warroom_scheduler_tick_seconds_count", ())],
    )
