"""session notes: a student and tutor's shared goals and progress notes; tutors' templates

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = marketplace.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "note_goals",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("student_id", sa.BigInteger(), nullable=False),
        sa.Column("tutor_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["guild_id"],
            ["guild.id"],
            name=op.f("fk_note_goals_guild_id_guild"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("guild_id", "student_id", "tutor_id", name=op.f("pk_note_goals")),
    )
    op.create_table(
        "progress_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("student_id", sa.BigInteger(), nullable=False),
        sa.Column("tutor_id", sa.BigInteger(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_progress_note_booking_id_booking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["guild_id"],
            ["guild.id"],
            name=op.f("fk_progress_note_guild_id_guild"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_note")),
    )
    with op.batch_alter_table("progress_note") as batch_op:
        batch_op.create_index(
            "ix_progress_note_pair",
            ["guild_id", "student_id", "tutor_id", "created_at"],
            unique=False,
        )
    op.create_table(
        "note_template",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("tutor_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_key", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["guild_id", "tutor_id"],
            ["tutor_profile.guild_id", "tutor_profile.user_id"],
            name=op.f("fk_note_template_guild_id_tutor_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "guild_id", "tutor_id", "subject_key", name=op.f("pk_note_template")
        ),
    )


def downgrade() -> None:
    op.drop_table("note_template")
    with op.batch_alter_table("progress_note") as batch_op:
        batch_op.drop_index("ix_progress_note_pair")
    op.drop_table("progress_note")
    op.drop_table("note_goals")
