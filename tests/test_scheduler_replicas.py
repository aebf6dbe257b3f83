"""Exactly once across replicas and restarts, on the database itself (SQLite by default,
PostgreSQL with WARROOM_TEST_DATABASE_URL, where rows are claimed with SKIP LOCKED)."""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from warroom.app import incidents as running
from warroom.app import nags
from warroom.app.core import Core
from warroom.app.outbox import Outbox
from warroom.config import load_settings
from warroom.domain.incident import Severity
from warroom.store.db import Database
from warroom.store.models import NagSent

POLICY = load_settings(_env_file=None).nag_policy()


def replica(database_url, clock) -> Core:
    """One process's use cases on the shared database."""
    return Core(db=Database(database_url), now=clock, policy=POLICY, outbox=Outbox())


def declare_many(core, count):
    for number in range(count):
        running.declare(core, title=f"Incident {number}", severity=Severity.SEV2, by="U1")


def test_two_replicas_racing_over_300_due_nags_claim_exactly_300(database_url, clock):
    setup = replica(database_url, clock)
    # SEV2 without IC or a public update: a stale-update, a no-IC and a no-public-update nag
    declare_many(setup, 100)
    clock.advance(minutes=30)
    claimed, lock = [], threading.Lock()
    replicas = [replica(database_url, clock) for _ in range(2)]
    start = threading.Barrier(len(replicas))

    def run(core):
        start.wait()
        for _ in range(3):
            due = nags.claim_due(core)
            with lock:
                claimed.extend((nag.kind, nag.incident_id) for nag in due)

    threads = [threading.Thread(target=run, args=(core,)) for core in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claimed) == 300 and len(set(claimed)) == 300
    with setup.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(NagSent)) == 300
    for core in (setup, *replicas):
        core.db.dispose()


def test_a_restart_after_downtime_sends_each_missed_nag_once(database_url, clock):
    before = replica(database_url, clock)
    declare_many(before, 5)
    clock.advance(minutes=31)
    claimed = nags.claim_due(before)
    assert len(claimed) == 15  # three nags of each of the five
    clock.advance(hours=6)  # down: twelve cadences pass with no tick
    after_restart = replica(database_url, clock)
    claimed += nags.claim_due(after_restart)
    claimed += nags.claim_due(after_restart)
    assert len(claimed) == 30  # one more of each, not one per missed cadence
    assert all(nag.due_at <= clock() - timedelta(hours=5) for nag in claimed[15:])
    before.db.dispose()
    after_restart.db.dispose()
