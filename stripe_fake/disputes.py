"""Card disputes as Stripe models them: balance transactions, evidence, the bank's decision.

* Opening (the harness, as the customer's bank): the disputed amount and Stripe's dispute
  fee leave the platform's balance as one balance transaction on the dispute (amount
  ``-A``, fee ``F``, net ``-(A + F)``, reporting category ``dispute``);
  ``charge.dispute.created`` then ``charge.dispute.funds_withdrawn``.
* Evidence: ``POST /v1/disputes/{id}`` saves it (``submit=false``) or saves and submits
  it (``submit=true``, Stripe's default), while the dispute awaits a response and before
  ``evidence_details.due_by``; ``charge.dispute.updated`` each time.
* ``POST /v1/disputes/{id}/close``: the platform accepts the loss (``lost``,
  ``charge.dispute.closed``).
* The bank decides (the harness): ``won`` adds a second balance transaction reinstating
  the amount (``+A``, fee 0, category ``dispute_reversal``;
  ``charge.dispute.funds_reinstated``) then ``charge.dispute.closed``; ``lost`` adds
  nothing and sends ``charge.dispute.closed``.

The fake never gives the dispute fee back, even on a win: whether Stripe does depends on
the account's pricing and has changed over time, and the product reads the dispute's
balance transactions, so it is right either way.
"""

from __future__ import annotations

from typing import Any

from stripe_fake import currencies
from stripe_fake.errors import StripeFakeError, invalid, no_such
from stripe_fake.params import Params, get_dict, get_str, merge_metadata, reject_unmodelled
from stripe_fake.store import Obj, Store, changed_from, public
from stripe_fake.transactions import new_transaction

REASONS = (
    "fraudulent",
    "product_not_received",
    "product_unacceptable",
    "duplicate",
    "subscription_canceled",
    "credit_not_processed",
    "unrecognized",
    "general",
)
SUBMITTED = {"needs_response": "under_review", "warning_needs_response": "warning_under_review"}
AWAITING_RESPONSE = tuple(SUBMITTED)
OPEN = (*AWAITING_RESPONSE, *SUBMITTED.values())

