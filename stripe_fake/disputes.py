"""Card disputes as Stripe models them: balance transactions, evidence, the bank's decision.

A dispute withdraws the disputed amount and Stripe's dispute fee from the platform's
balance when it opens (``charge.dispute.created``, ``charge.dispute.funds_withdrawn``),
as one balance transaction on the dispute. Evidence is saved, or saved and submitted,
with ``POST /v1/disputes/{id}`` while it awaits a response and before ``due_by``. When
the bank decides for the platform a second balance transaction reinstates the amount
(``charge.dispute.funds_reinstated``); the fake does not give the fee back (whether
Stripe does depends on the account's pricing, and the product reads the balance
transactions either way). ``POST /v1/disputes/{id}/close`` accepts the loss.
"""

from __future__ import annotations

from typing import Any

from stripe_fake.errors import StripeFakeError, invalid, no_such
from stripe_fake.params import Params, get_dict, get_metadata, get_str, reject_unmodelled
from stripe_fake.store import Obj, Store

REASONS = (
    "fraudulent",
    "product_not_received",
    "product_unacceptable",
    "duplicate",
    "subscription_canceled",
    "credit_not_processed",
    "general",
)
AWAITING_RESPONSE = ("warning_needs_response", "needs_response")
OPEN = (*AWAITING_RESPONSE, "under_review", "warning_under_review")
EVIDENCE_TEXT_FIELDS = (
    "access_activity_log",
    "billing_address",
    "cancellation_policy_disclosure",
    "cancellation_rebuttal",
    "customer_email_address",
    "customer_name",
    "customer_purchase_ip",
    "duplicate_charge_explanation",
    "duplicate_charge_id",
    "enhanced_evidence",
    "product_description",
    "refund_policy_disclosure",
    "refund_refusal_explanation",
    "service_date",
    "shipping_address",
    "shipping_carrier",
    "shipping_date",
    "shipping_tracking_number",
    "uncategorized_text",
)
EVIDENCE_FILE_FIELDS = (
    "cancellation_policy",
    "customer_communication",
    "customer_signature",
    "duplicate_charge_documentation",
    "receipt",
    "refund_policy",
    "service_documentation",
    "shipping_documentation",
    "uncategorized_file",
)
TEXT_EVIDENCE_LIMIT = 150_000
"""Stripe: the combined character count of all text evidence fields is at most 150,000."""

DISPUTE_FEES = {"usd": 1500, "eur": 1500, "gbp": 1500, "cad": 1500, "aud": 1500}
"""Stripe's dispute fee in minor units; other currencies take 1500 of their own units."""

DUE_DAYS = 7


def _fee(currency: str) -> int:
    return DISPUTE_FEES.get(currency, 1500)


def kept_on_charge(store: Store, charge: Obj) -> int:
    """The captured amount less refunds that succeeded or are still pending."""
    given_back = sum(
        int(refund["amount"])
        for refund in store.all("refund")
        if refund["charge"] == charge["id"] and refund["status"] in ("succeeded", "pending")
    )
    return int(charge["amount_captured"]) - given_back


def all_disputes(store: Store) -> list[Obj]:
    """Every dispute, oldest first."""
    return store.all("dispute")


def _transaction(store: Store, dispute: Obj, amount: int, fee: int, category: str) -> Obj:
    fee_details = (
        [{"amount": fee, "currency": dispute["currency"], "type": "stripe_fee",
          "description": "Dispute fee", "application": None}]
        if fee
        else []
    )  # fmt: skip
    return {
        "id": store.create("balance_transaction")["id"],
        "object": "balance_transaction",
        "amount": amount,
        "fee": fee,
        "net": amount - fee,
        "currency": dispute["currency"],
        "type": "adjustment",
        "reporting_category": category,
        "created": store.now(),
        "available_on": store.now(),
        "description": f"Chargeback {'withdrawal' if amount < 0 else 'reversal'} for "
        f"{dispute['charge']}",
        "fee_details": fee_details,
        "source": dispute["id"],
        "status": "available",
    }


def open_dispute(
    store: Store, intent_id: str, reason: str, amount: int | None, due_in_days: int = DUE_DAYS
) -> Obj:
    """The customer's bank disputes the captured payment of `intent_id`."""
    if reason not in REASONS:
        raise invalid(f"Invalid reason: must be one of {', '.join(REASONS)}")
    intent = store.get("payment_intent", intent_id)
    charge = store.get("charge", intent["latest_charge"] or "", param="payment_intent")
    if not charge["captured"]:
        raise invalid(f"Charge {charge['id']} was never captured, so it cannot be disputed.")
    disputed = kept_on_charge(store, charge) if amount is None else amount
    if disputed <= 0:
        raise invalid(f"Charge {charge['id']} has nothing left to dispute.")
    dispute = store.create(
        "dispute",
        amount=disputed,
        balance_transactions=[],
        charge=charge["id"],
        created=store.now(),
        currency=charge["currency"],
        evidence=dict.fromkeys(EVIDENCE_TEXT_FIELDS + EVIDENCE_FILE_FIELDS),
        evidence_details={"due_by": store.now() + due_in_days * 86400, "has_evidence": False,
                          "past_due": False, "submission_count": 0},
        is_charge_refundable=False,
        livemode=False,
        metadata={},
        payment_intent=intent["id"],
        reason=reason,
        status="needs_response",
    )  # fmt: skip
    dispute["balance_transactions"].append(
        _transaction(store, dispute, -disputed, _fee(dispute["currency"]), "dispute")
    )
    charge["disputed"] = True
    store.emit("charge.dispute.created", dispute)
    store.emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


