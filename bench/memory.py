"""Benchmark 7: resident memory of the bot - `warroom serve` in its own process - idle, and
after 10,000 incidents (with their 100,000 action items) exist and the bot has worked on them.

Idle: started, answered `/incident help`, ticked for a while. After: the incidents were
bulk-inserted into its database, `/metrics` counted them (a query over all open incidents),
a few more were declared through the sandbox end to end, and the scheduler kept ticking (no
reminder is due, so no nag goes out).
"""

import time
from datetime import UTC, datetime

from bench.bot_process import BotProcess
from bench.config import BenchConfig
from bench.databases import fresh_database
from bench.harness import SlackSide
from bench.population import populate
from bench.report import Row, Target, measured, progress
from bench.scheduler_tick import FULL
from warroom.sandbox import Sandbox
from warroom.sandbox.waiting import eventually
from warroom.slack.manifest import manifest
from warroom.store.db import Database
from warroom.store.models import Incident

RSS_TARGET = Target(200, at_most=True, unit=" MB")
DECLARES = 3


def measure_once(config: BenchConfig, database: str) -> dict[str, float]:
    """MB resident: idle, after the incidents, and the peak."""
    with (
        fresh_database(database) as url,
        Sandbox.for_app(manifest()) as sandbox,
    ):
        slack = SlackSide.of(sandbox)
        db = Database(url)
        try:
            with BotProcess(sandbox, url, slack.announce_channel) as bot:
                sandbox.driver.slash_command(slack.alice, slack.general, "help")
                time.sleep(config.settle_seconds)
                idle = bot.memory_mb()["VmRSS"]
                populate(db, FULL, datetime.now(UTC))
                bot.get("/metrics")
                for number in range(DECLARES):
                    incident_id = slack.declare(f"Memory {number}", severity="sev2")
                    eventually(lambda i=incident_id: _has_channel(db, i), timeout=30)
                time.sleep(config.settle_seconds)
                after = bot.memory_mb()
        finally:
            db.dispose()
    return {"idle": idle, "after": after["VmRSS"], "peak": after["VmHWM"]}


def _has_channel(db: Database, incident_id: int) -> bool:
    with db.transaction() as session:
        return bool(session.get(Incident, incident_id).channel_id)


def run_memory(config: BenchConfig, database: str) -> list[Row]:
    samples = []
    for run in range(config.runs):
        progress(database, f"bot memory in its own process, run {run + 1} of {config.runs}")
        samples.append(measure_once(config, database))
    benchmark = "resident memory of `warroom serve` (VmRSS)"
    after = f"after {FULL} + {DECLARES} declares"

    def row(metric: str, key: str, target: Target | None = None) -> Row:
        return measured(database, benchmark, metric, [s[key] for s in samples], " MB", target)

    return [
        row("idle", "idle", RSS_TARGET),
        row(after, "after", RSS_TARGET),
        row("peak (VmHWM) by then", "peak"),
    ]
