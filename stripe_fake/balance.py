"""The platform's available balance, which transfers draw on."""

from __future__ import annotations

from stripe_fake import disputes
from stripe_fake.errors import StripeFakeError
from stripe_fake.store import Store


def available_balance(store: Store, currency: str) -> int:
    """Captured − refunds − transfers (net of reversals) − disputes + harness top-ups.

    Refunds count while pending or succeeded (a failed one is back). Disputes count as
    their balance transactions say: the amount and the fee withdrawn, less any
    reinstatement, whatever the dispute's status. Stripe's processing fees and pending
    periods are not modelled: captured money is available at once, and the balance may
    go below zero (a dispute on money already paid out).
    """
    captured = sum(c["amount_captured"] for c in store.all("charge") if c["currency"] == currency)
    refunded = sum(
        r["amount"]
        for r in store.all("refund")
        if r["currency"] == currency and r["status"] in ("pending", "succeeded")
    )
    transferred = sum(
        t["amount"] - t["amount_reversed"]
        for t in store.all("transfer")
        if t["currency"] == currency
    )
    held = disputes.withdrawn(store, currency)
    return int(captured - refunded - transferred - held + store.extra_balance.get(currency, 0))


def require_balance(store: Store, amount: int, currency: str) -> None:
    """A 400 ``balance_insufficient`` when the platform cannot fund `amount`."""
    available = available_balance(store, currency)
    if amount > available:
        raise StripeFakeError(
            400,
            "You have insufficient available funds in your Stripe account "
            f"({available} {currency} available, {amount} requested).",
            code="balance_insufficient",
        )
