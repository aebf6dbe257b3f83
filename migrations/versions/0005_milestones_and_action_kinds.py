"""milestones of an incident; action items with a kind and an optional due date

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 17:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MILESTONES = ("impact_started_at", "detected_at", "acknowledged_at")


def upgrade() -> None:
    with op.batch_alter_table("incidents") as incidents:
        for column in MILESTONES:
            incidents.add_column(sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    # An incident was acknowledged when its first IC took it.
    op.execute(
        "UPDATE incidents SET acknowledged_at = (SELECT min(started_at) FROM role_assignments "
        "WHERE role_assignments.incident_id = incidents.id AND role_assignments.role = 'ic')"
    )
    with op.batch_alter_table("action_items") as items:
        items.add_column(sa.Column("kind", sa.String(length=16), nullable=True))
        items.alter_column("due_on", existing_type=sa.Date(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("action_items") as items:
        items.drop_column("kind")
        items.alter_column("due_on", existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table("incidents") as incidents:
        for column in MILESTONES:
            incidents.drop_column(column)
