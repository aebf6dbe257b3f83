"""`python -m bench.dashboard [--requests N] [--database sqlite|postgresql]`: the dashboard's
pages over HTTP, signed in through the sandbox's Sign in with Slack, on a year of history:
10,000 incidents (2% private, each in a private channel of the sandbox), 1,000,000 timeline
entries (10,000 of them in one incident) and 100,000 action items, written with bulk
inserts.

Each page is asked for N times in a row (after one request whose time is printed apart);
the p95 of those answers is the figure. A search reads every timeline message on SQLite,
and the trigram index on PostgreSQL. Signing in, just before, asked Slack who is in each
private channel, which is remembered for a minute.
Targets: the incident list and the insights p95 <= 150 ms, the 10,000-entry incident's page
<= 300 ms.
"""

import argparse
import gc
import random
import re
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from html import unescape

import httpx
from sqlalchemy import insert, text

from bench.databases import fresh_database
from bench.harness import SlackSide
from bench.stats import percentile
from warroom.bot import start_bot
from warroom.config import load_settings
from warroom.domain.action_items import ActionStatus
from warroom.domain.incident import Role, Severity, Status
from warroom.domain.timeline import EntryKind
from warroom.sandbox import Sandbox
from warroom.slack.manifest import manifest
from warroom.store.db import ANSWER_WITHIN, Database
from warroom.store.models import (
    ActionItem,
    AffectedService,
    Incident,
    RoleAssignment,
    TimelineEntry,
)
from warroom.web.background import BackgroundServer, free_port

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
INCIDENTS, ENTRIES, ITEMS, BIG = 10_000, 1_000_000, 100_000, 10_000
SERVICES = [f"service-{n:02d}" for n in range(20)]
CHUNK = 10_000
SECRET = "bench-dashboard-session-secret-32-bytes-long"
PAGES = {
    "incident list": ("/incidents", 150),
    "list, filtered": ("/incidents?severity=sev1&severity=sev2&service=service-03", 150),
    "list, searched for a word": ("/incidents?q=4242", 150),
    "insights, this quarter": ("/insights", 150),
    "insights, a whole year": ("/insights?from=2025-12-01&to=2026-12-01", 150),
    "incident of 10,000 entries": ("/incidents/1?timeline=all&page=50", 300),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__)
    parser.add_argument("--requests", type=int, default=100, help="per page")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        sandbox, db, url = _serving(stack, args.database)
        started = time.perf_counter()
        private_channels = _populate(db, sandbox)
        print(
            f"populated in {time.perf_counter() - started:.0f} s ({args.database}): "
            f"{INCIDENTS:,} incidents ({len(private_channels)} private), {ENTRIES:,} "
            f"timeline entries, {ITEMS:,} action items"
        )
        gc.freeze()  # as `warroom serve` does once started
        browser = _signed_in(sandbox, url)
        for name, (path, target) in PAGES.items():
            first, samples = _timed(browser, path, args.requests)
            p95 = percentile(samples, 0.95) * 1000
            verdict = "ok" if p95 <= target else "OVER"
            print(
                f"  {name:28} p95 {p95:6.1f} ms  median {percentile(samples, 0.5) * 1000:6.1f} ms"
                f"  (first {first * 1000:.0f} ms; target <= {target} ms: {verdict})"
            )


def _serving(stack: ExitStack, database: str):
    sandbox = stack.enter_context(Sandbox.for_app(manifest()))
    slack = SlackSide.of(sandbox)
    url = stack.enter_context(fresh_database(database))
    db = Database(url, answer_within=ANSWER_WITHIN)
    stack.callback(db.dispose)
    port = free_port()  # Sign in with Slack returns there
    settings = load_settings(
        _env_file=None,
        slack_bot_token=sandbox.bot_token,
        slack_signing_secret=sandbox.signing_secret,
        slack_api_url=sandbox.api_url,
        database_url=url,
        warroom_announce_channel=slack.announce_channel,
        slack_client_id=sandbox.sign_in.client_id,
        slack_client_secret=sandbox.sign_in.client_secret,
        warroom_public_url=f"http://127.0.0.1:{port}",
        warroom_session_secret=SECRET,
    )
    bot = stack.enter_context(start_bot(settings, db, lambda: NOW))
    server = BackgroundServer(bot.web_app(), port=port).start()
    stack.callback(server.stop)
    return sandbox, db, server.url


