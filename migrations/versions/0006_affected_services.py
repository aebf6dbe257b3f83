"""the catalog services an incident is about

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 18:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "affected_services",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=63), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_affected_services_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("incident_id", "service", name=op.f("pk_affected_services")),
    )


def downgrade() -> None:
    op.drop_table("affected_services")
