"""`python -m bench [--quick]`: every benchmark on SQLite, and on PostgreSQL too when
WARROOM_TEST_DATABASE_URL is set; one table on stdout, progress on stderr."""

import argparse
import sys
import time
from dataclasses import replace

from bench import machine
from bench.commands import run_slash_commands
from bench.config import BenchConfig
from bench.databases import backends, fresh_database
from bench.declare import run_declares
from bench.harness import Harness
from bench.ingest import run_ingestion
from bench.load import LoadGenerator
from bench.memory import run_memory
from bench.outbox_delivery import run_outbox_delivery
from bench.postmortem_draft import run_postmortem
from bench.report import FAILED, Row, render
from bench.scheduler_tick import run_scheduler_ticks

# Served by the in-process bot, over HTTP, with load from the load process.
LIVE = {"ingest": run_ingestion, "commands": run_slash_commands}
# Each on its own fresh database.
OFFLINE = {"postmortem": run_postmortem, "scheduler": run_scheduler_ticks, "memory": run_memory}
BENCHMARKS = [*LIVE, "declare", "outbox", *OFFLINE]


def parse_config(argv: list[str] | None) -> tuple[BenchConfig, list[str]]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="every duration cut to seconds")
    parser.add_argument("--runs", type=int, help="runs per figure (default 3)")
    parser.add_argument("--ingest-seconds", type=float, help="per ingestion run (default 10)")
    parser.add_argument("--ingest-senders", type=int, help="concurrent senders (default 16)")
    parser.add_argument("--command-seconds", type=float, help="help-command load (default 30)")
    parser.add_argument("--command-senders", type=int, help="concurrent senders (default 50)")
    parser.add_argument("--declares", type=int, help="declares measured (default 5)")
    parser.add_argument("--outbox-seconds", type=float, help="per outbox run (default 10)")
    parser.add_argument(
        "--only", action="append", choices=BENCHMARKS, help="run only these (repeatable)"
    )
    args = parser.parse_args(argv)
    config = BenchConfig().quick() if args.quick else BenchConfig()
    chosen = {
        name: value
        for name, value in vars(args).items()
        if name not in ("quick", "only") and value is not None
    }
    return replace(config, **chosen), args.only or BENCHMARKS


def run_on(database: str, load: LoadGenerator, config: BenchConfig, chosen: list[str]):
    rows: list[Row] = []
    if set(chosen) & {*LIVE, "declare", "outbox"}:
        with fresh_database(database) as url, Harness(url) as harness:
            for name, run in LIVE.items():
                if name in chosen:
                    rows += run(harness, load, config, database)
            if "declare" in chosen:
                rows += run_declares(harness, config, database)
            if "outbox" in chosen:
                rows += run_outbox_delivery(harness, config, database)
    for name, run in OFFLINE.items():
        if name in chosen:
            rows += run(config, database)
    return rows


def main(argv: list[str] | None = None) -> int:
    config, chosen = parse_config(argv)
    print(machine.describe())
    print(f"settings: {config}", flush=True)
    started = time.monotonic()
    rows = []
    with LoadGenerator() as load:
        for database in backends():
            rows += run_on(database, load, config, chosen)
    print(render(rows))
    print(f"({time.monotonic() - started:.0f} s)")
    return 1 if any(row.verdict == FAILED for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
