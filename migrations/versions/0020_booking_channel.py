"""booking channel: the channel each booking was made in (issue 17)

A guild with no usable sessions channel, where the bot may not create
`#tutoring-sessions`, gets the session thread in the channel the booking was made in.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the booking_channel table."""
    op.create_table(
        "booking_channel",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_booking_channel_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_booking_channel")),
    )


def downgrade() -> None:
    """Drop the booking_channel table."""
    op.drop_table("booking_channel")
