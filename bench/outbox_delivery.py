"""Benchmark 7: from a change's commit to its post in Slack, through the outbox, with every
Web API call slowed down like a real Slack round trip and status updates arriving at
`updates_per_second` across as many incidents (each its own channel)."""

import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from bench.config import BenchConfig
from bench.harness import Harness
from bench.report import Row, Target, measured, progress
from bench.stats import percentile
from warroom.sandbox.waiting import eventually
from warroom.store.models import OutboxDelivery
from warroom.store.outbox import DeliveryState

P99_TARGET = Target(1000, at_most=True, unit=" ms")


def _updates(harness: Harness, channels: list[str], config: BenchConfig) -> int:
    """Send the updates on schedule, each from its own thread; how many were acknowledged."""
    interval = 1 / config.updates_per_second
    count = int(config.outbox_seconds * config.updates_per_second)
    driver = harness.sandbox.driver

    def update(number: int) -> bool:
        channel = channels[number % len(channels)]
        answer = driver.slash_command(harness.alice, channel, f"update Bench update {number}")
        return answer.status == 200 and "Recorded" in answer.body.get("text", "")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        sent = []
        for number in range(count):
            time.sleep(max(0.0, started + number * interval - time.perf_counter()))
            sent.append(pool.submit(update, number))
    return sum(future.result() for future in sent)


def _latencies(harness: Harness, since_id: int) -> list[float]:
    """Seconds from each update's commit (its delivery's creation) to the chat.postMessage
    that carried it, found by the delivery key in the post's metadata."""
    with harness.db.transaction() as session:
        rows = session.execute(
            select(OutboxDelivery.id, OutboxDelivery.created_at)
            .where(OutboxDelivery.id > since_id, OutboxDelivery.destination == "slack")
            .where(OutboxDelivery.event["type"].as_string() == "status_updated")
        ).all()
    posted_at = {}
    for call in harness.sandbox.calls_to("chat.postMessage"):
        key = ((call.args.get("metadata") or {}).get("event_payload") or {}).get("key", "")
        if call.ok and key.endswith("/post the update"):
            posted_at.setdefault(int(key.split("/")[0].rsplit("-", 1)[1]), call.at)
    return [posted_at[row.id] - row.created_at.timestamp() for row in rows if row.id in posted_at]


def _pending(harness: Harness) -> int:
    with harness.db.transaction() as session:
        query = select(OutboxDelivery.id).where(OutboxDelivery.state == DeliveryState.PENDING)
        return len(session.scalars(query).all())


def _last_id(harness: Harness) -> int:
    with harness.db.transaction() as session:
        return session.scalar(select(OutboxDelivery.id).order_by(OutboxDelivery.id.desc())) or 0


def run_outbox_delivery(harness: Harness, config: BenchConfig, database: str) -> list[Row]:
    rate = config.updates_per_second
    progress(database, f"outbox: {rate:g} updates/s, {config.api_latency * 1000:g} ms per API call")
    channels = [harness.wait_for_channel(harness.declare(f"Outbox {n}")) for n in range(rate)]
    harness.sandbox.wait_idle()
    benchmark = (
        f"outbox: commit to Slack post, {rate:g} incidents/s "
        f"(API latency {config.api_latency * 1000:g} ms)"
    )
    p50s, p99s, notes = [], [], []
    harness.sandbox.latency = config.api_latency
    try:
        for run in range(config.runs):
            progress(database, f"outbox run {run + 1} of {config.runs}")
            since = _last_id(harness)
            acknowledged = _updates(harness, channels, config)
            eventually(lambda: _pending(harness) == 0, timeout=120, interval=0.1)
            seconds = _latencies(harness, since)
            p50s.append(percentile(seconds, 0.50) * 1000)
            p99s.append(percentile(seconds, 0.99) * 1000)
            notes.append(f"{len(seconds)} of {acknowledged} posted")
    finally:
        harness.sandbox.latency = 0.0
    note = "; ".join(notes)
    return [
        measured(database, benchmark, "p50", p50s, " ms"),
        measured(database, benchmark, "p99", p99s, " ms", P99_TARGET, note),
    ]
