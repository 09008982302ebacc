"""session spaces: each booking's private thread / voice channel and the consent times;
how a check-in was made (button or voice); open cases found by booking

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = marketplace.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "session_space",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", UTC_DATETIME, nullable=False),
        sa.Column("text_place", sa.String(length=16), nullable=False),
        sa.Column("text_id", sa.BigInteger(), nullable=True),
        sa.Column("voice_id", sa.BigInteger(), nullable=True),
        sa.Column("fallback", sa.String(length=64), nullable=False),
        sa.Column("opened_at", UTC_DATETIME, nullable=True),
        sa.Column("closed_at", UTC_DATETIME, nullable=True),
        sa.Column("student_agreed_at", UTC_DATETIME, nullable=True),
        sa.Column("tutor_agreed_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_session_space_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_session_space")),
    )
    op.create_index(
        "ix_session_space_status_claimed", "session_space", ["status", "claimed_at"], unique=False
    )
    op.create_index(
        "ix_session_space_voice", "session_space", ["guild_id", "voice_id"], unique=False
    )
    op.create_index(
        "ix_moderation_case_booking", "moderation_case", ["booking_id", "status"], unique=False
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("via", sa.String(length=8), server_default="button", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_column("via")
    op.drop_index("ix_moderation_case_booking", table_name="moderation_case")
    op.drop_index("ix_session_space_voice", table_name="session_space")
    op.drop_index("ix_session_space_status_claimed", table_name="session_space")
    op.drop_table("session_space")
