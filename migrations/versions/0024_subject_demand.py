"""subject demand: searches per subject and day, for the weekly report (issue 16 item 2)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-08 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create subject_demand."""
    op.create_table(
        "subject_demand",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_key", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("unmet", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guild_id"], ["guild.id"], name=op.f("fk_subject_demand_guild_id_guild"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("guild_id", "subject_key", "day", name=op.f("pk_subject_demand")),
    )


def downgrade() -> None:
    """Drop subject_demand."""
    op.drop_table("subject_demand")
