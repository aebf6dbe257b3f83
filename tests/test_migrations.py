from alembic import command
from sqlalchemy import inspect

from warroom.store.db import alembic_config


def test_models_and_migrations_agree(database_url):
    """`alembic check`: fails when a model changed without a migration."""
    command.check(alembic_config(database_url))


def test_migrations_create_every_table(db):
    tables = set(inspect(db.engine).get_table_names())
    assert {"incidents", "role_assignments", "timeline_entries", "processed_events"} <= tables
