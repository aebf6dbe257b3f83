"""when postmortems are published, drills, and indexes for the dashboard

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 16:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch_op:
        batch_op.add_column(
            sa.Column("postmortem_published_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("is_drill", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index("ix_incidents_declared_at", "incidents", ["declared_at"])
    op.create_index(
        "ix_action_items_incident_status_due", "action_items", ["incident_id", "status", "due_on"]
    )


def downgrade() -> None:
    op.drop_index("ix_action_items_incident_status_due", table_name="action_items")
    op.drop_index("ix_incidents_declared_at", table_name="incidents")
    with op.batch_alter_table("incidents") as batch_op:
        batch_op.drop_column("is_drill")
        batch_op.drop_column("postmortem_published_at")
