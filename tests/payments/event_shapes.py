"""Realistically shaped Stripe events a Connect platform's endpoint can receive.

The objects follow Stripe's API reference (and the ``stripe`` library's types): a
Balance has no ``id``, ``account.application.*`` carry an Application, events from a
connected account carry its ``account``. None is about anything this database has.
"""

from __future__ import annotations

import json
from typing import Any

CONNECTED = "acct_1QconnectedXYZ"
CREATED = 1_796_000_000
MONEY = [{"amount": 4200, "currency": "eur", "source_types": {"card": 4200}}]

BALANCE = {
    "object": "balance",
    "available": MONEY,
    "pending": [{"amount": 0, "currency": "eur", "source_types": {"card": 0}}],
    "connect_reserved": [{"amount": 0, "currency": "eur"}],
    "livemode": False,
}
ACCOUNT = {
    "id": CONNECTED,
    "object": "account",
    "type": "express",
    "charges_enabled": True,
    "payouts_enabled": True,
    "details_submitted": True,
    "capabilities": {"transfers": "active", "card_payments": "active"},
    "requirements": {"currently_due": [], "disabled_reason": None},
    "metadata": {},
}
APPLICATION = {"id": "ca_1QplatformApp", "object": "application", "name": "TutorBot"}
PAYOUT = {
    "id": "po_1Qpayout",
    "object": "payout",
    "amount": 4200,
    "currency": "eur",
    "arrival_date": CREATED + 86_400,
    "status": "paid",
    "destination": "ba_1Qbank",
    "balance_transaction": "txn_1Qpayout",
    "metadata": {},
}
CAPABILITY = {
    "id": "transfers",
    "object": "capability",
    "account": CONNECTED,
    "requested": True,
    "status": "active",
    "requirements": {"currently_due": [], "disabled_reason": None},
}
PERSON = {
    "id": "person_1Qperson",
    "object": "person",
    "account": CONNECTED,
    "first_name": "Ada",
    "relationship": {"representative": True, "owner": True},
    "verification": {"status": "verified"},
}
EXTERNAL_ACCOUNT = {
    "id": "ba_1Qbank",
    "object": "bank_account",
    "account": CONNECTED,
    "bank_name": "STRIPE TEST BANK",
    "country": "DE",
    "currency": "eur",
    "last4": "3000",
    "status": "new",
}
CHARGE = {
    "id": "ch_1Qcharge",
    "object": "charge",
    "amount": 4200,
    "amount_captured": 4200,
    "amount_refunded": 0,
    "captured": True,
    "currency": "eur",
    "paid": True,
    "payment_intent": "pi_1Qnotours",
    "balance_transaction": "txn_1Qcharge",
    "status": "succeeded",
    "metadata": {},
}
DESTINATION_PAYMENT = {  # a transfer's payment on the connected account
    **CHARGE,
    "id": "py_1Qpayment",
    "payment_intent": None,
    "source_transfer": "tr_1Qtransfer",
}
PAYMENT_INTENT = {
    "id": "pi_1Qnotours",
    "object": "payment_intent",
    "amount": 4200,
    "amount_capturable": 0,
    "amount_received": 4200,
    "capture_method": "manual",
    "currency": "eur",
    "latest_charge": "ch_1Qcharge",
    "status": "succeeded",
    "metadata": {},
}
SESSION = {
    "id": "cs_test_1Qnotours",
    "object": "checkout.session",
    "mode": "payment",
    "payment_intent": "pi_1Qnotours",
    "payment_status": "paid",
    "status": "complete",
    "metadata": {},
}
DISPUTE = {
    "id": "dp_1Qdispute",
    "object": "dispute",
    "amount": 4200,
    "charge": "ch_1Qcharge",
    "currency": "eur",
    "payment_intent": "pi_1Qnotours",
    "reason": "fraudulent",
    "status": "needs_response",
    "evidence_details": {"due_by": CREATED + 7 * 86_400, "submission_count": 0},
    "metadata": {},
}
TRANSFER = {
    "id": "tr_1Qtransfer",
    "object": "transfer",
    "amount": 3800,
    "currency": "eur",
    "destination": CONNECTED,
    "destination_payment": "py_1Qpayment",
    "reversed": False,
    "amount_reversed": 0,
    "reversals": {"object": "list", "data": [], "has_more": False},
    "source_transaction": "ch_1Qcharge",
    "transfer_group": None,
    "metadata": {},
}
APPLICATION_FEE = {
    "id": "fee_1Qfee",
    "object": "application_fee",
    "account": CONNECTED,
    "amount": 420,
    "amount_refunded": 0,
    "application": APPLICATION["id"],
    "charge": "py_1Qpayment",
    "currency": "eur",
    "refunded": False,
}
REFUND = {
    "id": "re_1Qrefund",
    "object": "refund",
    "amount": 4200,
    "charge": "ch_1Qcharge",
    "currency": "eur",
    "payment_intent": "pi_1Qnotours",
    "status": "succeeded",
    "metadata": {},
}
SETUP_INTENT = {
    "id": "seti_1Qsetup",
    "object": "setup_intent",
    "status": "succeeded",
    "usage": "off_session",
    "metadata": {},
}
CUSTOMER = {
    "id": "cus_1Qcustomer",
    "object": "customer",
    "email": "student@example.com",
    "metadata": {},
}
TOPUP_LIKE_CASH_BALANCE = {  # customer.cash_balance has no id either
    "object": "cash_balance",
    "available": {"eur": 0},
    "customer": "cus_1Qcustomer",
    "livemode": False,
}

