"""Balance transactions: how each movement of money shows in the platform's balance.

Stripe's ``balance_transaction`` object: ``amount`` (signed: negative takes money out),
``fee`` (what Stripe kept, with its ``fee_details``), ``net = amount - fee``, the ``type``
and the ``reporting_category`` Stripe's reports group it by, and the ``source`` object.
The fake makes them for refunds and their failures, transfers and their reversals, and
disputes (the withdrawal and the reinstatement). They are stored, so an id can be
expanded; the fake's `available_balance` is still computed from the objects themselves.
Funds are available at once (no pending period, no processing fees on charges).
"""

from __future__ import annotations

from stripe_fake.store import Obj, Store


def new_transaction(
    store: Store,
    *,
    amount: int,
    currency: str,
    kind: str,
    category: str,
    source: str,
    description: str | None = None,
    fee: int = 0,
    fee_description: str = "Stripe fee",
) -> Obj:
    """Store and return a balance transaction of `amount` (and `fee`) in `currency`."""
    fee_details = (
        [
            {
                "amount": fee,
                "application": None,
                "currency": currency,
                "description": fee_description,
                "type": "stripe_fee",
            }
        ]
        if fee
        else []
    )
    return store.create(
        "balance_transaction",
        amount=amount,
        available_on=store.now(),
        balance_type="payments",
        created=store.now(),
        currency=currency,
        description=description,
        exchange_rate=None,
        fee=fee,
        fee_details=fee_details,
        net=amount - fee,
        reporting_category=category,
        source=source,
        status="available",
        type=kind,
    )
