"""Refunds (never more than was captured), disputes, and the platform's available balance."""

from __future__ import annotations

from stripe_fake import currencies
from stripe_fake.errors import StripeFakeError, invalid, unexpected_state
from stripe_fake.params import Params, get_int, get_metadata, get_str, reject_unmodelled
from stripe_fake.store import Obj, Store

REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
DISPUTE_REASONS = (
    "fraudulent",
    "product_not_received",
    "product_unacceptable",
    "duplicate",
    "subscription_canceled",
    "credit_not_processed",
    "general",
)
OPEN_DISPUTE = ("warning_needs_response", "needs_response", "under_review", "warning_under_review")


def refunded_of_captured(store: Store, charge: Obj) -> int:
    """What refunds have given back of the captured amount (released holds excluded)."""
    return sum(
        refund["amount"]
        for refund in store.all("refund")
        if refund["charge"] == charge["id"] and refund["status"] == "succeeded"
    )


def refundable(store: Store, charge: Obj) -> int:
    """What may still be refunded on `charge`."""
    return int(charge["amount_captured"]) - refunded_of_captured(store, charge)


def _charge_for(store: Store, params: Params) -> Obj:
    charge_id = get_str(params, "charge")
    intent_id = get_str(params, "payment_intent")
    if charge_id and intent_id:
        raise invalid("You can only pass one of `charge` or `payment_intent`.", param="charge")
    if charge_id:
        return store.get("charge", charge_id, param="charge")
    if not intent_id:
        raise invalid("One of `charge` or `payment_intent` is required.", code="parameter_missing")
    intent = store.get("payment_intent", intent_id, param="payment_intent")
    if intent["status"] == "requires_capture":
        raise unexpected_state(
            f"PaymentIntent {intent_id} has not been captured: cancel it, or capture less, "
            "to release the hold (stripe_fake refuses refunds of uncaptured payments)."
        )
    if intent["status"] != "succeeded":
        raise invalid(
            f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
            param="payment_intent",
        )
    return store.get("charge", intent["latest_charge"])


def create_refund(store: Store, params: Params) -> Obj:
    """``POST /v1/refunds`` with ``payment_intent`` or ``charge`` and an optional amount."""
    reject_unmodelled(params, ("charge", "payment_intent", "amount", "reason", "metadata"))
    charge = _charge_for(store, params)
    reason = get_str(params, "reason", choices=REFUND_REASONS)
    metadata = get_metadata(params)
    if not charge["captured"]:
        raise invalid(
            f"Charge {charge['id']} has not been captured; there is nothing to refund.",
            param="charge",
        )
    if any(d["charge"] == charge["id"] and d["status"] != "won" for d in disputes(store)):
        raise invalid(
            f"Charge {charge['id']} has been charged back; it cannot be refunded.",
            code="charge_disputed",
        )
    left = refundable(store, charge)
    if left <= 0:
        raise invalid(
            f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded"
        )
    amount = get_int(params, "amount", minimum=1)
    amount = left if amount is None else amount
    currencies.check_divisibility(amount, charge["currency"], "amount")
    if amount > left:
        raise invalid(
            f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
            param="amount",
            code="amount_too_large",
        )
    refund = store.create(
        "refund",
        amount=amount,
        charge=charge["id"],
        created=store.now(),
        currency=charge["currency"],
        metadata=metadata,
        payment_intent=charge["payment_intent"],
        reason=reason,
        status="succeeded",
    )
    before = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
    store.emit("refund.created", refund)
    store.emit("charge.refunded", charge, before)
    return refund


def disputes(store: Store) -> list[Obj]:
    """Every dispute, oldest first."""
    return store.all("dispute")


def open_dispute(store: Store, intent_id: str, reason: str, amount: int | None) -> Obj:
    """The customer's bank disputes the captured payment of `intent_id`."""
    if reason not in DISPUTE_REASONS:
        raise invalid(f"Invalid reason: must be one of {', '.join(DISPUTE_REASONS)}")
    intent = store.get("payment_intent", intent_id)
    charge = store.get("charge", intent["latest_charge"] or "", param="payment_intent")
    if not charge["captured"]:
        raise invalid(f"Charge {charge['id']} was never captured, so it cannot be disputed.")
    disputed = refundable(store, charge) if amount is None else amount
    if disputed <= 0:
        raise invalid(f"Charge {charge['id']} has nothing left to dispute.")
    dispute = store.create(
        "dispute",
        amount=disputed,
        charge=charge["id"],
        created=store.now(),
        currency=charge["currency"],
        evidence_details={"due_by": store.now() + 7 * 86400, "has_evidence": False},
        is_charge_refundable=False,
        livemode=False,
        metadata={},
        payment_intent=intent["id"],
        reason=reason,
        status="needs_response",
    )
    charge["disputed"] = True
    store.emit("charge.dispute.created", dispute)
    return dispute


def close_dispute(store: Store, dispute_id: str, outcome: str) -> Obj:
    """The bank decides: ``won`` gives the money back to the platform, ``lost`` keeps it."""
    if outcome not in ("won", "lost"):
        raise invalid("A dispute closes as won or lost.")
    dispute = store.get("dispute", dispute_id)
    if dispute["status"] not in OPEN_DISPUTE:
        raise invalid(f"Dispute {dispute_id} is already closed ({dispute['status']}).")
    before = {"status": dispute["status"]}
    dispute["status"] = outcome
    store.emit("charge.dispute.closed", dispute, before)
    return dispute


def available_balance(store: Store, currency: str) -> int:
    """Captured − refunded − transferred − disputed (open or lost) + harness top-ups.

    Stripe's fees and pending periods are not modelled: captured money is available at once.
    """
    captured = sum(c["amount_captured"] for c in store.all("charge") if c["currency"] == currency)
    refunded = sum(r["amount"] for r in store.all("refund") if r["currency"] == currency)
    transferred = sum(
        t["amount"] - t["amount_reversed"]
        for t in store.all("transfer")
        if t["currency"] == currency
    )
    held = sum(
        d["amount"] for d in disputes(store) if d["currency"] == currency and d["status"] != "won"
    )
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