# (event type, object, from a connected account)
PLATFORM_EVENTS: list[tuple[str, dict[str, Any], bool]] = [
    ("balance.available", BALANCE, False),
    ("payout.created", PAYOUT, False),
    ("payout.paid", PAYOUT, False),
    ("payout.failed", {**PAYOUT, "status": "failed", "failure_code": "account_closed"}, False),
    ("charge.succeeded", CHARGE, False),
    ("charge.captured", CHARGE, False),
    ("charge.updated", CHARGE, False),
    ("charge.refunded", {**CHARGE, "amount_refunded": 4200, "refunded": True}, False),
    ("charge.refund.updated", REFUND, False),
    ("payment_intent.created", {**PAYMENT_INTENT, "status": "requires_payment_method"}, False),
    ("payment_intent.succeeded", PAYMENT_INTENT, False),
    ("payment_intent.amount_capturable_updated", PAYMENT_INTENT, False),
    ("payment_intent.canceled", {**PAYMENT_INTENT, "status": "canceled"}, False),
    ("checkout.session.completed", SESSION, False),
    ("checkout.session.expired", {**SESSION, "status": "expired"}, False),
    ("transfer.created", TRANSFER, False),
    ("transfer.reversed", {**TRANSFER, "reversed": True, "amount_reversed": 3800}, False),
    ("transfer.updated", TRANSFER, False),
    ("application_fee.created", APPLICATION_FEE, False),
    ("refund.created", REFUND, False),
    ("refund.updated", REFUND, False),
    ("refund.failed", {**REFUND, "status": "failed", "failure_reason": "unknown"}, False),
    ("setup_intent.succeeded", SETUP_INTENT, False),
    ("customer.created", CUSTOMER, False),
    ("customer.updated", CUSTOMER, False),
    ("customer.deleted", {**CUSTOMER, "deleted": True}, False),
    ("cash_balance.funds_available", TOPUP_LIKE_CASH_BALANCE, False),
    ("account.updated", {**ACCOUNT, "id": "acct_1Qnotatutor"}, False),
]
CONNECT_EVENTS: list[tuple[str, dict[str, Any], bool]] = [
    ("account.updated", ACCOUNT, True),
    ("account.application.authorized", APPLICATION, True),
    ("account.application.deauthorized", APPLICATION, True),
    ("account.external_account.created", EXTERNAL_ACCOUNT, True),
    ("account.external_account.updated", EXTERNAL_ACCOUNT, True),
    ("balance.available", BALANCE, True),
    ("capability.updated", CAPABILITY, True),
    ("person.created", PERSON, True),
    ("person.updated", PERSON, True),
    ("payout.created", PAYOUT, True),
    ("payout.paid", PAYOUT, True),
    ("payout.failed", {**PAYOUT, "status": "failed"}, True),
    ("charge.succeeded", DESTINATION_PAYMENT, True),
    ("charge.updated", DESTINATION_PAYMENT, True),
    ("charge.dispute.created", DISPUTE, True),
    ("charge.dispute.closed", {**DISPUTE, "status": "won"}, True),
    ("payment_intent.succeeded", PAYMENT_INTENT, True),
    ("refund.created", REFUND, True),
]
ALL_EVENTS = PLATFORM_EVENTS + CONNECT_EVENTS


def event_body(
    event_type: str, obj: dict[str, Any], connected: bool, event_id: str = "evt_1Qshape"
) -> bytes:
    """A Stripe Event (API version 2025-03-31) wrapping `obj`, as Stripe sends it."""
    event: dict[str, Any] = {
        "id": event_id,
        "object": "event",
        "api_version": "2025-03-31.basil",
        "created": CREATED,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
    if event_type.endswith(".updated"):
        event["data"]["previous_attributes"] = {"metadata": {"old": "1"}}
    if connected:
        event["account"] = CONNECTED
        event["context"] = CONNECTED
    return json.dumps(event).encode()


def shape_id(case: tuple[str, dict[str, Any], bool]) -> str:
    """A pytest id: the type, and where it came from."""
    return f"{case[0]}{'@connected' if case[2] else ''}"
