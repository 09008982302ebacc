"""referral credits (issue 16 item 4): who brought whom, credit balances, credit on payments

`referral` records who brought a member (one per member and guild: the first named
stays), its state and the credit granted for it. `referral_credit` is a member's unused
credit per guild and currency (never negative; `owed` is credit withdrawn after it was
spent). `payment` gets the credit taken off its fee (`credit_minor`; `fee_minor` and
`total_minor` are after it), what of it was given back (`credit_restored`) and what paid
its part of the fee at the payout (`credited`, a ledger term). Existing payments used no
credit, so their new columns are 0.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-08 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAYMENT_TERMS = ("credit_minor", "credit_restored", "credited")


def upgrade() -> None:
    """Create referral and referral_credit; add the credit columns to payment."""
    with op.batch_alter_table("payment") as batch:
        for name in PAYMENT_TERMS:
            batch.add_column(
                sa.Column(name, sa.BigInteger(), nullable=False, server_default=sa.text("0"))
            )
    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("referrer_id", sa.BigInteger(), nullable=False),
        sa.Column("referred_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("credit_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column(
            "created_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "earned_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "decided_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_referral_booking_id_booking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["guild_id"], ["guild.id"], name=op.f("fk_referral_guild_id_guild"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("guild_id", "referred_id", name="uq_referral_guild_referred"),
    )
    with op.batch_alter_table("referral") as batch:
        batch.create_index(
            "ix_referral_guild_referrer", ["guild_id", "referrer_id", "created_at"], unique=False
        )
        batch.create_index("ix_referral_booking", ["booking_id"], unique=False)
    op.create_table(
        "referral_credit",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("owed_minor", sa.BigInteger(), nullable=False),
        sa.Column(
            "updated_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "balance_minor >= 0", name=op.f("ck_referral_credit_balance_not_negative")
        ),
        sa.CheckConstraint("owed_minor >= 0", name=op.f("ck_referral_credit_owed_not_negative")),
        sa.ForeignKeyConstraint(
            ["guild_id"], ["guild.id"], name=op.f("fk_referral_credit_guild_id_guild"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("guild_id", "user_id", "currency", name=op.f("pk_referral_credit")),
    )


def downgrade() -> None:
    """Drop the referral tables and the payment's credit columns."""
    op.drop_table("referral_credit")
    op.drop_table("referral")
    with op.batch_alter_table("payment") as batch:
        for name in reversed(PAYMENT_TERMS):
            batch.drop_column(name)
