"""Benchmark 3: `/incident help` from many concurrent senders, sustained; the acknowledgement
latency Slack's 3-second deadline is about (warroom answers help within the ack)."""

from bench.config import BenchConfig
from bench.harness import Harness
from bench.load import LoadGenerator
from bench.report import Row, Target, load_rows, progress
from bench.traffic import SlashCommands

P99_TARGET = Target(100, at_most=True, unit=" ms")


def run_slash_commands(
    harness: Harness, load: LoadGenerator, config: BenchConfig, database: str
) -> list[Row]:
    source = SlashCommands(harness.slash_command_form("help"), harness.sandbox.signing_secret)
    senders = config.command_senders
    load.run(harness.warroom_url, source, senders, config.warmup_seconds)
    seconds = config.command_seconds / config.runs
    results = []
    for run in range(config.runs):
        progress(database, f"/incident help, run {run + 1} of {config.runs} ({seconds:g} s)")
        results.append(load.run(harness.warroom_url, source, senders, seconds))
    benchmark = f"/incident help ({senders} senders, {config.runs} x {seconds:g} s)"
    return load_rows(database, benchmark, results, "commands/s", p99_target=P99_TARGET)