LONG_TEXT_FIELDS = (
    "access_activity_log",
    "cancellation_policy_disclosure",
    "cancellation_rebuttal",
    "duplicate_charge_explanation",
    "product_description",
    "refund_policy_disclosure",
    "refund_refusal_explanation",
    "uncategorized_text",
)
"""Text evidence Stripe documents as "Has a maximum character count of 20,000"."""
SHORT_TEXT_FIELDS = (
    "billing_address",
    "customer_email_address",
    "customer_name",
    "customer_purchase_ip",
    "duplicate_charge_id",
    "service_date",
    "shipping_address",
    "shipping_carrier",
    "shipping_date",
    "shipping_tracking_number",
)
"""Text evidence with no documented limit of its own: Stripe's usual 5,000 for strings."""
FILE_FIELDS = (
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
"""Evidence that names a File (``purpose=dispute_evidence``)."""
EVIDENCE_FIELDS = tuple(sorted(LONG_TEXT_FIELDS + SHORT_TEXT_FIELDS + FILE_FIELDS))
LONG_TEXT_LIMIT = 20_000
SHORT_TEXT_LIMIT = 5_000
TEXT_EVIDENCE_LIMIT = 150_000
"""Stripe: the combined character count of all text evidence is at most 150,000."""

DISPUTE_FEES = {"usd": 1500, "eur": 1500, "gbp": 1500, "cad": 1500, "aud": 1500}
"""Stripe's dispute fee in minor units, per currency."""
DEFAULT_DISPUTE_FEE = 1500
"""Other currencies: 1500 minor units of the dispute's own currency (rounded up to what
the currency allows, `currencies.amount_step`); the fake has no exchange rates."""
DUE_DAYS = 7
DAY = 24 * 3600


def dispute_fee(currency: str) -> int:
    """The fee Stripe takes when a dispute in `currency` opens."""
    fee = DISPUTE_FEES.get(currency, DEFAULT_DISPUTE_FEE)
    step = currencies.amount_step(currency)
    return -(-fee // step) * step


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


def _move(store: Store, dispute: Obj, amount: int, fee: int) -> None:
    withdrawal = amount < 0
    dispute["balance_transactions"].append(
        new_transaction(
            store,
            amount=amount,
            currency=dispute["currency"],
            kind="adjustment",
            category="dispute" if withdrawal else "dispute_reversal",
            source=dispute["id"],
            description=f"Chargeback {'withdrawal' if withdrawal else 'reversal'} for "
            f"{dispute['charge']}",
            fee=fee,
            fee_description="Dispute fee",
        )
    )


def open_dispute(
    store: Store,
    intent_id: str,
    reason: str = "fraudulent",
    amount: int | None = None,
    due_in_days: float = DUE_DAYS,
) -> Obj:
    """The customer's bank disputes the captured payment of `intent_id`."""
    if reason not in REASONS:
        raise invalid(f"Invalid reason: must be one of {', '.join(REASONS)}")
    intent = store.get("payment_intent", intent_id)
    charge = store.get("charge", intent["latest_charge"] or "", param="payment_intent")
    if not charge["captured"]:
        raise invalid(f"Charge {charge['id']} was never captured, so it cannot be disputed.")
    if any(d["charge"] == charge["id"] for d in all_disputes(store)):
        raise invalid(f"Charge {charge['id']} has already been disputed.")
    left = kept_on_charge(store, charge)
    disputed = left if amount is None else amount
    if not 0 < disputed <= left:
        raise invalid(f"Charge {charge['id']} has {left} left to dispute, not {disputed}.")
    dispute = store.create(
        "dispute",
        amount=disputed,
        balance_transactions=[],
        charge=charge["id"],
        created=store.now(),
        currency=charge["currency"],
        evidence=dict.fromkeys(EVIDENCE_FIELDS),
        evidence_details={
            "due_by": store.now() + int(due_in_days * DAY),
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
        },
        is_charge_refundable=False,
        livemode=False,
        metadata={},
        payment_intent=intent["id"],
        reason=reason,
        status="needs_response",
    )
    _move(store, dispute, -disputed, dispute_fee(dispute["currency"]))
    charge["disputed"] = True
    store.emit("charge.dispute.created", dispute)
    store.emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


def close_dispute(store: Store, dispute_id: str, outcome: str) -> Obj:
    """The bank decides, with or without evidence: ``won`` reinstates the amount."""
    if outcome not in ("won", "lost"):
        raise invalid("A dispute closes as won or lost.")
    dispute = store.get("dispute", dispute_id)
    if dispute["status"] not in OPEN:
        raise invalid(f"Dispute {dispute_id} is already closed ({dispute['status']}).")
    before = {"status": dispute["status"]}
    dispute["status"] = outcome
    if outcome == "won":
        _move(store, dispute, dispute["amount"], 0)
        store.emit("charge.dispute.funds_reinstated", dispute)
    store.emit("charge.dispute.closed", dispute, before)
    return dispute


def _text_limit(name: str) -> int:
    return LONG_TEXT_LIMIT if name in LONG_TEXT_FIELDS else SHORT_TEXT_LIMIT


def _check_evidence(store: Store, evidence: dict[str, Any], merged: dict[str, Any]) -> None:
    """Unknown fields, files that are not dispute evidence, text over its limits."""
    reject_unmodelled(evidence, EVIDENCE_FIELDS, prefix="evidence")  # appeal, enhanced_…
    for name, value in evidence.items():
        param = f"evidence[{name}]"
        if not isinstance(value, str):
            raise invalid(f"Invalid string: {param}", param=param)
        if name in FILE_FIELDS:
            found = store.objects.get(value)
            if found is None or found["object"] != "file":
                raise no_such("file", value, param=param)
            if found.get("purpose") != "dispute_evidence":
                raise invalid(f"File {value} is not dispute evidence.", param=param)
        elif len(value) > _text_limit(name):
            raise invalid(
                f"Invalid string: {value[:20]}...; must be at most {_text_limit(name)} characters",
                param=param,
            )
    total = sum(len(merged[name] or "") for name in LONG_TEXT_FIELDS + SHORT_TEXT_FIELDS)
    if total > TEXT_EVIDENCE_LIMIT:
        raise invalid(
            f"The combined character count of your text evidence ({total}) is over the "
            f"limit of {TEXT_EVIDENCE_LIMIT}.",
            param="evidence",
        )


def _check_open(store: Store, dispute: Obj) -> None:
    if dispute["status"] not in AWAITING_RESPONSE:
        raise invalid(
            f"This dispute has status {dispute['status']}: evidence can only be saved or "
            "submitted while it needs a response.",
            param="evidence",
        )
    due_by = dispute["evidence_details"]["due_by"]
    if store.now() >= due_by:
        raise invalid(
            f"The evidence for this dispute was due by {due_by}; it can no longer be "
            "saved or submitted.",
            param="evidence",
        )


def update_dispute(store: Store, dispute_id: str, params: Params) -> Obj:
    """``POST /v1/disputes/{id}``: save evidence, or save and submit it.

    ``submit`` defaults to true, as on Stripe. A request with only ``metadata`` submits
    nothing and is allowed whatever the dispute's status. A refused request changes
    nothing (``past_due`` stays false: it tells whether a submission came late, and the
    fake takes none late).
    """
    reject_unmodelled(params, ("evidence", "metadata", "submit"))
    dispute = store.get("dispute", dispute_id)
    evidence = get_dict(params, "evidence")
    submit_sent = get_str(params, "submit", choices=("true", "false"))
    before = public(dispute)
    if evidence or submit_sent is not None:
        _check_open(store, dispute)
        merged = {**dispute["evidence"], **evidence}
        _check_evidence(store, evidence, merged)
        dispute["evidence"] = merged
    metadata = merge_metadata(dispute["metadata"], params)
    details = dispute["evidence_details"]
    details["has_evidence"] = any(value is not None for value in dispute["evidence"].values())
    if (evidence or submit_sent is not None) and submit_sent != "false":
        dispute["status"] = SUBMITTED[dispute["status"]]
        details["submission_count"] += 1
    dispute["metadata"] = metadata
    store.emit("charge.dispute.updated", dispute, changed_from(before, public(dispute)))
    return dispute


def accept_dispute(store: Store, dispute_id: str) -> Obj:
    """``POST /v1/disputes/{id}/close``: the platform accepts the loss."""
    dispute = store.get("dispute", dispute_id)
    if dispute["status"] not in AWAITING_RESPONSE:
        raise invalid(
            f"This dispute has status {dispute['status']}; only a dispute that needs a "
            "response can be closed."
        )
    before = {"status": dispute["status"]}
    dispute["status"] = "lost"
    store.emit("charge.dispute.closed", dispute, before)
    return dispute


def list_disputes(store: Store, params: Params) -> list[Obj]:
    """``GET /v1/disputes`` filtered by ``payment_intent`` or ``charge``, newest first."""
    reject_unmodelled(
        params, ("payment_intent", "charge", "limit", "starting_after", "ending_before")
    )
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
