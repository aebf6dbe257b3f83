"""Cutting off a database that stopped answering.

libpq waits on its socket for as long as the server takes, so a PostgreSQL that accepts
connections and then answers nothing (a stalled host or proxy, a full disk) would hold every
thread that asked it something, Slack's 3-second acknowledgements included. The watchdog
gives each connection checked out of the pool a deadline and, past it, shuts the connection's
socket: the waiting thread gets an error at once, its transaction is rolled back by the
server, and the pool drops the connection.
"""

import logging
import os
import socket
import threading
import time

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)


class Watchdog:
    def __init__(self, engine: Engine, seconds: float, poll_seconds: float = 0.05):
        self.seconds, self.poll_seconds = seconds, poll_seconds
        self._held: dict[int, tuple[float, object]] = {}  # id -> (deadline, connection)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        event.listen(engine, "checkout", self._checked_out)
        event.listen(engine, "checkin", self._checked_in)
        threading.Thread(target=self._watch, name="database-watchdog", daemon=True).start()

    def stop(self) -> None:
        self._stopping.set()

    def _checked_out(self, dbapi_connection, _record, _proxy) -> None:
        with self._lock:
            self._held[id(dbapi_connection)] = (time.monotonic() + self.seconds, dbapi_connection)

    def _checked_in(self, dbapi_connection, _record) -> None:
        with self._lock:
            self._held.pop(id(dbapi_connection), None)

    def _watch(self) -> None:
        while not self._stopping.wait(self.poll_seconds):
            now = time.monotonic()
            with self._lock:
                late = [key for key, (deadline, _) in self._held.items() if deadline < now]
                connections = [self._held.pop(key)[1] for key in late]
            for connection in connections:
                self._cut(connection)

    def _cut(self, connection) -> None:
        log.warning("the database did not answer within %s s: cutting its connection", self.seconds)
        try:
            with socket.socket(fileno=os.dup(connection.pgconn.socket)) as dup:
                dup.shutdown(socket.SHUT_RDWR)  # shuts the one connection both fds share
        except Exception as error:  # closed meanwhile: nothing is waiting on it any more
            log.debug("the late connection was already closed: %r", error)
