"""Fresh, migrated databases to benchmark on: a temporary SQLite file, and PostgreSQL when
WARROOM_TEST_DATABASE_URL names one (its schema `public` is dropped and recreated)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import create_engine, text

from warroom.store.db import migrate

POSTGRES_ENV = "WARROOM_TEST_DATABASE_URL"


def backends() -> list[str]:
    """The databases this run covers, by name."""
    return ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]


@contextmanager
def fresh_database(backend: str) -> Iterator[str]:
    """The URL of an empty database at the head migration."""
    if backend == "sqlite":
        with TemporaryDirectory(prefix="warroom-bench-") as folder:
            url = f"sqlite:///{Path(folder) / 'warroom.db'}"
            migrate(url)
            yield url
        return
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        raise SystemExit(f"set {POSTGRES_ENV} to the PostgreSQL database to benchmark on")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    finally:
        engine.dispose()
    migrate(url)
    yield url
