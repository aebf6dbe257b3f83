"""The fault scenarios `python -m bench.reliability` runs, each end to end against the local
Slack sandbox and warroom served over HTTP; each returns a `Tally` of what it sent, what
faults it injected and what (if anything) was lost, duplicated or doubled."""

import hashlib
import hmac
import json
import random
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench.cores import bench_core
from bench.databases import fresh_database
from bench.harness import Harness
from bench.replicas import Outcome, exercise, two_replicas
from bench.traffic import NEW, MessageEvents, SignedRequest
from warroom.app import incidents as running
from warroom.app import nags
from warroom.config import load_settings
from warroom.domain.incident import Severity
from warroom.domain.timeline import EntryKind
from warroom.sandbox import Sandbox
from warroom.sandbox.waiting import eventually
from warroom.slack.manifest import manifest
from warroom.store.db import Database
from warroom.store.models import TimelineEntry


@dataclass
class Tally:
    scenario: str
    requests: int = 0  # requests and events that reached the bot over HTTP
    faults_429: int = 0
    faults_500: int = 0
    hostile: int = 0  # hostile inputs tried
    hostile_500: int = 0  # ... that the bot answered with a 5xx (or not at all)
    lost: int = 0
    duplicated: int = 0
    nags_doubled: int = 0
    leaked: int = 0  # places outside a private incident's channel that showed its secret
    late: int = 0  # requests not answered within Slack's 3 seconds
    out_of_order: int = 0  # posts that reached Slack in another order than they were made
    notes: list[str] = field(default_factory=list)

    def count_slack_side(self, harness: Harness) -> None:
        """Events the sandbox delivered (retries included) and the faults it injected."""
        sandbox = harness.sandbox
        self.requests += len(sandbox.deliveries)
        statuses = Counter(call.http_status for call in sandbox.calls)
        self.faults_429 += statuses[429]
        self.faults_500 += statuses[500]


def _post(url: str, request: SignedRequest, client: httpx.Client) -> int | None:
    try:
        return client.post(url, content=request.body, headers=request.headers).status_code
    except httpx.HTTPError:
        return None


def _messages_stored(db: Database, incident_id: int, prefix: str) -> Counter:
    """How many timeline entries of kind `message` hold each text starting with `prefix`."""
    with db.transaction() as session:
        texts = session.scalars(
            select(TimelineEntry.text).where(
                TimelineEntry.incident_id == incident_id,
                TimelineEntry.kind == EntryKind.MESSAGE,
                TimelineEntry.text.like(f"{prefix}%"),
            )
        ).all()
    return Counter(texts)


