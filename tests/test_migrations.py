import io
import threading
from contextlib import contextmanager

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, make_url, text

from tests.conftest import POSTGRES_URL
from warroom.slack.doctor import Report, check_migrations, check_search_index
from warroom.store.db import alembic_config, migrate


def test_models_and_migrations_agree(database_url):
    """`alembic check`: fails when a model changed without a migration."""
    command.check(alembic_config(database_url))


def test_migrations_create_every_table(db):
    tables = set(inspect(db.engine).get_table_names())
    assert {"incidents", "role_assignments", "timeline_entries", "processed_events"} <= tables


@pytest.mark.skipif(
    not POSTGRES_URL, reason="the trigram index is PostgreSQL's: set WARROOM_TEST_DATABASE_URL"
)
def test_without_pg_trgm_the_upgrade_completes_and_says_how_to_add_the_index(caplog):
    """A database whose owner may not create extensions still gets warroom's schema; the
    search then reads every message, and the log says what to run."""
    admin_url = make_url(POSTGRES_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    plain = admin_url.set(database="warroom_no_trgm", username="warroom_plain")
    try:
        with admin.connect() as connection:
            _drop(connection)
            connection.execute(text("CREATE ROLE warroom_plain LOGIN"))
            connection.execute(text("CREATE DATABASE warroom_no_trgm"))  # postgres owns it
        inside = create_engine(admin_url.set(database="warroom_no_trgm"))
        with inside.begin() as connection:  # tables, yes; extensions, no
            connection.execute(text("GRANT CREATE, USAGE ON SCHEMA public TO warroom_plain"))
        inside.dispose()

        migrate(plain.render_as_string(hide_password=False))

        schema = create_engine(plain)
        with schema.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0011"
            assert "ix_timeline_entries_text_trigrams" not in {
                index["name"] for index in inspect(connection).get_indexes("timeline_entries")
            }
        schema.dispose()
        assert "pg_trgm could not be created" in caplog.text
        assert "CREATE INDEX CONCURRENTLY IF NOT EXISTS" in caplog.text
        plain_url = plain.render_as_string(hide_password=False)
        command.check(alembic_config(plain_url))  # the index is optional: no difference
        [said] = doctor_says(plain_url)
        assert said.startswith("warn the search's trigram index is missing")
        assert "CREATE EXTENSION pg_trgm; then: CREATE INDEX CONCURRENTLY" in said
    finally:
        with admin.connect() as connection:
            _drop(connection)
        admin.dispose()


@pytest.mark.skipif(
    not POSTGRES_URL, reason="the trigram index is PostgreSQL's: set WARROOM_TEST_DATABASE_URL"
)
def test_an_index_left_invalid_by_a_failed_build_is_built_again():
    """CREATE INDEX CONCURRENTLY that fails leaves an invalid index, which the doctor
    reports; a migration that had failed so (its version not stamped) builds it again."""
    with fresh_database("warroom_rebuild") as url:
        migrate(url)
        inside = create_engine(url)
        with inside.begin() as connection:
            connection.execute(text(f"UPDATE pg_index SET indisvalid = false {OF_THE_INDEX}"))
        said = io.StringIO()
        check_migrations(Report(said), url)  # as `warroom doctor` checks the database
        assert "warn the search's trigram index is invalid" in said.getvalue()

        command.stamp(alembic_config(url), "0010")  # as if 0011 had failed half way
        migrate(url)

        with inside.connect() as connection:
            assert connection.scalar(text(f"SELECT indisvalid FROM pg_index {OF_THE_INDEX}"))
        inside.dispose()
        assert doctor_says(url) == ["ok   the search's trigram index is in place"]


@pytest.mark.skipif(
    not POSTGRES_URL,
    reason="replicas migrate one PostgreSQL database: set WARROOM_TEST_DATABASE_URL",
)
def test_replicas_starting_together_migrate_in_turn():
    """Side by side, two migrations' DDL collides, and the trigram index's CONCURRENTLY
    build waits for ever on the other's transaction."""
    with fresh_database("warroom_replicas") as url:
        failures = []

        def start() -> None:
            try:
                migrate(url)
            except Exception as error:  # the test says what went wrong, in the replica's words
                failures.append(error)

        replicas = [threading.Thread(target=start, daemon=True) for _ in range(2)]
        for replica in replicas:
            replica.start()
        for replica in replicas:
            replica.join(timeout=60)
        assert not any(replica.is_alive() for replica in replicas), "a migration hangs"
        assert failures == []
        assert doctor_says(url) == ["ok   the search's trigram index is in place"]


@contextmanager
def fresh_database(name: str):
    """An empty PostgreSQL database of its own, dropped afterwards (and whoever is in it)."""
    admin_url = make_url(POSTGRES_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {name}"))
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


OF_THE_INDEX = (
    "WHERE indexrelid = (SELECT oid FROM pg_class "
    "WHERE relname = 'ix_timeline_entries_text_trigrams')"
)


def doctor_says(url: str) -> list[str]:
    said = io.StringIO()
    check_search_index(Report(said), url)
    return said.getvalue().splitlines()


def _drop(connection) -> None:
    connection.execute(text("DROP DATABASE IF EXISTS warroom_no_trgm WITH (FORCE)"))
    connection.execute(text("DROP ROLE IF EXISTS warroom_plain"))
