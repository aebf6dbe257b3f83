"""Group commit on the database itself: writes that wait while another thread holds the turn
are committed together, and a failure stays with the write that caused it."""

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from warroom.group_commit import GroupCommit
from warroom.models import ProcessedEvent
from warroom.sandbox.waiting import eventually


class Writers:
    """One write holds the turn until released; meanwhile `count` others queue behind it."""

    def __init__(self, group: GroupCommit, clock):
        self.group, self.clock = group, clock
        self.sessions, self.calls, self.errors = [], [], {}
        self.release = threading.Event()
        self.threads: list[threading.Thread] = []

    def insert(self, event_id: str, fail: Exception | None = None):
        def write(session):
            self.sessions.append(session)
            self.calls.append(event_id)
            if fail is not None:
                raise fail
            session.add(ProcessedEvent(event_id=event_id, received_at=self.clock()))

        return write

    def start(self, name: str, write) -> None:
        def run():
            try:
                self.group.run(write)
            except Exception as error:
                self.errors[name] = error

        thread = threading.Thread(target=run)
        self.threads.append(thread)
        thread.start()

    def hold_the_turn(self) -> None:
        def blocking(session):
            self.sessions.append(session)
            self.release.wait(10)

        self.start("holder", blocking)
        eventually(lambda: self.sessions)

    def queue(self, writes: dict) -> None:
        for name, write in writes.items():
            self.start(name, write)
        eventually(lambda: len(self.group._waiting) == len(writes))

    def finish(self) -> None:
        self.release.set()
        for thread in self.threads:
            thread.join(10)


def stored(db) -> set[str]:
    with db.transaction() as session:
        return set(session.scalars(select(ProcessedEvent.event_id)))


@pytest.fixture
def writers(db, clock):
    return Writers(GroupCommit(db), clock)


def test_writes_waiting_for_the_turn_commit_together(writers, db):
    writers.hold_the_turn()
    writers.queue({f"E{n}": writers.insert(f"E{n}") for n in range(10)})
    writers.finish()
    assert writers.errors == {}
    assert stored(db) == {f"E{n}" for n in range(10)}
    # the holder's transaction, then one transaction for the ten that queued
    assert len({id(session) for session in writers.sessions}) == 2


def test_a_failing_write_fails_alone(writers, db):
    writers.hold_the_turn()
    writes = {f"E{n}": writers.insert(f"E{n}") for n in range(5)}
    writes["bad"] = writers.insert("bad", fail=ValueError("malformed event"))
    writers.queue(writes)
    writers.finish()
    assert list(writers.errors) == ["bad"]
    assert isinstance(writers.errors["bad"], ValueError)
    assert stored(db) == {f"E{n}" for n in range(5)}


def test_an_unavailable_database_fails_the_whole_batch_at_once(writers, db):
    gone = OperationalError("INSERT", {}, Exception("server closed the connection"))
    writers.hold_the_turn()
    writers.queue({f"E{n}": writers.insert(f"E{n}", fail=gone) for n in range(4)})
    writers.finish()
    assert set(writers.errors) == {f"E{n}" for n in range(4)}
    assert all(error is gone for error in writers.errors.values())
    assert writers.calls == ["E0"]  # the batch stopped at its first write, none ran again
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0
