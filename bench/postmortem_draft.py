"""Benchmark 5: the postmortem draft of an incident with 10,000 timeline entries - gather (which
reads the records and runs the linter) and render (the bundled Jinja2 template)."""

from datetime import UTC, datetime

from bench.config import BenchConfig
from bench.databases import fresh_database
from bench.population import add_long_timeline
from bench.report import Row, Target, measured, progress
from bench.stats import timed
from warroom.app import postmortem_draft as postmortem
from warroom.store.db import Database

ENTRIES = 10_000
TOTAL_TARGET = Target(0.5, at_most=True, unit=" s")


def draft_once(db: Database, incident_id: int) -> tuple[float, float, int]:
    """Seconds to gather, seconds to render, and the Markdown's length."""

    def gather():
        with db.transaction() as session:
            return postmortem.gather(session, incident_id)

    gather_seconds, draft = timed(gather)
    render_seconds, markdown = timed(lambda: postmortem.render(draft))
    return gather_seconds, render_seconds, len(markdown)


def run_postmortem(config: BenchConfig, database: str) -> list[Row]:
    with fresh_database(database) as url:
        db = Database(url)
        try:
            incident_id = add_long_timeline(db, ENTRIES, datetime.now(UTC))
            draft_once(db, incident_id)  # warm-up: template compiled, statements cached
            progress(database, f"postmortem of {ENTRIES:,} timeline entries, {config.runs} runs")
            samples = [draft_once(db, incident_id) for _ in range(config.runs)]
        finally:
            db.dispose()
    benchmark = f"postmortem, {ENTRIES:,} timeline entries"
    gathers, renders, lengths = zip(*samples, strict=True)
    totals = [g + r for g, r in zip(gathers, renders, strict=True)]
    return [
        measured(database, benchmark, "gather (incl. lint)", gathers, " s"),
        measured(database, benchmark, "render", renders, " s"),
        measured(
            database,
            benchmark,
            "gather + render",
            totals,
            " s",
            TOTAL_TARGET,
            note=f"{lengths[0]:,} characters of Markdown",
        ),
    ]
