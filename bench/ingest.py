"""Benchmarks 1 and 2: signed `message` events into an incident channel, to warroom and to a
bare Bolt app in the same run; then a check that each distinct message was stored once."""

import itertools

from bench.config import BenchConfig
from bench.harness import Harness
from bench.load import LoadGenerator, LoadResult
from bench.report import FAILED, OK, Row, Target, load_rows, measured, progress
from bench.traffic import COPY, REDELIVERY, MessageEvents

RATE_TARGET = Target(500, at_most=False)
P99_TARGET = Target(100, at_most=True, unit=" ms")
SLOWDOWN_TARGET = Target(2, at_most=True, unit="x")


class MessageStreams:
    """A fresh stream per run: its own event ids and message timestamps."""

    def __init__(self, harness: Harness, channel_id: str):
        self._harness = harness
        self._channel_id = channel_id
        self._numbers = itertools.count(1)

    def new(self) -> MessageEvents:
        number = next(self._numbers)
        return MessageEvents(
            self._harness.workspace,
            channel_id=self._channel_id,
            user_id=self._harness.alice,
            tag=f"{number:04d}",
            first_second=1_000_000_000 + number * 10_000_000,
            seed=number,
        )


def run_ingestion(
    harness: Harness, load: LoadGenerator, config: BenchConfig, database: str
) -> list[Row]:
    incident_id = harness.declare("Bench ingestion", severity="sev2")
    channel_id = harness.wait_for_channel(incident_id)
    harness.wait_for_setup_report(incident_id)
    streams = MessageStreams(harness, channel_id)
    senders = config.ingest_senders

    def send_to(url: str, seconds: float) -> LoadResult:
        return load.run(url, streams.new(), senders, seconds)

    def send_to_warroom(seconds: float) -> tuple[LoadResult, int]:
        """The run, and how many timeline entries it added."""
        before = harness.timeline_messages(channel_id)
        result = send_to(harness.warroom_url, seconds)
        return result, harness.timeline_messages(channel_id) - before

    send_to(harness.warroom_url, config.warmup_seconds)
    send_to(harness.bare_url, config.warmup_seconds)
    warroom: list[LoadResult] = []
    stored: list[int] = []
    bare: list[LoadResult] = []
    for run in range(config.runs):
        progress(database, f"message ingestion, run {run + 1} of {config.runs}")
        # Alternate who goes first, so drift in the machine does not favour either side.
        if run % 2:
            bare.append(send_to(harness.bare_url, config.ingest_seconds))
        result, added = send_to_warroom(config.ingest_seconds)
        warroom.append(result)
        stored.append(added)
        if not run % 2:
            bare.append(send_to(harness.bare_url, config.ingest_seconds))

    title = f"message ingestion ({senders} senders)"
    rows = load_rows(database, f"{title}: warroom", warroom, "events/s", RATE_TARGET, P99_TARGET)
    rows.append(_stored_row(database, f"{title}: warroom", warroom, stored))
    rows += load_rows(database, f"{title}: bare Bolt", bare, "events/s")
    slowdowns = [b.per_second / w.per_second for w, b in zip(warroom, bare, strict=True)]
    rows.append(
        measured(
            database,
            f"{title}: warroom vs bare",
            "bare/warroom events/s",
            slowdowns,
            "x",
            SLOWDOWN_TARGET,
        )
    )
    return rows


def _stored_row(database: str, benchmark: str, results: list[LoadResult], stored: list[int]):
    """Exactly once: timeline entries added == distinct messages acknowledged, every run."""
    expected = [r.messages_acked for r in results]
    sent = sum(sum(r.kinds.values()) for r in results)
    redelivered = sum(r.kinds[REDELIVERY] for r in results)
    copied = sum(r.kinds[COPY] for r in results)
    exact = stored == expected
    value = f"{sum(stored)} {'==' if exact else '!='} {sum(expected)}"
    note = (
        f"stored == distinct acknowledged, every run; {sent} sent incl. "
        f"{redelivered} re-deliveries, {copied} copies"
    )
    if not exact:
        note += f"; per run stored {stored}, expected {expected}"
    verdict = OK if exact else FAILED
    return Row(database, benchmark, "messages stored", value, verdict=verdict, note=note)
