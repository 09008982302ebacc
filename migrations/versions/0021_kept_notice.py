"""kept notice: notices no DM or channel could carry (issue 17)

A member with closed DMs who can see no channel the bot can post in gets the notice
the next time they interact with the bot; admins can list what is waiting.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 17:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the kept_notice table."""
    op.create_table(
        "kept_notice",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("counterpart_id", sa.BigInteger(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("kept_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_kept_notice_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_kept_notice")),
    )
    op.create_index("ix_kept_notice_user", "kept_notice", ["user_id"], unique=False)


def downgrade() -> None:
    """Drop the kept_notice table."""
    op.drop_index("ix_kept_notice_user", table_name="kept_notice")
    op.drop_table("kept_notice")