def _settled_counts(db: Database, incident_id: int, prefix: str, expected: int, timeout: float):
    """The stored counts once they reach `expected` distinct texts, or after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        counts = _messages_stored(db, incident_id, prefix)
        if len(counts) >= expected or time.monotonic() > deadline:
            return counts
        time.sleep(0.2)


def _exactly_once(tally: Tally, what: str, expected: list[str], seen: Counter) -> None:
    """Each of `expected` must appear in `seen` exactly once."""
    missing = [text for text in expected if not seen[text]]
    extra = sum(seen[text] - 1 for text in expected if seen[text] > 1)
    tally.lost += len(missing)
    tally.duplicated += extra
    tally.notes.append(
        f"{what}: {len(expected)} made, {len(expected) - len(missing)} present, "
        f"{extra} extra copies"
    )


# --- 1. a busy incident while a third of Slack calls fail ------------------------------


def busy_incident_under_faults(url: str, events: int = 200, seed: int = 2026) -> Tally:
    tally = Tally("busy incident, 1/3 of Slack calls failing")
    with Harness(url) as harness:
        sandbox = harness.sandbox
        sandbox.faults.seed(seed)
        sandbox.faults.fail(status=429, fraction=1 / 6, retry_after=0)
        sandbox.faults.fail(status=500, fraction=1 / 5)  # of calls the 429s spared: 1/3 in all
        incident_id = harness.declare("Payments failing")
        tally.requests += 1
        channel_id = harness.wait_for_channel(incident_id)
        sandbox.settle(timeout=60)
        refused = []

        def command(text: str) -> None:
            answer = sandbox.driver.slash_command(harness.alice, channel_id, text)
            tally.requests += 1
            if answer.status != 200:
                refused.append(f"/incident {text[:30]} -> {answer.status}")

        updates = [f"update number {n}: still investigating" for n in range(4)]
        notes = [f"checkpoint {n}" for n in range(4)]
        for update, note in zip(updates, notes, strict=True):
            command(f"update {update}")
            command(f"note {note}")
            sandbox.settle(timeout=60)

        stream = MessageEvents(
            harness.workspace,
            channel_id=channel_id,
            user_id=harness.alice,
            tag=f"REL{seed}",
            first_second=int(time.time()) - 3600,
            redelivery=0.1,
            copy=0.1,
            seed=seed,
        )
        requests = [stream.next_request() for _ in range(events)]
        distinct = sorted({r.message for r in requests if r.kind == NEW})
        kinds = Counter(r.kind for r in requests)
        unacked = Counter()
        lock = threading.Lock()

        with httpx.Client(timeout=30) as client:

            def send(request: SignedRequest) -> None:
                # Like Slack: a refused or unanswered delivery is retried, up to 3 times.
                for retry in range(4):
                    if retry:
                        headers = request.headers | {
                            "X-Slack-Retry-Num": str(retry),
                            "X-Slack-Retry-Reason": "http_error",
                        }
                        request = SignedRequest(request.body, headers, request.kind)
                    status = _post(harness.warroom_url, request, client)
                    with lock:
                        tally.requests += 1
                    if status == 200:
                        return
                    time.sleep(0.2)
                with lock:
                    unacked[request.kind] += 1

            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(send, requests))

        stored = _settled_counts(
            harness.db, incident_id, "bench message ", len(distinct), timeout=20
        )
        _exactly_once(tally, "messages", [f"bench message {n}" for n in distinct], stored)
        tally.notes[-1] += (
            f" ({events} events sent: {kinds[NEW]} new, {kinds['redelivery']} re-deliveries,"
            f" {kinds['copy']} copies under new event ids;"
            f" never acknowledged: {sum(unacked.values())})"
        )
        command("resolve Rolled back")
        sandbox.settle(timeout=60)

        channel = sandbox.messages(channel_id)
        posted = Counter(m["text"].split("\n")[-1] for m in channel if "update:" in m["text"])
        _exactly_once(tally, "update posts in the channel", updates, posted)
        noted = Counter(
            m["text"].split(" noted: ", 1)[1] for m in channel if " noted: checkpoint" in m["text"]
        )
        _exactly_once(tally, "note posts in the channel", notes, noted)
        with harness.db.transaction() as session:
            kinds_stored = Counter(
                (entry.kind, entry.text)
                for entry in session.scalars(
                    select(TimelineEntry).where(TimelineEntry.incident_id == incident_id)
                )
            )
        timeline_updates = Counter(
            {text: n for (kind, text), n in kinds_stored.items() if kind == EntryKind.STATUS_UPDATE}
        )
        timeline_notes = Counter(
            {text: n for (kind, text), n in kinds_stored.items() if kind == EntryKind.NOTE}
        )
        _exactly_once(tally, "update entries in the timeline", updates, timeline_updates)
        _exactly_once(tally, "note entries in the timeline", notes, timeline_notes)
        resolved = [
            m for m in sandbox.messages(harness.announce_channel) if "Resolved" in m["text"]
        ]
        if len(resolved) != 1:
            tally.lost += 1
            tally.notes.append(f"announcement marked Resolved {len(resolved)} times, not once")
        tally.notes += refused
        tally.count_slack_side(harness)
        tally.notes.append(
            f"Slack Web API calls: {len(sandbox.calls)}, of which faulted: "
            f"{tally.faults_429 + tally.faults_500}"
        )
    return tally


# --- 2. two schedulers on one database racing over 200 due nags ------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 11, 14, 18, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def racing_schedulers(backend: str, incidents_count: int = 100, ticks: int = 3) -> Tally:
    tally = Tally(f"two schedulers racing over due nags ({backend})")
    policy = load_settings(_env_file=None).nag_policy()
    clock = _Clock()
    with fresh_database(backend) as url:
        setup = bench_core(Database(url), clock, policy)
        for number in range(incidents_count):  # SEV2 without IC: two nags each
            running.declare(setup, title=f"Incident {number}", severity=Severity.SEV2, by="U1")
        clock.now += timedelta(minutes=30)
        sent, lock = [], threading.Lock()
        replicas = [bench_core(Database(url), clock, policy) for _ in range(2)]
        start = threading.Barrier(len(replicas))

        def run(core) -> None:
            start.wait()
            for _ in range(ticks):
                claimed = nags.claim_due(core)
                with lock:
                    sent.extend((nag.kind, nag.incident_id) for nag in claimed)

        threads = [threading.Thread(target=run, args=(core,)) for core in replicas]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for core in (setup, *replicas):
            core.db.dispose()
    due = 2 * incidents_count
    tally.nags_doubled = len(sent) - len(set(sent))
    tally.lost = due - len(set(sent))
    tally.notes.append(
        f"nags: {due} due, {len(sent)} sent, {len(set(sent))} distinct (kind, incident)"
    )
    return tally


# --- 3. hostile inputs through the real HTTP endpoint ----------------------------------

HOSTILE_TEXTS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S1|@oncall>",
    "<@U999>",
    "<#C999|secret>",
    "<https://evil.example|x>",
    "<mailto:x@evil.example|mail>",
    "&lt;!channel&gt;",
    "*bold* `code` ~strike~ > quote",
    "'; DROP TABLE incidents; --",
    "\u202etxet desrever\u200b\x00",
    "🔥" * 500,
    "x" * 10_000,
]
# Subcommands that take free text, run in the incident channel with each hostile text.
HOSTILE_COMMANDS = ["note {}", "update {}", "role ic {}", "severity {}", "rename {}", "{}"]


def _signed(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature over raw bytes (which need not be UTF-8)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


def hostile_inputs(url: str, seed: int = 7) -> Tally:
    tally = Tally("hostile inputs over HTTP")
    failures: list[str] = []
    with Harness(url) as harness:
        sandbox = harness.sandbox
        secret = sandbox.signing_secret
        incident_id = harness.declare("Hostile inputs")
        tally.requests += 1
        channel_id = harness.wait_for_channel(incident_id)
        harness.wait_for_setup_report(incident_id)

        def judge(what: str, status: int | None) -> None:
            tally.hostile += 1
            tally.requests += 1
            if status is None or status >= 500:
                tally.hostile_500 += 1
                failures.append(f"{what[:60]!r} -> HTTP {status}")

        for text in HOSTILE_TEXTS[:3] + HOSTILE_TEXTS[-1:]:
            answer = sandbox.driver.slash_command(harness.alice, harness.general, f"declare {text}")
            judge(f"/incident declare {text}", answer.status)
        for template in HOSTILE_COMMANDS:
            for text in HOSTILE_TEXTS:
                command = template.format(text)
                answer = sandbox.driver.slash_command(harness.alice, channel_id, command)
                judge(f"/incident {command}", answer.status)
        for n, text in enumerate(HOSTILE_TEXTS):
            event = {
                "type": "message",
                "channel": channel_id,
                "channel_type": "channel",
                "user": harness.alice,
                "text": text,
                "ts": f"{int(time.time())}.{n:06d}",
            }
            answer = sandbox.driver.send_event(event, event_id=f"EvHOSTILE{n:06d}")
            judge(f"message event {text}", answer.status)

        rng = random.Random(seed)
        junk = [rng.randbytes(rng.randint(0, 400)) for _ in range(40)]
        junk += [
            b"",
            b"{",
            b"null",
            b"[]",
            b'{"type": "event_callback"}',
            b'{"type": "event_callback", "event": {"type": "message", "channel": 5}}',
            b'{"type": "url_verification"}',
            b"payload=",
            b"payload=%7B",
            b"payload=" + json.dumps({"type": "block_actions", "actions": [{}]}).encode(),
            b"payload=" + json.dumps({"type": "view_submission", "view": {}}).encode(),
            b"command=%2Fincident&text=" + b"%3C%21channel%3E" * 500,
            b"command=%2Fnope&text=hello",
        ]
        content_types = ["application/json", "application/x-www-form-urlencoded", "text/plain"]
        with httpx.Client(timeout=30) as client:

            def post(body: bytes, content_type: str, headers: dict[str, str]) -> int | None:
                try:
                    response = client.post(
                        harness.warroom_url,
                        content=body,
                        headers={"Content-Type": content_type, **headers},
                    )
                except httpx.HTTPError:
                    return None
                return response.status_code

            accepted_unsigned = 0
            for n, body in enumerate(junk):
                content_type = content_types[n % len(content_types)]
                judge(f"signed {body[:40]!r}", post(body, content_type, _signed(secret, body)))
                forgeries = {
                    "unsigned": {},
                    "wrong secret": _signed("not-the-secret", body),
                    "stale": _signed(secret, body, int(time.time()) - 3600),
                }
                for forgery, headers in forgeries.items():
                    status = post(body, content_type, headers)
                    judge(f"{forgery} {body[:40]!r}", status)
                    accepted_unsigned += status is not None and status < 400
        sandbox.settle(timeout=60)
        tally.count_slack_side(harness)
    tally.notes.append(f"forged, unsigned or stale requests accepted: {accepted_unsigned}")
    tally.notes += failures[:10]
    return tally


# --- 4. the database cut for 30 s while messages are posted (PostgreSQL only) ----------


def database_outage(outage_seconds: float = 30, messages: int = 20, wait: float = 90) -> Tally:
    from tests.reliability.tcp_proxy import TcpProxy  # a plain socket proxy, no pytest

    tally = Tally(f"database cut for {outage_seconds:.0f} s (postgresql)")
    with fresh_database("postgresql") as url:
        target = make_url(url)
        proxy = TcpProxy(target.host, target.port or 5432)
        proxied = target.set(host="127.0.0.1", port=proxy.port)
        direct = Database(url)
        try:
            with Harness(proxied.render_as_string(hide_password=False)) as harness:
                sandbox = harness.sandbox
                incident_id = harness.declare("Database outage")
                tally.requests += 1
                channel_id = harness.wait_for_channel(incident_id)
                harness.wait_for_setup_report(incident_id)
                sandbox.settle()
                texts = [f"during the outage {n}" for n in range(messages)]
                proxy.cut()
                cut_at = time.monotonic()
                for n, text in enumerate(texts):
                    sandbox.driver.post_message(harness.alice, channel_id, text)
                    pause = cut_at + (n + 1) * outage_seconds / (messages + 1) - time.monotonic()
                    time.sleep(max(0.0, pause))
                time.sleep(max(0.0, cut_at + outage_seconds - time.monotonic()))
                refused = sum(1 for d in sandbox.deliveries if d.status != 200)
                proxy.restore()
                started = time.monotonic()
                stored = _settled_counts(direct, incident_id, "during the outage ", messages, wait)
                took = time.monotonic() - started
                _exactly_once(tally, "messages posted during the outage", texts, stored)
                tally.notes.append(
                    f"deliveries refused during the cut: {refused}; timeline complete "
                    f"{took:.0f} s after the database came back"
                    if len(stored) == messages
                    else f"deliveries refused during the cut: {refused}; timeline still "
                    f"incomplete {wait:.0f} s after the database came back"
                )
                tally.count_slack_side(harness)
        finally:
            proxy.close()
            direct.dispose()
    return tally


def database_hang(hang_seconds: float = 60, wait: float = 120) -> Tally:
    """The database behind a proxy that takes every byte and passes none on: commands every
    few seconds and a message with each, answered in time, and the timeline complete after."""
    from tests.reliability.tcp_proxy import TcpProxy

    tally = Tally(f"database hung for {hang_seconds:.0f} s (postgresql)")
    with fresh_database("postgresql") as url:
        target = make_url(url)
        proxy = TcpProxy(target.host, target.port or 5432)
        proxied = target.set(host="127.0.0.1", port=proxy.port)
        direct = Database(url)
        try:
            with Harness(proxied.render_as_string(hide_password=False)) as harness:
                sandbox = harness.sandbox
                incident_id = harness.declare("Database hang")
                channel_id = harness.wait_for_channel(incident_id)
                harness.wait_for_setup_report(incident_id)
                sandbox.settle()
                sandbox.delivery.retry_delays = (0.1, 0.2, 0.4)
                texts, slowest = [], 0.0
                proxy.hang()
                until = time.monotonic() + hang_seconds
                while time.monotonic() < until - 3:
                    started = time.monotonic()
                    answer = sandbox.driver.slash_command(harness.alice, channel_id, "status")
                    slowest = max(slowest, time.monotonic() - started)
                    tally.requests += 1
                    tally.late += answer.status is None
                    texts.append(f"during the hang {len(texts)}")
                    sandbox.driver.post_message(harness.alice, channel_id, texts[-1])
                    time.sleep(2)
                time.sleep(max(0.0, until - time.monotonic()))
                proxy.unhang()
                sandbox.wait_idle(timeout=wait)
                tally.late += sum(1 for d in sandbox.deliveries if d.error == "http_timeout")
                stored = _settled_counts(direct, incident_id, "during the hang ", len(texts), wait)
                _exactly_once(tally, "messages posted during the hang", texts, stored)
                tally.notes.append(
                    f"{len(texts)} commands during the hang, the slowest answered in "
                    f"{slowest:.1f} s; {len(texts)} messages, refused and read back after"
                )
                tally.count_slack_side(harness)
        finally:
            proxy.close()
            direct.dispose()
    return tally


def slack_refusing_posts(url: str, outage_seconds: float = 150, updates: int = 10) -> Tally:
    """chat.postMessage answering 500 for over two minutes while status updates come in:
    the channel's topic says so, and once Slack answers again each update is posted once,
    in the order sent."""
    tally = Tally(f"chat.postMessage failing for {outage_seconds:.0f} s")
    with Harness(url) as harness:
        sandbox = harness.sandbox
        incident_id = harness.declare("Slack outage")
        channel_id = harness.wait_for_channel(incident_id)
        harness.wait_for_setup_report(incident_id)
        sandbox.settle()
        texts = [f"Outage update {n}" for n in range(updates)]
        sandbox.faults.fail("chat.postMessage", status=500, times=1_000_000)
        failing_until = time.monotonic() + outage_seconds
        for text in texts:
            answer = sandbox.driver.slash_command(harness.alice, channel_id, f"update {text}")
            tally.requests += 1
            tally.late += answer.status is None
            time.sleep(outage_seconds / (2 * updates))
        time.sleep(max(0.0, failing_until - time.monotonic()))
        warned = "refusing warroom's posts" in sandbox.channel(channel_id).topic
        sandbox.faults.clear()

        def posted() -> list[str]:
            found = (_update_text(m["text"]) for m in sandbox.messages(channel_id))
            return [text for text in found if text]

        eventually(lambda: len(set(posted())) == updates, timeout=600, interval=1)
        sandbox.settle()
        shown = posted()
        _exactly_once(tally, "status updates", texts, Counter(shown))
        in_order = shown == texts
        tally.out_of_order += sum(a != b for a, b in zip(shown, texts, strict=False))
        restored = "refusing" not in sandbox.channel(channel_id).topic
        tally.notes.append(
            f"{updates} updates: posted {'in order' if in_order else 'OUT OF ORDER'} once Slack "
            f"answered; the channel's topic {'said' if warned else 'did NOT say'} so during the "
            f"outage, and {'was' if restored else 'was NOT'} restored after"
        )
        tally.count_slack_side(harness)
    return tally


def _update_text(text: str) -> str | None:
    found = re.search(r"Outage update \d+", text)
    return found.group(0) if found and "update:" in text else None


# --- 5. two `warroom serve` replicas on one database (PostgreSQL only) -----------------


def two_replicas_on_postgresql() -> Tally:
    tally = Tally("two serve replicas on one database (postgresql)")
    with (
        fresh_database("postgresql") as url,
        Sandbox.for_app(manifest()) as sandbox,
    ):
        db = Database(url)
        try:
            with two_replicas(sandbox, url) as replicas:
                outcome = exercise(replicas, db)
        finally:
            db.dispose()
    # The declare, the requests sent straight to the replicas, and the sandbox's deliveries.
    tally.requests += 1 + len(outcome.answers) + len(outcome.deliveries)
    _exactly_once(tally, "messages", outcome.posted, Counter(outcome.recorded))
    if outcome.recorded != outcome.posted:
        tally.notes.append("messages recorded in another order than posted")
    _tally_nags(tally, outcome)
    statuses = [*outcome.answers, *(attempt.status for attempt in outcome.deliveries)]
    refused = sum(status != 200 for status in statuses)
    events = ", ".join(f"{work.events:.0f}" for work in outcome.work)
    ticks = ", ".join(f"{work.ticks:.0f}" for work in outcome.work)
    tally.notes.append(
        f"events handled by each replica: {events}; scheduler ticks: {ticks}; "
        f"requests refused: {refused}"
    )
    return tally


def _tally_nags(tally: Tally, outcome: Outcome) -> None:
    """Doubled: a nag claimed again too soon, or posted more often than claimed. Claimed
    but never posted is a nag lost, as in `racing_schedulers`."""
    too_close = outcome.nags_too_close()
    posted, sent = outcome.nags_posted, outcome.nags_sent_counts()
    tally.nags_doubled += len(too_close) + (posted - sent).total()
    tally.lost += (sent - posted).total()
    counts = ", ".join(f"{kind} {sent[kind]} claimed / {posted[kind]} posted" for kind in sent)
    tally.notes.append(
        f"nags: {counts}; within half a cadence of the previous of their kind: {len(too_close)}"
    )
