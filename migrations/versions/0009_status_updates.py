"""status page updates

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 11:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "status_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_status_updates_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_updates")),
    )
    op.create_index("ix_status_updates_incident_id", "status_updates", ["incident_id"])
    op.create_index("ix_status_updates_published_at", "status_updates", ["published_at"])
    with op.batch_alter_table("incidents") as batch_op:
        batch_op.add_column(
            sa.Column("public_update_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch_op:
        batch_op.drop_column("public_update_at")
    op.drop_index("ix_status_updates_published_at", table_name="status_updates")
    op.drop_index("ix_status_updates_incident_id", table_name="status_updates")
    op.drop_table("status_updates")
