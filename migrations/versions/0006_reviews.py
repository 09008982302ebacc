"""reviews: a student's stars, ratings and text on a completed booking, and one reply

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = marketplace.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.BigInteger(), nullable=False),
        sa.Column("reviewee_id", sa.BigInteger(), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("explained_clearly", sa.Boolean(), nullable=False),
        sa.Column("helped_understand", sa.Boolean(), nullable=False),
        sa.Column("would_book_again", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("edited_at", UTC_DATETIME, nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("replied_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_review_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["guild_id"],
            ["guild.id"],
            name=op.f("fk_review_guild_id_guild"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
        sa.UniqueConstraint("booking_id", "reviewer_id", name="uq_review_booking_reviewer"),
    )
    with op.batch_alter_table("review") as batch_op:
        batch_op.create_index(
            "ix_review_guild_reviewee_status", ["guild_id", "reviewee_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_review_guild_status", ["guild_id", "status", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("review") as batch_op:
        batch_op.drop_index("ix_review_guild_status")
        batch_op.drop_index("ix_review_guild_reviewee_status")
    op.drop_table("review")
