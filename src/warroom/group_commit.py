"""Group commit: many threads' small writes, committed together in one transaction.

In a busy incident every worker thread holds one Slack event that needs one INSERT. Taking
turns costs each event a whole transaction (and, on SQLite, a place in the queue behind the
one writer). Instead, the thread whose turn it is runs every write waiting at that moment in
one transaction; the other threads find theirs done. A write is reported done only once its
transaction has committed, so acknowledging an event still means it is stored.
"""

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from warroom.db import Database

T = TypeVar("T")
Job = tuple[Callable[[Session], object], Future]

# The database itself failed (unreachable, locked, shutting down): every write would fail
# alike, so a batch fails as a whole. Any other failure belongs to one write.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class GroupCommit:
    def __init__(self, db: Database):
        self._db = db
        self._waiting: deque[Job] = deque()
        self._turn = threading.Lock()

    def run(self, write: Callable[[Session], T]) -> T:
        """Run `write` in a transaction shared with other threads' writes; its result once
        committed, or the exception it (or the commit) raised."""
        done: Future = Future()
        self._waiting.append((write, done))
        while not done.done():
            with self._turn:
                if not done.done():
                    self._commit(self._take_waiting())
        return done.result()

    def _take_waiting(self) -> list[Job]:
        batch = []
        while self._waiting:
            batch.append(self._waiting.popleft())
        return batch

    def _commit(self, batch: list[Job]) -> None:
        try:
            with self._db.transaction() as session:
                results = [write(session) for write, _ in batch]
        except Exception as error:
            if len(batch) > 1 and not isinstance(error, DATABASE_UNAVAILABLE):
                # One write failed and undid the others: each again, alone, so it fails alone.
                for job in batch:
                    self._commit([job])
                return
            for _, done in batch:
                done.set_exception(error)
            return
        for (_, done), result in zip(batch, results, strict=True):
            done.set_result(result)
