"""session outcome; payouts live in payout_account only

The booking gets `outcome` (completed, late start, no-show). `tutor_profile.payouts_enabled`
goes: whether a tutor can be paid is the payout account's, re-read from Stripe.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("booking") as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=24), nullable=True))
    with op.batch_alter_table("tutor_profile") as batch_op:
        batch_op.drop_column("payouts_enabled")


def downgrade() -> None:
    with op.batch_alter_table("tutor_profile") as batch_op:
        batch_op.add_column(
            sa.Column("payouts_enabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("booking") as batch_op:
        batch_op.drop_column("outcome")
