import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, make_url, text

from tests.conftest import POSTGRES_URL
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
    finally:
        with admin.connect() as connection:
            _drop(connection)
        admin.dispose()


def _drop(connection) -> None:
    connection.execute(text("DROP DATABASE IF EXISTS warroom_no_trgm WITH (FORCE)"))
    connection.execute(text("DROP ROLE IF EXISTS warroom_plain"))
