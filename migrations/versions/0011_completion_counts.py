"""completion counts: sessions each tutor held, and those that ended on them unheld

`tutor_profile.sessions_held` and `tutor_profile.sessions_dropped` feed the completion
rate in search ranking (`marketplace.domain.ranking`, "Completion rate"). The upgrade
fills them in from the bookings already recorded:

- held: bookings in state `completed` (outcome `completed` or `late_start`, and those
  completed before 0004 added the outcome);
- dropped: `no_show` bookings with outcome `tutor_no_show`, plus bookings the tutor
  cancelled that had been confirmed. A booking keeps no "was confirmed" flag; every path
  that confirms one schedules its reminders and session checks (and nothing deletes
  scheduled actions), so a tutor-cancelled booking with any of those was confirmed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The action kinds only a confirmed booking ever gets.
CONFIRMED_WORK = "'reminder', 'attendance_check', 'auto_complete'"

# Correlated counts per profile: one index range (ix_booking_tutor_block) per tutor.
BACKFILL = f"""
UPDATE tutor_profile SET
  sessions_held = (
    SELECT count(*) FROM booking b
    WHERE b.guild_id = tutor_profile.guild_id AND b.tutor_id = tutor_profile.user_id
      AND b.state = 'completed'
  ),
  sessions_dropped = (
    SELECT count(*) FROM booking b
    WHERE b.guild_id = tutor_profile.guild_id AND b.tutor_id = tutor_profile.user_id
      AND (
        (b.state = 'no_show' AND b.outcome = 'tutor_no_show')
        OR (
          b.state = 'cancelled' AND b.cancelled_by = 'tutor'
          AND EXISTS (
            SELECT 1 FROM scheduled_action a
            WHERE a.booking_id = b.id AND a.kind IN ({CONFIRMED_WORK})
          )
        )
      )
  )
"""  # noqa: S608 - constant SQL, no input


def upgrade() -> None:
    with op.batch_alter_table("tutor_profile") as batch_op:
        batch_op.add_column(
            sa.Column("sessions_held", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("sessions_dropped", sa.Integer(), server_default="0", nullable=False)
        )
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("tutor_profile") as batch_op:
        batch_op.drop_column("sessions_dropped")
        batch_op.drop_column("sessions_held")
