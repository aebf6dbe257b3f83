"""The engine, sessions, and bringing the schema to the head migration."""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from warroom.store.watchdog import Watchdog

log = logging.getLogger(__name__)


def package_folder(package: str) -> Path:
    """Where a package's files are on disk (installed, or in the repository when editable)."""
    return Path(str(files(package)))


# How long the bot gives a transaction before it cuts it off (see `watchdog`), and how long
# it waits for a free connection: together well inside Slack's 3 seconds.
ANSWER_WITHIN = 2.0
POOL_WAIT = 0.5
CONNECT_TIMEOUT = 2  # seconds; libpq's smallest
# TCP keepalives find a peer that vanished (a partition) within about 25 s.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5}


def make_engine(url: str, answer_within: float | None = None) -> Engine:
    """`answer_within`: on PostgreSQL, the server gives up on a statement or a lock wait
    after as long, and a client that vanished mid-transaction loses it after a minute."""
    # A failed statement's error message would otherwise carry its parameters - what people
    # wrote, private incidents included - into logs and tracebacks.
    private = {"hide_parameters": True}
    if url.startswith("sqlite"):
        # Threads share the file. Every transaction takes the write lock up front
        # (BEGIN IMMEDIATE), so concurrent writers queue behind the busy timeout instead of
        # failing half-way when a read turns into a write.
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **private
        )
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(
            engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE")
        )
        return engine
    connect_args = {"connect_timeout": CONNECT_TIMEOUT, **KEEPALIVES, "keepalives_count": 3}
    if answer_within is None:
        return create_engine(
            url, pool_size=10, max_overflow=20, connect_args=connect_args, **private
        )
    milliseconds = int(answer_within * 1000)
    connect_args["options"] = (
        f"-c statement_timeout={milliseconds} -c lock_timeout={milliseconds} "
        "-c idle_in_transaction_session_timeout=60000"
    )
    return create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_timeout=POOL_WAIT,
        connect_args=connect_args,
        **private,
    )


def _tune_sqlite(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN IMMEDIATE start transactions
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """One engine and its session factory; `transaction()` commits or rolls back.

    With `answer_within` (the bot sets it), no transaction waits longer than that for a
    PostgreSQL that stopped answering: its connection is cut, and the caller gets an error
    to answer in words, or to refuse an event so that Slack sends it again.
    """

    def __init__(self, url: str, answer_within: float | None = None):
        self.url = url
        self.engine = make_engine(url, answer_within)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        postgres = self.engine.dialect.name == "postgresql"
        self._autocommit = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT") if postgres else None
        )
        self._watchdog = (
            Watchdog(self.engine, answer_within) if answer_within and postgres else None
        )
        # SQLite has one writer at a time. Queueing this process's threads on a lock is
        # fair and immediate, where SQLite's own busy handler backs off in growing sleeps.
        self._one_at_a_time = threading.Lock() if url.startswith("sqlite") else nullcontext()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._one_at_a_time, self._sessions.begin() as session:
            yield session

    @contextmanager
    def one_statement(self) -> Iterator[Connection]:
        """A plain connection for a single statement, which is atomic by itself: none of
        the ORM's bookkeeping, and on PostgreSQL no BEGIN and COMMIT around it (autocommit),
        one round trip where a transaction takes three."""
        if self._autocommit is None:
            with self._one_at_a_time, self.engine.begin() as connection:
                yield connection
            return
        with self._autocommit.connect() as connection:
            yield connection

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        if self._watchdog is not None:
            self._watchdog.stop()
        self.engine.dispose()


def insert_unless_present(session: Session, model, **values) -> bool:
    """INSERT that quietly does nothing when a unique key already exists; True if inserted.

    This is what makes re-delivered Slack events harmless, on both databases.
    """
    key = tuple(column.name for column in model.__table__.primary_key.columns)
    # RETURNING, not rowcount: psycopg reports -1 rows for this statement.
    return (
        session.execute(_insert_skipping_existing(session, model, key), values).first() is not None
    )


def insert_new(
    executor: Session | Connection, model, rows: list[dict], returning: tuple[str, ...]
) -> list:
    """Insert many rows in one statement, skipping those whose unique key already exists;
    the `returning` columns of the rows inserted."""
    return executor.execute(_insert_skipping_existing(executor, model, returning), rows).all()


def _insert_skipping_existing(executor: Session | Connection, model, returning: tuple[str, ...]):
    dialect = executor.dialect if isinstance(executor, Connection) else executor.get_bind().dialect
    return _insert_statement(dialect.name, model.__table__, returning)


@cache
def _insert_statement(dialect_name: str, table, returning: tuple[str, ...]):
    """Built once per table: this runs for every Slack event, where building and caching the
    statement anew was a fifth of the work."""
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[dialect_name]
    columns = [table.c[name] for name in returning]
    return dialect.insert(table).on_conflict_do_nothing().returning(*columns)


def alembic_config(url: str) -> Config:
    """Alembic pointed at the migrations inside the package, wherever it is installed."""
    config = Config()
    config.set_main_option("script_location", str(package_folder("warroom.migrations")))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


# The advisory lock replicas take turns migrating under: any number, warroom's own.
MIGRATION_LOCK = 0x7761_7272  # "warr"
MIGRATION_TURN_POLL = 0.5  # seconds between asks for it


def migrate(url: str) -> None:
    """Upgrade the database at `url` to the head migration. On PostgreSQL replicas that
    start together take turns, so the second finds the work done: side by side, their DDL
    collides, and a CREATE INDEX CONCURRENTLY waits for ever on the other's transaction.
    A replica waiting its turn asks again and again rather than wait in one statement,
    which such a build would wait for in turn."""
    if not url.startswith("postgresql"):
        command.upgrade(alembic_config(url), "head")
        return
    reaching = {"connect_timeout": CONNECT_TIMEOUT, **KEEPALIVES}
    engine = create_engine(
        url, isolation_level="AUTOCOMMIT", poolclass=NullPool, connect_args=reaching
    )
    try:
        with engine.connect() as turn:
            _wait_for_turn(turn)
            try:
                command.upgrade(alembic_config(url), "head")
            finally:
                turn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
    finally:
        engine.dispose()


def _wait_for_turn(turn: Connection) -> None:
    """Take the migration lock, once (PostgreSQL counts each take, to be released as many
    times), saying so if another replica holds it."""
    taking = text("SELECT pg_try_advisory_lock(:key)")
    if turn.scalar(taking, {"key": MIGRATION_LOCK}):
        return
    log.info("another warroom is migrating the database: waiting for it to finish")
    while not turn.scalar(taking, {"key": MIGRATION_LOCK}):
        time.sleep(MIGRATION_TURN_POLL)
