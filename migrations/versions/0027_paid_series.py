"""paid series: the card-saving checkout, provider customers and saved cards (issue 15)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-08 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, marketplace.storage.types.UTCDateTime(timezone=True), nullable=False)


def _guild_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["guild_id"], ["guild.id"], name=op.f(f"fk_{table}_guild_id_guild"), ondelete="CASCADE"
    )


def upgrade() -> None:
    """Create series_card_setup, payment_customer and saved_payment_method."""
    op.create_table(
        "series_card_setup",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=255), nullable=False),
        _when("created_at"),
        sa.ForeignKeyConstraint(
            ["series_id"], ["booking_series.id"],
            name=op.f("fk_series_card_setup_series_id_booking_series"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("series_id", name=op.f("pk_series_card_setup")),
        sa.UniqueConstraint("session_id", name=op.f("uq_series_card_setup_session_id")),
    )  # fmt: skip
    op.create_table(
        "payment_customer",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        _when("created_at"),
        _guild_fk("payment_customer"),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_payment_customer")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_payment_customer_customer_id")),
    )
    op.create_table(
        "saved_payment_method",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("payment_method_id", sa.String(length=255), nullable=False),
        _when("saved_at"),
        _guild_fk("saved_payment_method"),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_saved_payment_method")),
    )


def downgrade() -> None:
    """Drop saved_payment_method, payment_customer and series_card_setup."""
    op.drop_table("saved_payment_method")
    op.drop_table("payment_customer")
    op.drop_table("series_card_setup")
