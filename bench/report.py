"""The one table: a row per figure, with its target and whether it was met."""

import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bench.load import LoadResult
from bench.stats import Spread

OK, MISSED, FAILED = "ok", "MISSED", "FAILED"  # FAILED: wrong, not merely slow


@dataclass(frozen=True)
class Target:
    """At least or at most a bound, printed the way a reader checks it."""

    bound: float
    at_most: bool
    unit: str = ""

    def __str__(self) -> str:
        return f"{'<=' if self.at_most else '>='} {_number(self.bound)}{self.unit}"

    def met_by(self, value: float) -> bool:
        return value <= self.bound if self.at_most else value >= self.bound


@dataclass(frozen=True)
class Row:
    database: str
    benchmark: str
    metric: str
    value: Spread | str
    unit: str = ""
    target: str = ""
    verdict: str = ""
    note: str = ""  # details that do not fit a cell


def measured(
    database, benchmark, metric, values, unit="", target: Target | None = None, note=""
) -> Row:
    """A row for repeated measurements, judged on their median."""
    spread = Spread.of(values)
    verdict = "" if target is None else (OK if target.met_by(spread.median) else MISSED)
    return Row(database, benchmark, metric, spread, unit, str(target or ""), verdict, note)


def load_rows(
    database: str,
    benchmark: str,
    results: Sequence[LoadResult],
    rate: str,
    rate_target: Target | None = None,
    p99_target: Target | None = None,
) -> list[Row]:
    """Throughput and acknowledgement latency of a series of load runs, and any errors."""
    rows = [
        measured(database, benchmark, rate, [r.per_second for r in results], "", rate_target),
        measured(database, benchmark, "p50 ack", [r.latency_ms(0.50) for r in results], " ms"),
        measured(
            database, benchmark, "p99 ack", [r.latency_ms(0.99) for r in results], " ms", p99_target
        ),
    ]
    failures = sum((r.failures for r in results), Counter())
    if failures:
        answers = ", ".join(f"{count} x {what}" for what, count in failures.most_common())
        total = str(sum(failures.values()))
        refused = Row(database, benchmark, "not acknowledged", total, verdict=FAILED, note=answers)
        rows.append(refused)
    return rows


def _number(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _cells(row: Row) -> list[str]:
    if isinstance(row.value, Spread):
        value = f"{_number(row.value.median)}{row.unit}"
        spread = f"{_number(row.value.low)}-{_number(row.value.high)} (n={row.value.runs})"
    else:
        value, spread = row.value, ""
    cells = [row.database, row.benchmark, row.metric, value, spread, row.target, row.verdict]
    return cells + [row.note]


HEADER = ["database", "benchmark", "metric", "median", "min-max", "target", "verdict", "note"]


def render(rows: Sequence[Row]) -> str:
    table = [HEADER] + [_cells(row) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    lines = []
    for number, line in enumerate(table):
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def progress(database: str, what: str) -> None:
    """What is running now, on stderr, so the table on stdout stays clean."""
    print(f"[{database}] {what}", file=sys.stderr, flush=True)
