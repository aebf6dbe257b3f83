"""`python -m bench.reliability`: fault scenarios run end to end against the local Slack
sandbox, and one report of what held. Exit code 1 if any timeline entry was lost or
duplicated, any nag doubled, any hostile input answered with a 5xx, or anything of a private
incident leaked outside its channel.

1. a busy incident while a third of Slack calls fail (429 and 500, seeded), with message
   events re-delivered and copied under new event ids;
2. two schedulers on one database racing over 200 due nags (SQLite, and PostgreSQL too
   when WARROOM_TEST_DATABASE_URL is set);
3. hostile inputs through the real HTTP endpoint;
3b. a private incident worked beside a public one (bench/privacy.py);
4. only with WARROOM_TEST_DATABASE_URL: the database cut for 30 s while messages flow;
5. only with WARROOM_TEST_DATABASE_URL: two `warroom serve` processes on one database,
   events load-balanced between them (re-delivered and copied too), both schedulers
   nagging on a cadence of seconds;
6. chat.postMessage answering 500 for two minutes while status updates come in;
7. only with WARROOM_TEST_DATABASE_URL: the database hung (taking bytes, answering nothing)
   for 60 s while commands and messages come in.
"""

import logging
import os
import sys
import time
from collections.abc import Callable

from bench.databases import POSTGRES_ENV, backends, fresh_database
from bench.privacy import private_incident_beside_a_public_one
from bench.reliability_scenarios import (
    Tally,
    busy_incident_under_faults,
    database_hang,
    database_outage,
    hostile_inputs,
    racing_schedulers,
    slack_refusing_posts,
    two_replicas_on_postgresql,
)

COLUMNS = [
    ("requests", "sent to bot"),
    ("faults_429", "429s"),
    ("faults_500", "500s"),
    ("hostile", "hostile"),
    ("hostile_500", "bot 5xx"),
    ("lost", "lost"),
    ("duplicated", "duplicated"),
    ("nags_doubled", "nags doubled"),
    ("leaked", "leaked"),
    ("late", "answered late"),
    ("out_of_order", "out of order"),
]
MUST_BE_ZERO = (
    "hostile_500",
    "lost",
    "duplicated",
    "nags_doubled",
    "leaked",
    "late",
    "out_of_order",
)


def progress(message: str) -> None:
    print(f"[reliability] {message}", file=sys.stderr, flush=True)


def scenarios() -> list[tuple[str, Callable[[], Tally]]]:
    def on_sqlite(run: Callable[[str], Tally]) -> Callable[[], Tally]:
        def go() -> Tally:
            with fresh_database("sqlite") as url:
                return run(url)

        return go

    chosen = [
        ("busy incident under Slack faults", on_sqlite(busy_incident_under_faults)),
        *[
            (f"racing schedulers ({backend})", lambda b=backend: racing_schedulers(b))
            for backend in backends()
        ],
        ("hostile inputs", on_sqlite(hostile_inputs)),
        ("private incident", on_sqlite(private_incident_beside_a_public_one)),
        ("Slack refusing posts", on_sqlite(slack_refusing_posts)),
    ]
    if os.environ.get(POSTGRES_ENV):
        chosen.append(("database outage (postgresql)", database_outage))
        chosen.append(("database hang (postgresql)", database_hang))
        chosen.append(("two replicas (postgresql)", two_replicas_on_postgresql))
    return chosen


def render(tallies: list[Tally]) -> str:
    header = ["scenario", *(title for _, title in COLUMNS)]
    rows = [[t.scenario, *(str(getattr(t, name)) for name, _ in COLUMNS)] for t in tallies]
    totals = [
        "TOTAL",
        *(str(sum(getattr(t, name) for t in tallies)) for name, _ in COLUMNS),
    ]
    widths = [max(len(row[i]) for row in [header, *rows, totals]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    rule = "-" * len(line(header))
    return "\n".join([line(header), rule, *map(line, rows), rule, line(totals)])


def summary(tallies: list[Tally]) -> list[str]:
    def total(name: str) -> int:
        return sum(getattr(t, name) for t in tallies)

    def verdict(name: str) -> str:
        return "ok" if total(name) == 0 else "FAILED"

    return [
        f"requests and events sent to the bot  {total('requests')}",
        f"faults injected                      {total('faults_429')} x 429, "
        f"{total('faults_500')} x 500",
        f"hostile inputs tried                 {total('hostile')}",
        f"hostile inputs answered 5xx          {total('hostile_500')}  "
        f"(must be 0: {verdict('hostile_500')})",
        f"timeline entries lost                {total('lost')}  (must be 0: {verdict('lost')})",
        f"duplicated entries                   {total('duplicated')}  "
        f"(must be 0: {verdict('duplicated')})",
        f"nags doubled                         {total('nags_doubled')}  "
        f"(must be 0: {verdict('nags_doubled')})",
        f"private incident text leaked         {total('leaked')}  (must be 0: {verdict('leaked')})",
        f"requests answered after 3 s          {total('late')}  (must be 0: {verdict('late')})",
        f"posts out of order                   {total('out_of_order')}  "
        f"(must be 0: {verdict('out_of_order')})",
    ]


def main() -> int:
    # Faults make slack_sdk and warroom log retries and refusals: expected here, not news.
    logging.basicConfig(level=logging.CRITICAL)
    started = time.monotonic()
    tallies: list[Tally] = []
    for name, run in scenarios():
        progress(f"{name} ...")
        begun = time.monotonic()
        tallies.append(run())
        progress(f"{name}: done in {time.monotonic() - begun:.0f} s")
    print("warroom reliability report")
    print()
    print(render(tallies))
    print()
    for tally in tallies:
        print(f"{tally.scenario}:")
        for note in tally.notes:
            print(f"  - {note}")
    print()
    print("\n".join(summary(tallies)))
    failed = any(getattr(t, name) for t in tallies for name in MUST_BE_ZERO)
    print()
    print(f"{'FAILED' if failed else 'HELD'} ({time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