def _populate(db: Database, sandbox: Sandbox) -> list[str]:
    """A year of incidents; incident 1 is the big one. The private incidents' channels are
    real sandbox channels, alice in half of them."""
    rng = random.Random(7)
    alice = sandbox.user_id("alice")
    commanders = [sandbox.add_user(f"ic{n:02d}") for n in range(40)]
    incidents, affected, roles, private_channels = [], [], [], []
    for number in range(1, INCIDENTS + 1):
        declared = NOW - timedelta(minutes=rng.randrange(365 * 24 * 60))
        private = number % 50 == 0
        channel = None
        if private:
            members = [alice] if number % 100 == 0 else []
            channel = sandbox.create_channel(f"inc-{number}", sandbox.bot_user_id, True, members)
            private_channels.append(channel)
        detect = declared - timedelta(minutes=rng.randrange(1, 30))
        incidents.append(
            {
                "id": number,
                "title": f"Bench incident {number}",
                "severity": list(Severity)[number % 4],
                "status": Status.RESOLVED,
                "is_private": private,
                "declared_by": alice,
                "declared_at": declared,
                "impact_started_at": detect - timedelta(minutes=rng.randrange(0, 60)),
                "detected_at": detect,
                "acknowledged_at": declared + timedelta(minutes=rng.randrange(1, 15)),
                "mitigated_at": declared + timedelta(minutes=rng.randrange(15, 120)),
                "resolved_at": declared + timedelta(minutes=rng.randrange(120, 600)),
                "postmortem_published_at": declared + timedelta(days=rng.randrange(1, 9)),
                "channel_id": channel,
            }
        )
        for position, service in enumerate(rng.sample(SERVICES, rng.choice((1, 1, 2)))):
            affected.append({"incident_id": number, "service": service, "position": position})
        roles.append(
            {
                "incident_id": number,
                "role": Role.IC,
                "user_id": commanders[number % 40],
                "started_at": declared,
                "assigned_by": alice,
            }
        )
    _insert(db, Incident, incidents)
    _insert(db, AffectedService, affected)
    _insert(db, RoleAssignment, roles)
    _insert(db, ActionItem, list(_items(rng)))
    for chunk in _chunked(_entries(incidents), CHUNK):
        _insert(db, TimelineEntry, chunk)
    if db.engine.dialect.name == "postgresql":  # as autovacuum does a minute after a bulk load
        with db.transaction() as session:
            session.execute(text("ANALYZE"))
    return private_channels


def _items(rng: random.Random):
    for n in range(ITEMS):
        status = rng.choice((ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.DONE))
        yield {
            "incident_id": n % INCIDENTS + 1,
            "text": f"Bench action {n}",
            "owner_id": f"UOWN{n % 200:03d}",
            "due_on": (NOW + timedelta(days=rng.randrange(-90, 60))).date(),
            "status": status,
            "created_by": "UBENCH",
            "created_at": NOW - timedelta(days=100),
        }


def _entries(incidents: list[dict]):
    """BIG entries in incident 1, the rest spread over the others; one in ten a key event."""
    per_other = (ENTRIES - BIG) // (INCIDENTS - 1)
    for incident in incidents:
        count = BIG if incident["id"] == 1 else per_other
        for n in range(count):
            yield {
                "incident_id": incident["id"],
                "occurred_at": incident["declared_at"] + timedelta(seconds=n),
                "kind": EntryKind.MESSAGE,
                "actor_id": "UBENCH",
                "text": f"Message {n} of incident {incident['id']}",
                "highlighted": n % 10 == 0,
                "details": {},
            }


def _chunked(rows, size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(db: Database, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        with db.transaction() as session:
            session.execute(insert(model.__table__), rows[start : start + CHUNK])


def _signed_in(sandbox: Sandbox, url: str) -> httpx.Client:
    browser = httpx.Client(base_url=url, follow_redirects=True, timeout=30)
    consent = browser.get("/incidents")
    link = re.search(r'<a href="([^"]+)">Continue as ', consent.text)[1]
    browser.get(unescape(link)).raise_for_status()
    return browser


def _timed(browser: httpx.Client, path: str, count: int) -> tuple[float, list[float]]:
    def once() -> float:
        started = time.perf_counter()
        answer = browser.get(path)
        answer.raise_for_status()
        return time.perf_counter() - started

    first = once()
    return first, [once() for _ in range(count)]


if __name__ == "__main__":
    main()
