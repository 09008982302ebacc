"""moderation cases: member reports and how moderators closed them

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = marketplace.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "moderation_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("reporter_id", sa.BigInteger(), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("resolved_by", sa.BigInteger(), nullable=True),
        sa.Column("resolved_at", UTC_DATETIME, nullable=True),
        sa.Column("action", sa.String(length=24), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_moderation_case_booking_id_booking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["guild_id"],
            ["guild.id"],
            name=op.f("fk_moderation_case_guild_id_guild"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_case")),
    )
    with op.batch_alter_table("moderation_case") as batch_op:
        batch_op.create_index(
            "ix_moderation_case_guild_status", ["guild_id", "status", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_moderation_case_guild_target", ["guild_id", "target_id"], unique=False
        )
        batch_op.create_index(
            "ix_moderation_case_guild_reporter",
            ["guild_id", "reporter_id", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("moderation_case") as batch_op:
        batch_op.drop_index("ix_moderation_case_guild_reporter")
        batch_op.drop_index("ix_moderation_case_guild_target")
        batch_op.drop_index("ix_moderation_case_guild_status")
    op.drop_table("moderation_case")
