"""review counters: each tutor's visible reviews as a tutor, and their stars added up

`tutor_profile.review_count` and `tutor_profile.review_star_sum` hold the rating search
orders on (`marketplace.domain.ranking`), so the candidate query can rank by rating in
SQL. The upgrade fills them in from the reviews already written: the visible ones whose
reviewee is their booking's tutor (what tutors said of a student never counts).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The visible reviews of one profile's user as a tutor (ix_review_guild_reviewee_status).
OF_TUTOR = """
    FROM review r JOIN booking b ON b.id = r.booking_id
    WHERE r.guild_id = tutor_profile.guild_id AND r.reviewee_id = tutor_profile.user_id
      AND r.status = 'visible' AND b.tutor_id = tutor_profile.user_id
"""

BACKFILL = f"""
UPDATE tutor_profile SET
  review_count = (SELECT count(*) {OF_TUTOR}),
  review_star_sum = (SELECT coalesce(sum(r.stars), 0) {OF_TUTOR})
"""  # noqa: S608 - constant SQL, no input


def upgrade() -> None:
    with op.batch_alter_table("tutor_profile") as batch_op:
        batch_op.add_column(
            sa.Column("review_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("review_star_sum", sa.Integer(), server_default="0", nullable=False)
        )
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("tutor_profile") as batch_op:
        batch_op.drop_column("review_star_sum")
        batch_op.drop_column("review_count")
