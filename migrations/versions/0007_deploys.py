"""deploys of services, as the deploy hooks report them

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 18:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deploys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=63), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("deployed_by", sa.String(length=200), nullable=True),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deploys")),
        sa.UniqueConstraint(
            "service", "version", "deployed_at", name=op.f("uq_deploys_service_version_deployed_at")
        ),
    )
    op.create_index(
        "ix_deploys_service_deployed_at", "deploys", ["service", "deployed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_deploys_service_deployed_at", table_name="deploys")
    op.drop_table("deploys")
