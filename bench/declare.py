"""Benchmark 4: `/incident declare` until the channel is ready - headline posted and pinned,
announcement posted, both recorded on the incident - with every Web API call slowed down
like a real Slack round trip; and how many calls one declare makes."""

import time
from collections import Counter
from dataclasses import dataclass

from bench.config import BenchConfig
from bench.harness import Harness
from bench.report import Row, Target, measured, progress
from warroom.sandbox.waiting import eventually

WALL_TARGET = Target(0.5, at_most=True, unit=" s")


@dataclass(frozen=True)
class Declared:
    acknowledged: float  # seconds from sending the command to its answer
    ready: float  # seconds from sending the command to a ready channel
    calls: Counter  # Web API method -> how many calls, for the whole declare
    sequential: int  # calls one after another before the channel was ready: the critical path


def sequential_calls(finished_at: list[float], latency: float) -> int:
    """How many rounds of calls, one after the other: calls that finished within half a
    latency of each other overlapped, so they count as one round."""
    rounds, round_started = 0, None
    for moment in sorted(finished_at):
        if round_started is None or moment - round_started > latency / 2:
            rounds, round_started = rounds + 1, moment
    return rounds


def declare_once(harness: Harness, number: int) -> Declared:
    sandbox = harness.sandbox
    calls_before = len(sandbox.calls)
    start = time.perf_counter()
    incident_id = harness.declare(f"Bench {number}")
    acknowledged = time.perf_counter() - start

    def ready() -> bool:
        incident = harness.incident(incident_id)
        return bool(
            incident.headline_ts and incident.announcement_ts and sandbox.pins(incident.channel_id)
        )

    eventually(ready, interval=0.002)
    ready_after, ready_at = time.perf_counter() - start, time.time()
    harness.wait_for_setup_report(incident_id)  # the declare's last call is done
    sandbox.wait_idle()
    made = sandbox.calls[calls_before:]
    before_ready = [call.at for call in made if call.at <= ready_at]
    sequential = sequential_calls(before_ready, sandbox.latency)
    return Declared(acknowledged, ready_after, Counter(call.method for call in made), sequential)


def run_declares(harness: Harness, config: BenchConfig, database: str) -> list[Row]:
    progress(database, f"{config.declares} declares, {config.api_latency * 1000:g} ms per API call")
    harness.sandbox.latency = config.api_latency
    try:
        samples = [declare_once(harness, number) for number in range(1, config.declares + 1)]
    finally:
        harness.sandbox.latency = 0.0
    benchmark = f"declare to ready channel (API latency {config.api_latency * 1000:g} ms)"
    methods = sum((sample.calls for sample in samples), Counter())
    per_declare = ", ".join(
        f"{method} x{count / len(samples):g}" for method, count in sorted(methods.items())
    )
    return [
        measured(database, benchmark, "ack", [s.acknowledged for s in samples], " s"),
        measured(
            database, benchmark, "ready (wall)", [s.ready for s in samples], " s", WALL_TARGET
        ),
        measured(database, benchmark, "Web API calls", [sum(s.calls.values()) for s in samples]),
        measured(
            database,
            benchmark,
            "calls on the critical path",
            [s.sequential for s in samples],
            note="sequential rounds of calls before the channel was ready",
        ),
        Row(database, benchmark, "calls per declare", "", note=per_declare),
    ]
