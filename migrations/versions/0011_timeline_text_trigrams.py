"""on PostgreSQL, a trigram index on timeline messages, for the dashboard's search

A search looks for a word anywhere in a million messages (ILIKE '%word%'); without the
index PostgreSQL reads every one. pg_trgm ships with PostgreSQL and is a trusted extension
(the database's owner may create it). Where it cannot be created the search still works,
reading every message, and the log says how to add the index later (until then `warroom
doctor` reports it missing). A build that failed half way left an invalid index: it is built
again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 18:50:00

"""

import logging
from collections.abc import Sequence

from alembic import op
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_timeline_entries_text_trigrams"
CREATE_INDEX = (
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
    "ON timeline_entries USING gin (text gin_trgm_ops)"
)

log = logging.getLogger("warroom.migrations")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite reads a million messages in about 100 ms without one
    # Outside a transaction: CONCURRENTLY builds the index (seconds, on a million messages)
    # while the timeline keeps taking messages, and a refused extension aborts nothing.
    with op.get_context().autocommit_block():
        try:
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DBAPIError as error:
            log.warning(
                "The search reads every timeline message, and `warroom doctor` reports the "
                "trigram index missing: pg_trgm could not be created (%s). As a superuser: "
                "CREATE EXTENSION pg_trgm; then: %s",
                str(error.orig).strip(),
                CREATE_INDEX,
            )
            return
        # A CONCURRENTLY build that failed or was killed leaves an invalid index, which
        # IF NOT EXISTS would keep: the planner never uses one.
        # (Replicas migrate in turn, so none is building it now: `warroom.store.db.migrate`.)
        valid = op.get_bind().scalar(
            text("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(:name)"),
            {"name": INDEX},
        )
        if valid is False:
            op.execute(f"DROP INDEX CONCURRENTLY {INDEX}")
        op.execute(CREATE_INDEX)


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
