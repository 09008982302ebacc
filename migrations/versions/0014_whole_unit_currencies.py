"""whole-unit currencies: ISK and UGX amounts not yet sent to Stripe, ×100

Until cf96b74 the product counted ISK and UGX as zero-decimal: a rate typed as "5000"
(ISK) was stored as 5000. Stripe's API counts them two-decimal with whole units only
(5000 ISK is 500000), which the product now does too, so rows stored before read 100×
too small. The upgrade multiplies by 100 the amounts that are the product's own intended
prices, not yet sent to Stripe:

- `tutor_profile.rate_minor` of profiles in ISK or UGX;
- the money settings of guilds whose `currency` setting is ISK or UGX. At this revision
  the only one is `referral_credit_minor`; a guild that never set it had the default
  (500, meaning 500 ISK), so the upgrade stores 50000 for it. A value beyond the
  setting's bound (100000) is stored at the bound, the one case downgrade cannot restore;
- `booking.price_minor` in ISK or UGX, and the rate, fee and total of its `payment`,
  only while nothing of that booking has reached Stripe: its payment has neither a
  Checkout Session nor a PaymentIntent, and it has no ledger entry.

A booking whose amounts were sent to Stripe (a Checkout Session was created) keeps them,
with its `payment` and `ledger_entry` rows and its scheduled payouts: they record what
Stripe actually holds, in Stripe's units (5000 is 50 ISK there too), so the ledger still
balances and still matches Stripe. Amounts Stripe refused (not whole units) never got a
session, so they are rescaled like every other unsent price.

The downgrade divides the same selection by 100; a money setting that comes back to its
default is removed again (the product stores only what differs from the defaults).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeGuard

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACTOR = 100
CURRENCIES = ("ISK", "UGX")

# The guild policy's money settings at this revision: default and upper bound.
MONEY_SETTINGS: dict[str, tuple[int, int]] = {"referral_credit_minor": (500, 100_000)}

# `{by}` is "* 100" or "/ 100" (integer division on both backends). A booking and its
# payment are selected only while nothing of that booking has reached Stripe.
RESCALE = [
    "UPDATE tutor_profile SET rate_minor = rate_minor {by} WHERE currency IN ('ISK', 'UGX')",
    """
    UPDATE booking SET price_minor = price_minor {by}
    WHERE currency IN ('ISK', 'UGX') AND price_minor IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM payment p WHERE p.booking_id = booking.id
          AND (p.checkout_session_id IS NOT NULL OR p.payment_intent_id IS NOT NULL)
      )
      AND NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.booking_id = booking.id)
    """,
    """
    UPDATE payment SET
      rate_minor = rate_minor {by}, fee_minor = fee_minor {by}, total_minor = total_minor {by}
    WHERE currency IN ('ISK', 'UGX')
      AND checkout_session_id IS NULL AND payment_intent_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.booking_id = payment.booking_id)
    """,
]

GUILD = sa.table("guild", sa.column("id", sa.BigInteger()), sa.column("settings", sa.JSON()))


def _is_amount(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _scaled_up(settings: dict[str, Any]) -> dict[str, Any]:
    updated = dict(settings)
    for key, (default, bound) in MONEY_SETTINGS.items():
        value = settings.get(key, default)
        if _is_amount(value):
            updated[key] = min(value * FACTOR, bound)
    return updated


def _scaled_down(settings: dict[str, Any]) -> dict[str, Any]:
    updated = dict(settings)
    for key, (default, _bound) in MONEY_SETTINGS.items():
        value = settings.get(key)
        if not _is_amount(value):
            continue
        if value // FACTOR == default:
            del updated[key]
        else:
            updated[key] = value // FACTOR
    return updated


def _rescale_guild_settings(scale: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    connection = op.get_bind()
    for guild_id, settings in connection.execute(sa.select(GUILD.c.id, GUILD.c.settings)):
        if not isinstance(settings, dict) or settings.get("currency") not in CURRENCIES:
            continue
        updated = scale(settings)
        if updated != settings:
            connection.execute(
                sa.update(GUILD).where(GUILD.c.id == guild_id).values(settings=updated)
            )


def upgrade() -> None:
    for statement in RESCALE:
        op.execute(statement.format(by=f"* {FACTOR}"))
    _rescale_guild_settings(_scaled_up)


def downgrade() -> None:
    for statement in RESCALE:
        op.execute(statement.format(by=f"/ {FACTOR}"))
    _rescale_guild_settings(_scaled_down)
