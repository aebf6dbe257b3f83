"""Benchmark 6: one scheduler tick (claim what is due, record the sends, move each row to its
next time, put the nags in the outbox); nothing delivers them, so only the tick is measured.

To show that a tick costs what is due and not what exists, the same tick runs with 1% and
with 0.1% of 110,000 reminder rows due, and with 1% of ten times fewer rows: the last two
have the same number due (110) among 10x different totals.
"""

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime

from bench.config import BenchConfig
from bench.cores import bench_core
from bench.databases import fresh_database
from bench.population import Scale, make_due, populate
from bench.report import Row, Target, measured, progress
from bench.stats import timed
from warroom.app.scheduler import Scheduler
from warroom.config import load_settings
from warroom.domain.nags import NagPolicy
from warroom.store.db import Database

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)  # the scheduler's clock, fixed
FULL = Scale(incidents=10_000, items_per_incident=10)
SMALL = Scale(incidents=1_000, items_per_incident=10)
TICK_TARGET = Target(100, at_most=True, unit=" ms")
INDEPENDENT_OF_SIZE = Target(1.5, at_most=True, unit="x")  # 10x the rows, same due: ~1x
BENCHMARK = "scheduler tick (claim, advance, write the outbox)"


@dataclass(frozen=True)
class Tick:
    seconds: float
    due: int  # reminder rows due when the tick started
    claimed: int  # nags the tick claimed (claim_due takes at most 500)


def tick_once(db: Database, policy: NagPolicy, fraction: float) -> Tick:
    """Make `fraction` of the reminders due, then time one tick."""
    due = make_due(db, fraction, NOW)
    scheduler = Scheduler(bench_core(db, lambda: NOW, policy), tick_seconds=30)
    seconds, claimed = timed(scheduler.tick)
    return Tick(seconds, due, claimed)


@dataclass(frozen=True)
class Series:
    scale: Scale
    fraction: float
    ticks: list[Tick]

    @property
    def label(self) -> str:
        return f"{self.scale}, {self.fraction:.1%} due"

    def row(self, database: str) -> Row:
        milliseconds = [tick.seconds * 1000 for tick in self.ticks]
        due = sorted({tick.due for tick in self.ticks})
        claimed = sorted({tick.claimed for tick in self.ticks})
        per_nag = statistics.median(milliseconds) / max(claimed[0], 1)
        note = f"{_listed(due)} due, {_listed(claimed)} claimed; {per_nag:.2f} ms per nag"
        return measured(database, BENCHMARK, self.label, milliseconds, " ms", TICK_TARGET, note)


def _listed(values: list[int]) -> str:
    return "/".join(f"{value:,}" for value in values)


def _ratio_row(database: str, metric: str, slower: Series, faster: Series, target=None) -> Row:
    """Run i against run i, so both sides of each ratio were measured back to back."""
    ratios = [a.seconds / b.seconds for a, b in zip(slower.ticks, faster.ticks, strict=True)]
    return measured(database, BENCHMARK, metric, ratios, "x", target)


def run_scheduler_ticks(config: BenchConfig, database: str) -> list[Row]:
    policy = load_settings(_env_file=None).nag_policy()
    with fresh_database(database) as url:
        db = Database(url)
        try:
            progress(database, f"populating {FULL} for the scheduler tick")
            populate(db, FULL, NOW)
            tick_once(db, policy, 0.001)  # warm-up: statements compiled, caches filled
            at_one, at_tenth = Series(FULL, 0.01, []), Series(FULL, 0.001, [])
            for run in range(config.runs):
                progress(database, f"scheduler tick, run {run + 1} of {config.runs}")
                at_one.ticks.append(tick_once(db, policy, at_one.fraction))
                at_tenth.ticks.append(tick_once(db, policy, at_tenth.fraction))
        finally:
            db.dispose()
    with fresh_database(database) as url:
        db = Database(url)
        try:
            progress(database, f"populating {SMALL} for the scheduler tick")
            populate(db, SMALL, NOW)
            tick_once(db, policy, 0.001)  # warm-up, as above
            small = Series(SMALL, 0.01, [tick_once(db, policy, 0.01) for _ in range(config.runs)])
        finally:
            db.dispose()
    return [
        at_one.row(database),
        at_tenth.row(database),
        small.row(database),
        _ratio_row(database, "1% / 0.1% due, same rows", at_one, at_tenth),
        _ratio_row(database, "10x rows, same 110 due", at_tenth, small, target=INDEPENDENT_OF_SIZE),
    ]
