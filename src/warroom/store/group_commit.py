"""Group commit: many threads' small writes, committed together in one statement.

In a busy incident every worker thread holds one Slack message to record. Taking turns costs
each message a transaction of its own (and, on SQLite, a place in the queue behind the one
writer). Instead, the thread whose turn it is writes every item waiting at that moment with
one `write_many` call, which must make a single statement of them: atomic by itself, it
needs no transaction around it (`Database.one_statement`). The other threads find theirs
done. An item is reported written only once its statement has committed, so acknowledging an
event still means it is stored.
"""

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import InterfaceError, OperationalError

from warroom.store.db import Database

Item = TypeVar("Item")

# The database itself failed (unreachable, locked, shutting down): every write would fail
# alike, so a batch fails as a whole. Any other failure belongs to one item.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class GroupCommit(Generic[Item]):
    def __init__(self, db: Database, write_many: Callable[[Connection, list[Item]], None]):
        self._db = db
        self._write_many = write_many
        self._waiting: deque[tuple[Item, Future]] = deque()
        self._turn = threading.Lock()

    def write(self, item: Item) -> None:
        """Write `item` together with the other threads' waiting items; returns once it is
        committed, or raises what writing it (or the commit) raised."""
        done: Future = Future()
        self._waiting.append((item, done))
        while not done.done():
            with self._turn:
                if not done.done():
                    self._commit(self._take_waiting())
        done.result()

    def _take_waiting(self) -> list[tuple[Item, Future]]:
        batch = []
        while self._waiting:
            batch.append(self._waiting.popleft())
        return batch

    def _commit(self, batch: list[tuple[Item, Future]]) -> None:
        try:
            with self._db.one_statement() as connection:
                self._write_many(connection, [item for item, _ in batch])
        except Exception as error:
            if len(batch) > 1 and not isinstance(error, DATABASE_UNAVAILABLE):
                # One item failed the statement: each again, alone, so it fails alone.
                for waiting in batch:
                    self._commit([waiting])
                return
            for _, done in batch:
                done.set_exception(error)
            return
        for _, done in batch:
            done.set_result(None)
