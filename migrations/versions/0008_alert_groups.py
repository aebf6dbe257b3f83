"""alert groups, and outbox streams that are not an incident's

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("state = 'pending'")


def upgrade() -> None:
    op.create_table(
        "alert_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("group_key", sa.Text(), nullable=False),
        sa.Column("open_key", sa.String(length=64), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("service", sa.String(length=63), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("alerts", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("prompt_channel", sa.String(length=32), nullable=True),
        sa.Column("prompt_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_alert_groups_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_groups")),
        sa.UniqueConstraint("open_key", name=op.f("uq_alert_groups_open_key")),
    )
    op.create_index("ix_alert_groups_incident_id", "alert_groups", ["incident_id"])
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("stream", sa.String(length=40), nullable=True))
    op.execute("UPDATE outbox SET stream = 'incident-' || incident_id")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.alter_column("stream", existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column("incident_id", existing_type=sa.Integer(), nullable=True)
        batch_op.drop_index("ix_outbox_stream", sqlite_where=PENDING, postgresql_where=PENDING)
        batch_op.create_index(
            "ix_outbox_stream",
            ["stream", "destination", "id"],
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE incident_id IS NULL")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_stream", sqlite_where=PENDING, postgresql_where=PENDING)
        batch_op.create_index(
            "ix_outbox_stream",
            ["incident_id", "destination", "id"],
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )
        batch_op.alter_column("incident_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("stream")
    op.drop_index("ix_alert_groups_incident_id", table_name="alert_groups")
    op.drop_table("alert_groups")