def close_dispute(store: Store, dispute_id: str, outcome: str) -> Obj:
    """The bank decides: ``won`` reinstates the amount, ``lost`` keeps it for the customer."""
    if outcome not in ("won", "lost"):
        raise invalid("A dispute closes as won or lost.")
    dispute = store.get("dispute", dispute_id)
    if dispute["status"] not in OPEN:
        raise invalid(f"Dispute {dispute_id} is already closed ({dispute['status']}).")
    before = {"status": dispute["status"]}
    dispute["status"] = outcome
    if outcome == "won":
        dispute["balance_transactions"].append(
            _transaction(store, dispute, dispute["amount"], 0, "dispute_reversal")
        )
        store.emit("charge.dispute.funds_reinstated", dispute)
    store.emit("charge.dispute.closed", dispute, before)
    return dispute


def _past_due(store: Store, dispute: Obj) -> bool:
    return bool(store.now() >= dispute["evidence_details"]["due_by"])


def _check_evidence(store: Store, evidence: dict[str, Any]) -> None:
    known = set(EVIDENCE_TEXT_FIELDS) | set(EVIDENCE_FILE_FIELDS)
    for name, value in evidence.items():
        param = f"evidence[{name}]"
        if name not in known:
            raise invalid(f"Received unknown parameter: {param}", param=param,
                          code="parameter_unknown")  # fmt: skip
        if name in EVIDENCE_FILE_FIELDS:
            found = store.objects.get(str(value))
            if found is None or found.get("object") != "file":
                raise no_such("file", str(value), param=param)
    total = sum(len(str(v)) for k, v in evidence.items() if k in EVIDENCE_TEXT_FIELDS)
    if total > TEXT_EVIDENCE_LIMIT:
        raise invalid(
            f"The combined character count of your text evidence ({total}) is over the "
            f"limit of {TEXT_EVIDENCE_LIMIT}.",
            param="evidence",
        )


def update_dispute(store: Store, dispute_id: str, params: Params) -> Obj:
    """``POST /v1/disputes/{id}``: save evidence, or save and submit it (``submit=true``)."""
    reject_unmodelled(params, ("evidence", "metadata", "submit"))
    dispute = store.get("dispute", dispute_id)
    evidence = get_dict(params, "evidence")
    submit = get_str(params, "submit", choices=("true", "false")) == "true"
    if dispute["status"] not in AWAITING_RESPONSE:
        raise invalid(
            f"This dispute is {dispute['status']} and can no longer be updated.",
            param="evidence" if evidence else None,
        )
    if _past_due(store, dispute):
        dispute["evidence_details"]["past_due"] = True
        raise invalid("The evidence due date for this dispute has passed.", param="evidence")
    _check_evidence(store, evidence)
    before: Obj = {"evidence": dict(dispute["evidence"]),
                   "evidence_details": dict(dispute["evidence_details"])}  # fmt: skip
    dispute["evidence"].update(evidence)
    dispute["metadata"].update(get_metadata(params))
    details = dispute["evidence_details"]
    details["has_evidence"] = details["has_evidence"] or bool(evidence)
    if submit:
        before["status"] = dispute["status"]
        dispute["status"] = (
            "warning_under_review" if dispute["status"] == "warning_needs_response"
            else "under_review"
        )  # fmt: skip
        details["submission_count"] += 1
    store.emit("charge.dispute.updated", dispute, before)
    return dispute


def accept_dispute(store: Store, dispute_id: str) -> Obj:
    """``POST /v1/disputes/{id}/close``: the platform accepts the loss."""
    dispute = store.get("dispute", dispute_id)
    if dispute["status"] not in AWAITING_RESPONSE:
        raise invalid(f"This dispute is {dispute['status']} and cannot be closed.")
    before = {"status": dispute["status"]}
    dispute["status"] = "lost"
    store.emit("charge.dispute.closed", dispute, before)
    return dispute


def list_disputes(store: Store, params: Params) -> list[Obj]:
    """``GET /v1/disputes`` filtered by ``payment_intent`` or ``charge``, newest first."""
    reject_unmodelled(params, ("payment_intent", "charge", "limit"))
    intent = get_str(params, "payment_intent")
    charge = get_str(params, "charge")
    return [
        d
        for d in reversed(all_disputes(store))
        if (intent is None or d["payment_intent"] == intent)
        and (charge is None or d["charge"] == charge)
    ]


def withdrawn(store: Store, currency: str) -> int:
    """What disputes took from the balance (amounts and fees), net of reinstatements."""
    return -sum(
        int(move["net"])
        for dispute in all_disputes(store)
        if dispute["currency"] == currency
        for move in dispute["balance_transactions"]
    )


def refund_blocked(store: Store, charge_id: str) -> StripeFakeError | None:
    """A refund of a charge with a dispute not won is refused (``charge_disputed``)."""
    if any(d["charge"] == charge_id and d["status"] != "won" for d in all_disputes(store)):
        return invalid(
            f"Charge {charge_id} has been charged back; it cannot be refunded.",
            code="charge_disputed",
        )
    return None
