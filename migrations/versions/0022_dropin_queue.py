"""drop-in office hours and their queue (issue 15 item 3)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = marketplace.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    """Create dropin_hours, dropin_visit and dropin_help."""
    op.create_table(
        "dropin_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_key", sa.String(length=80), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("opened_by", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", _TIME, nullable=False),
        sa.Column("until", _TIME, nullable=False),
        sa.Column("closed_at", _TIME, nullable=True),
        sa.Column("tutor_ids", sa.JSON(), nullable=False),
        sa.Column("board_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guild_id"],
            ["guild.id"],
            name=op.f("fk_dropin_hours_guild_id_guild"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dropin_hours")),
    )
    op.create_index(
        "uq_dropin_hours_open",
        "dropin_hours",
        ["guild_id", "subject_key"],
        unique=True,
        sqlite_where=sa.text("closed_at IS NULL"),
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.create_table(
        "dropin_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hours_id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("student_id", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("joined_at", _TIME, nullable=False),
        sa.Column("order_at", _TIME, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("behind", sa.Boolean(), nullable=False),
        sa.Column("skips", sa.Integer(), nullable=False),
        sa.Column("tutor_id", sa.BigInteger(), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("started_at", _TIME, nullable=True),
        sa.Column("ended_at", _TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["hours_id"],
            ["dropin_hours.id"],
            name=op.f("fk_dropin_visit_hours_id_dropin_hours"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_dropin_visit_booking_id_booking"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dropin_visit")),
    )
    op.create_index(
        "ix_dropin_visit_hours_state",
        "dropin_visit",
        ["hours_id", "state", "behind", "order_at"],
        unique=False,
    )
    op.create_index(
        "ix_dropin_visit_guild_ended", "dropin_visit", ["guild_id", "ended_at"], unique=False
    )
    op.create_index(
        "uq_dropin_visit_in_queue",
        "dropin_visit",
        ["guild_id", "student_id"],
        unique=True,
        sqlite_where=sa.text("state IN ('waiting', 'helping')"),
        postgresql_where=sa.text("state IN ('waiting', 'helping')"),
    )
    op.create_table(
        "dropin_help",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_dropin_help_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["dropin_visit.id"], name=op.f("fk_dropin_help_visit_id_dropin_visit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_dropin_help")),
    )


def downgrade() -> None:
    """Drop dropin_help, dropin_visit and dropin_hours."""
    op.drop_table("dropin_help")
    op.drop_table("dropin_visit")
    op.drop_table("dropin_hours")
