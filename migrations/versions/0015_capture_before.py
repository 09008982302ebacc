"""capture before: the card authorization's deadline, as Stripe reports it

`payment.capture_before` is the charge's ``payment_method_details.card.capture_before``:
the money jobs keep trying to capture until then, even while Stripe cannot be reached,
and a request still unanswered near it expires. Null until Stripe reports it (and for
payments taken without a hold).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = marketplace.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("payment") as batch:
        batch.add_column(sa.Column("capture_before", UTC_DATETIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payment") as batch:
        batch.drop_column("capture_before")
