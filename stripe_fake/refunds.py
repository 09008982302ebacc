"""Refunds: never more than was captured, pending until they reach the customer, failing.

A refund is ``succeeded`` at once, or ``pending`` while `Store.refunds_pending` is on
(the harness's switch) until the harness succeeds or fails it. Pending and succeeded
refunds count in the charge's ``amount_refunded`` and in what may no longer be refunded;
a ``failed`` one gives its money back to the platform's balance (a balance transaction
of type ``refund_failure``) and may be refunded again.
"""

from __future__ import annotations

from stripe_fake import currencies, disputes
from stripe_fake.errors import invalid, unexpected_state
from stripe_fake.params import Params, get_int, get_metadata, get_str, reject_unmodelled
from stripe_fake.store import Obj, Store
from stripe_fake.transactions import new_transaction

REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
FAILURE_REASONS = (
    "lost_or_stolen_card",
    "expired_or_canceled_card",
    "charge_for_pending_refund_disputed",
    "insufficient_funds",
    "declined",
    "merchant_request",
    "unknown",
)


def refundable(store: Store, charge: Obj) -> int:
    """What may still be refunded on `charge` (pending and succeeded refunds count)."""
    return disputes.kept_on_charge(store, charge)


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
    if (blocked := disputes.refund_blocked(store, charge["id"])) is not None:
        raise blocked
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
        balance_transaction=None,
        charge=charge["id"],
        created=store.now(),
        currency=charge["currency"],
        description=None,
        failure_balance_transaction=None,
        failure_reason=None,
        metadata=metadata,
        payment_intent=charge["payment_intent"],
        reason=reason,
        status="pending" if store.refunds_pending else "succeeded",
    )
    refund["balance_transaction"] = new_transaction(
        store,
        amount=-amount,
        currency=refund["currency"],
        kind="refund",
        category="refund",
        source=refund["id"],
        description=f"REFUND FOR CHARGE ({charge['id']})",
    )["id"]
    before = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
    store.emit("refund.created", refund)
    store.emit("charge.refunded", charge, before)
    return refund


def _refund_changed(store: Store, refund: Obj, before: Obj) -> None:
    store.emit("refund.updated", refund, before)
    store.emit("charge.refund.updated", refund, before)


def succeed_refund(store: Store, refund_id: str) -> Obj:
    """A pending refund reaches the customer."""
    refund = store.get("refund", refund_id)
    if refund["status"] != "pending":
        raise invalid(f"Refund {refund_id} is {refund['status']}, not pending.")
    before = {"status": refund["status"]}
    refund["status"] = "succeeded"
    _refund_changed(store, refund, before)
    return refund


def fail_refund(store: Store, refund_id: str, reason: str) -> Obj:
    """A pending or succeeded refund fails: its money is back in the platform's balance."""
    if reason not in FAILURE_REASONS:
        raise invalid(f"Invalid failure_reason: must be one of {', '.join(FAILURE_REASONS)}")
    refund = store.get("refund", refund_id)
    if refund["status"] not in ("pending", "succeeded"):
        raise invalid(f"Refund {refund_id} is {refund['status']}; it cannot fail now.")
    charge = store.get("charge", refund["charge"])
    before = {
        "status": refund["status"],
        "failure_balance_transaction": None,
        "failure_reason": None,
    }
    refund["status"] = "failed"
    refund["failure_reason"] = reason
    refund["failure_balance_transaction"] = new_transaction(
        store,
        amount=refund["amount"],
        currency=refund["currency"],
        kind="refund_failure",
        category="refund_failure",
        source=refund["id"],
        description=f"REFUND FAILURE FOR CHARGE ({charge['id']})",
    )["id"]
    charge["amount_refunded"] -= refund["amount"]
    charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
    store.emit("refund.failed", refund, before)
    _refund_changed(store, refund, before)
    return refund


def list_refunds(store: Store, params: Params) -> list[Obj]:
    """``GET /v1/refunds`` filtered by ``payment_intent`` or ``charge``, newest first."""
    reject_unmodelled(
        params, ("payment_intent", "charge", "limit", "starting_after", "ending_before")
    )
    intent = get_str(params, "payment_intent")
    charge = get_str(params, "charge")
    return [
        r
        for r in reversed(store.all("refund"))
        if (intent is None or r["payment_intent"] == intent)
        and (charge is None or r["charge"] == charge)
    ]
