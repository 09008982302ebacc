"""group sessions with seats and a waitlist (issue 15 item 2)

A group session holds its tutor's time (block_start/block_end, the buffer included, while
`live`); each seat is a booking with `group_id`, whose own block is empty, so seats never
clash with each other or with their group. On PostgreSQL the tutor's time is guarded
across the two tables: groups never overlap each other (an exclusion constraint), and a
trigger on each table, holding a per-tutor transaction lock, refuses a live booking that
overlaps a live group and a live group that overlaps a live booking, as the booking
exclusion constraint does, so the booking path reports it as "slot_taken". SQLite writes
one transaction at a time (BEGIN IMMEDIATE) and the services check both tables in it.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-08 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = marketplace.storage.types.UTCDateTime(timezone=True)

# Both guards take one lock: one tutor's time in one guild, until the transaction ends.
# Each refuses a live row meeting a live row of the other table, worded as `constraint`.
_GUARD = """
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(
    hashtextextended('tutor_time:' || NEW.guild_id || ':' || NEW.tutor_id, 0)
  );
  IF EXISTS (
    SELECT 1 FROM {other} o
    WHERE o.guild_id = NEW.guild_id AND o.tutor_id = NEW.tutor_id AND o.live
      AND o.block_start < NEW.block_end AND o.block_end > NEW.block_start
  ) THEN
    RAISE EXCEPTION 'conflicting key value violates exclusion constraint "{constraint}"'
      USING ERRCODE = 'exclusion_violation';
  END IF;
  RETURN NEW;
END $$;
"""
_BOOKING_GUARD = _GUARD.format(
    name="booking_tutor_time_guard", other="group_session", constraint="ex_booking_tutor_no_overlap"
)
_GROUP_GUARD = _GUARD.format(
    name="group_tutor_time_guard", other="booking", constraint="ex_group_tutor_no_overlap"
)


def upgrade() -> None:
    """Create group_session and group_waitlist; give bookings their group."""
    op.create_table(
        "group_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("tutor_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_key", sa.String(length=80), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=True),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("start_at", _TIME, nullable=False),
        sa.Column("end_at", _TIME, nullable=False),
        sa.Column("block_start", _TIME, nullable=False),
        sa.Column("block_end", _TIME, nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("min_seats", sa.Integer(), nullable=False),
        sa.Column("price_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("cancelled_at", _TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["guild_id"], ["guild.id"], name=op.f("fk_group_session_guild_id_guild"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_session")),
    )  # fmt: skip
    op.create_index("ix_group_session_open", "group_session", ["guild_id", "state", "start_at"])
    op.create_index(
        "ix_group_session_tutor_live",
        "group_session",
        ["guild_id", "tutor_id", "block_end", "block_start"],
        sqlite_where=sa.text("live IS 1"),
        postgresql_where=sa.text("live IS true"),
    )
    op.create_table(
        "group_waitlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("joined_at", _TIME, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("offered_until", _TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["group_session.id"],
            name=op.f("fk_group_waitlist_group_id_group_session"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_waitlist")),
        sa.UniqueConstraint("group_id", "user_id", name="uq_group_waitlist_member"),
    )  # fmt: skip
    op.create_index(
        "ix_group_waitlist_line", "group_waitlist", ["group_id", "state", "joined_at", "id"]
    )
    op.add_column("booking", sa.Column("group_id", sa.Integer(), nullable=True))
    op.create_index("ix_booking_group", "booking", ["group_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE group_session ADD CONSTRAINT ex_group_tutor_no_overlap "
            "EXCLUDE USING gist (guild_id WITH =, tutor_id WITH =, "
            "tstzrange(block_start, block_end, '[)') WITH &&) WHERE (live)"
        )
        op.execute(_BOOKING_GUARD)
        op.execute(_GROUP_GUARD)
        op.execute(
            "CREATE TRIGGER tr_booking_tutor_time BEFORE INSERT OR UPDATE OF block_start, "
            "block_end, live ON booking FOR EACH ROW "
            "WHEN (NEW.live AND NEW.block_end > NEW.block_start) "
            "EXECUTE FUNCTION booking_tutor_time_guard()"
        )
        op.execute(
            "CREATE TRIGGER tr_group_tutor_time BEFORE INSERT OR UPDATE OF block_start, "
            "block_end, live ON group_session FOR EACH ROW WHEN (NEW.live) "
            "EXECUTE FUNCTION group_tutor_time_guard()"
        )


def downgrade() -> None:
    """Drop the groups, their waitlists and the bookings' group."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS tr_booking_tutor_time ON booking")
        op.execute("DROP FUNCTION IF EXISTS booking_tutor_time_guard()")
        op.execute("DROP TRIGGER IF EXISTS tr_group_tutor_time ON group_session")
        op.execute("DROP FUNCTION IF EXISTS group_tutor_time_guard()")
    # In place (SQLite 3.35+ and PostgreSQL): a batch copy of `booking` would drop the
    # table, and SQLite's foreign keys would cascade that to every row that refers to it.
    op.drop_index("ix_booking_group", table_name="booking")
    op.execute("ALTER TABLE booking DROP COLUMN group_id")
    op.drop_table("group_waitlist")
    op.drop_table("group_session")
