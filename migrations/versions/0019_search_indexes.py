"""search indexes: `/find` reads indexes only (issue 13)

- `ix_tutor_subject_lookup` gains `level` and `user_id`: the subject's tutors at the
  wanted levels come from the index alone.
- `ix_tutor_profile_search` holds every profile column search filters or orders on, so
  ranking the subject's tutors never reads the wide profile rows.
- `ix_user_block_blocked`: the users who blocked the viewer, read once per search.
- `ix_availability_rule_tutor` gains the rule's UTC week range: "may be free then"
  is answered per tutor from the index.
- `ix_booking_tutor_live_end`: a tutor's live bookings by their end, partial on `live`
  (a tenth of all bookings) and carrying the times, so the busy intervals around a
  window are found without walking the tutor's whole booking history.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROFILE_SEARCH_COLUMNS = [
    "guild_id",
    "user_id",
    "status",
    "rate_minor",
    "verification",
    "penalty_until",
    "review_count",
    "review_star_sum",
    "sessions_held",
    "sessions_dropped",
    "next_slot_at",
]


def upgrade() -> None:
    op.drop_index("ix_tutor_subject_lookup", table_name="tutor_subject")
    op.create_index(
        "ix_tutor_subject_lookup",
        "tutor_subject",
        ["guild_id", "subject_key", "teaches", "level", "user_id"],
    )
    op.create_index("ix_tutor_profile_search", "tutor_profile", PROFILE_SEARCH_COLUMNS)
    op.create_index("ix_user_block_blocked", "user_block", ["guild_id", "blocked_id", "blocker_id"])
    op.drop_index("ix_availability_rule_tutor", table_name="availability_rule")
    op.create_index(
        "ix_availability_rule_tutor",
        "availability_rule",
        ["guild_id", "tutor_id", "utc_week_start", "utc_week_end"],
    )
    op.create_index(
        "ix_booking_tutor_live_end",
        "booking",
        ["guild_id", "tutor_id", "block_end", "block_start", "start_at", "end_at"],
        sqlite_where=sa.text("live IS 1"),
        postgresql_where=sa.text("live IS true"),
    )


def downgrade() -> None:
    op.drop_index("ix_booking_tutor_live_end", table_name="booking")
    op.drop_index("ix_availability_rule_tutor", table_name="availability_rule")
    op.create_index("ix_availability_rule_tutor", "availability_rule", ["guild_id", "tutor_id"])
    op.drop_index("ix_user_block_blocked", table_name="user_block")
    op.drop_index("ix_tutor_profile_search", table_name="tutor_profile")
    op.drop_index("ix_tutor_subject_lookup", table_name="tutor_subject")
    op.create_index(
        "ix_tutor_subject_lookup", "tutor_subject", ["guild_id", "subject_key", "teaches"]
    )
