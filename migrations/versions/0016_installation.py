"""installation: a per-installation prefix for Stripe idempotency keys, and transfers capability

Two deployments on one Stripe account must never send the same idempotency key, so each
installation generates a random prefix once and keeps it in the one-row `installation`
table (created at first use). `payout_account.transfers_active` records whether the
account's ``transfers`` capability is active: Stripe gates transfers on it, not on
``payouts_enabled``. Existing accounts start from their `payouts_enabled` (Stripe's
onboarding turns both on together); the next ``account.updated`` corrects it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = marketplace.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "installation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_prefix", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installation")),
    )
    with op.batch_alter_table("payout_account") as batch:
        batch.add_column(
            sa.Column("transfers_active", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE payout_account SET transfers_active = payouts_enabled")


def downgrade() -> None:
    with op.batch_alter_table("payout_account") as batch:
        batch.drop_column("transfers_active")
    op.drop_table("installation")
