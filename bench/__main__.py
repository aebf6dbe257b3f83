"""`python -m bench [--quick]`: every benchmark on SQLite, and on PostgreSQL too when
WARROOM_TEST_DATABASE_URL is set; one table on stdout, progress on stderr."""

import argparse
import sys
from dataclasses import replace

from bench import machine
from bench.commands import run_slash_commands
from bench.config import BenchConfig
from bench.databases import backends, fresh_database
from bench.declare import run_declares
from bench.harness import Harness
from bench.ingest import run_ingestion
from bench.load import LoadGenerator
from bench.report import FAILED, render


def parse_config(argv: list[str] | None) -> BenchConfig:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="every duration cut to seconds")
    parser.add_argument("--runs", type=int, help="runs per figure (default 3)")
    parser.add_argument("--ingest-seconds", type=float, help="per ingestion run (default 10)")
    parser.add_argument("--ingest-senders", type=int, help="concurrent senders (default 16)")
    parser.add_argument("--command-seconds", type=float, help="help-command load (default 30)")
    parser.add_argument("--command-senders", type=int, help="concurrent senders (default 50)")
    parser.add_argument("--declares", type=int, help="declares measured (default 5)")
    args = parser.parse_args(argv)
    config = BenchConfig().quick() if args.quick else BenchConfig()
    chosen = {
        name: value for name, value in vars(args).items() if name != "quick" and value is not None
    }
    return replace(config, **chosen)


def main(argv: list[str] | None = None) -> int:
    config = parse_config(argv)
    print(machine.describe())
    print(f"settings: {config}", flush=True)
    rows = []
    with LoadGenerator() as load:
        for database in backends():
            with fresh_database(database) as url, Harness(url) as harness:
                rows += run_ingestion(harness, load, config, database)
                rows += run_slash_commands(harness, load, config, database)
                rows += run_declares(harness, config, database)
    print(render(rows))
    return 1 if any(row.verdict == FAILED for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
