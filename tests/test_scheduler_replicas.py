"""Exactly once across replicas and restarts, on the database itself (SQLite by default,
PostgreSQL with WARROOM_TEST_DATABASE_URL, where rows are claimed with SKIP LOCKED)."""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from warroom import incidents, reminders
from warroom.config import load_settings
from warroom.domain.incident import Severity
from warroom.scheduler import Scheduler
from warroom.store.db import Database
from warroom.store.models import NagSent

POLICY = load_settings(_env_file=None).nag_policy()


def declare_many(db, clock, count):
    with db.transaction() as session:
        for number in range(count):
            incident = incidents.open_incident(
                session,
                title=f"Incident {number}",
                severity=Severity.SEV2,
                declared_by="U1",
                at=clock(),
            )
            reminders.reschedule_incident(session, incident, POLICY)


def test_two_replicas_racing_over_200_due_nags_send_exactly_200(database_url, clock):
    setup = Database(database_url)
    declare_many(setup, clock, 100)  # SEV2 without IC: a stale-update and a no-IC nag each
    clock.advance(minutes=30)
    sent, lock = [], threading.Lock()

    def record(nag):
        with lock:
            sent.append((nag.kind, nag.incident_id))

    replicas = [Database(database_url) for _ in range(2)]
    schedulers = [Scheduler(db, clock, POLICY, record, tick_seconds=30) for db in replicas]
    start = threading.Barrier(len(schedulers))

    def run(scheduler):
        start.wait()
        for _ in range(3):
            scheduler.tick()

    threads = [threading.Thread(target=run, args=(s,)) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == 200 and len(set(sent)) == 200
    with setup.transaction() as session:
        assert session.scalar(select(func.count()).select_from(NagSent)) == 200
    for db in (setup, *replicas):
        db.dispose()


def test_a_restart_after_downtime_sends_each_missed_nag_once(database_url, clock):
    db = Database(database_url)
    declare_many(db, clock, 5)
    sent = []
    before = Scheduler(db, clock, POLICY, sent.append, tick_seconds=30)
    clock.advance(minutes=31)
    before.tick()
    assert len(sent) == 10
    clock.advance(hours=6)  # down: twelve cadences pass with no tick
    after_restart = Scheduler(Database(database_url), clock, POLICY, sent.append, 30)
    after_restart.tick()
    after_restart.tick()
    assert len(sent) == 20  # one more of each, not one per missed cadence
    assert all(nag.due_at <= clock() - timedelta(hours=5) for nag in sent[10:])
    db.dispose()
