"""weekly series: one request for several weekly bookings (issue 15 item 1)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 23:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create booking_series and series_booking."""
    op.create_table(
        "booking_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("student_id", sa.BigInteger(), nullable=False),
        sa.Column("tutor_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_key", sa.String(length=80), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["guild_id"], ["guild.id"], name=op.f("fk_booking_series_guild_id_guild"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_series")),
    )
    op.create_table(
        "series_booking",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("week_index", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_series_booking_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["booking_series.id"],
            name=op.f("fk_series_booking_series_id_booking_series"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_series_booking")),
    )
    op.create_index(
        "ix_series_booking_series", "series_booking", ["series_id", "week_index"], unique=False
    )


def downgrade() -> None:
    """Drop series_booking and booking_series."""
    op.drop_table("series_booking")
    op.drop_table("booking_series")
