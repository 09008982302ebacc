"""card disputes and failed refunds: where a chargeback's money went, and who decided

`card_dispute` keeps each card dispute of a payment as Stripe last reported it (with the
evidence draft and any transfer reversal); `refund_failure` keeps each refund Stripe
reported failed until a moderator decides. The payment grows the ledger's new terms:
what was charged back, dispute fees, payouts reversed, what the platform covered from its
own funds, refunds that failed after being recorded, and refunds given outside Stripe.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = marketplace.storage.types.UTCDateTime(timezone=True)
PAYMENT_TERMS = (
    "charged_back",
    "dispute_fees",
    "reversed",
    "covered",
    "refunds_failed",
    "refunded_elsewhere",
)


def upgrade() -> None:
    with op.batch_alter_table("payment") as batch:
        for name in PAYMENT_TERMS:
            batch.add_column(
                sa.Column(name, sa.BigInteger(), nullable=False, server_default=sa.text("0"))
            )
    op.create_table(
        "card_dispute",
        sa.Column("dispute_id", sa.String(length=255), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("due_by", UTC_DATETIME, nullable=True),
        sa.Column("withdrawn", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("submitted_by", sa.BigInteger(), nullable=True),
        sa.Column("reversal_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_card_dispute_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dispute_id", name=op.f("pk_card_dispute")),
    )  # fmt: skip
    op.create_index("ix_card_dispute_guild_status", "card_dispute", ["guild_id", "status"])
    op.create_table(
        "refund_failure",
        sa.Column("refund_id", sa.String(length=255), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_refund_failure_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("refund_id", name=op.f("pk_refund_failure")),
    )  # fmt: skip
    op.create_index("ix_refund_failure_guild_state", "refund_failure", ["guild_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_refund_failure_guild_state", table_name="refund_failure")
    op.drop_table("refund_failure")
    op.drop_index("ix_card_dispute_guild_status", table_name="card_dispute")
    op.drop_table("card_dispute")
    with op.batch_alter_table("payment") as batch:
        for name in reversed(PAYMENT_TERMS):
            batch.drop_column(name)
