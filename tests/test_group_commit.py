"""Group commit on the database itself: items that wait while another thread holds the turn
are written together, and a failure stays with the item that caused it."""

import threading

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError

from warroom.sandbox.waiting import eventually
from warroom.store.group_commit import GroupCommit
from warroom.store.models import ProcessedEvent

GONE = OperationalError("INSERT", {}, Exception("server closed the connection"))


class Writers:
    """Threads writing event ids through one GroupCommit. An id names what writing it does:
    "hold" keeps the turn until released, "bad" and "gone" fail, anything else is stored."""

    def __init__(self, db, clock):
        self.group = GroupCommit(db, self.write_many)
        self.clock = clock
        self.batches: list[list[str]] = []
        self.errors: dict[str, Exception] = {}
        self.release = threading.Event()
        self.threads: list[threading.Thread] = []

    def write_many(self, connection, event_ids: list[str]) -> None:
        """One statement for the batch, as GroupCommit requires."""
        self.batches.append(event_ids)
        if "hold" in event_ids:
            self.release.wait(10)
        if "bad" in event_ids:
            raise ValueError("malformed event")
        if "gone" in event_ids:
            raise GONE
        rows = [{"event_id": event_id, "received_at": self.clock()} for event_id in event_ids]
        connection.execute(insert(ProcessedEvent).values(rows))

    def start(self, *event_ids: str) -> None:
        for event_id in event_ids:
            thread = threading.Thread(target=self._write, args=(event_id,))
            self.threads.append(thread)
            thread.start()

    def _write(self, event_id: str) -> None:
        try:
            self.group.write(event_id)
        except Exception as error:
            self.errors[event_id] = error

    def queue_behind_a_held_turn(self, *event_ids: str) -> None:
        self.start("hold")
        eventually(lambda: self.batches)
        self.start(*event_ids)
        eventually(lambda: len(self.group._waiting) == len(event_ids))
        self.release.set()
        for thread in self.threads:
            thread.join(10)


def stored(db) -> set[str]:
    with db.transaction() as session:
        return set(session.scalars(select(ProcessedEvent.event_id)))


@pytest.fixture
def writers(db, clock):
    return Writers(db, clock)


def test_items_waiting_for_the_turn_are_written_together(writers, db):
    ids = [f"E{n}" for n in range(10)]
    writers.queue_behind_a_held_turn(*ids)
    assert writers.errors == {}
    assert stored(db) == {"hold", *ids}
    assert len(writers.batches) == 2 and sorted(writers.batches[1]) == sorted(ids)


def test_a_failing_item_fails_alone(writers, db):
    ids = [f"E{n}" for n in range(5)]
    writers.queue_behind_a_held_turn(*ids, "bad")
    assert list(writers.errors) == ["bad"]
    assert isinstance(writers.errors["bad"], ValueError)
    assert stored(db) == {"hold", *ids}


def test_an_unavailable_database_fails_the_whole_batch_at_once(writers, db):
    writers.queue_behind_a_held_turn("gone", "E1", "E2")
    assert writers.errors == {"gone": GONE, "E1": GONE, "E2": GONE}
    assert len(writers.batches) == 2  # the held one, then the batch once: none tried alone
    with db.transaction() as session:
        count = session.scalar(select(func.count()).select_from(ProcessedEvent))
    assert count == 1  # "hold"
