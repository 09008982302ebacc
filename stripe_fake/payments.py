"""PaymentIntents and their charges: authorize, capture (full or partial), cancel.

Amounts follow Stripe: after a partial capture the uncaptured remainder is released and
shows in the charge's ``amount_refunded`` ("automatically refunded"), while
``amount_captured`` and the PaymentIntent's ``amount_received`` say what was taken. Refunds
and disputes live in `refunds`.
"""

from __future__ import annotations

from stripe_fake import cards, currencies
from stripe_fake.errors import invalid, unexpected_state
from stripe_fake.params import Params, get_int, get_metadata, get_str, reject_unmodelled
from stripe_fake.store import Obj, Store

CANCELABLE = (
    "requires_payment_method",
    "requires_capture",
    "requires_confirmation",
    "requires_action",
    "processing",
)
CANCELLATION_REASONS = ("duplicate", "fraudulent", "requested_by_customer", "abandoned")
# An online card authorization lapses 7 days after it is made: Stripe then cancels the
# PaymentIntent (cancellation_reason "automatic") and the uncaptured charge expires.
AUTHORIZATION_SECONDS = 7 * 24 * 3600


def new_payment_intent(
    store: Store,
    *,
    amount: int,
    currency: str,
    capture_method: str,
    metadata: dict[str, str],
    transfer_group: str | None,
    description: str | None,
) -> Obj:
    """A PaymentIntent waiting for a payment method, and its ``payment_intent.created``."""
    intent = store.create(
        "payment_intent",
        amount=amount,
        amount_capturable=0,
        amount_received=0,
        canceled_at=None,
        cancellation_reason=None,
        capture_method=capture_method,
        created=store.now(),
        currency=currency,
        customer=None,
        description=description,
        last_payment_error=None,
        latest_charge=None,
        livemode=False,
        metadata=metadata,
        payment_method=None,
        payment_method_types=["card"],
        status="requires_payment_method",
        transfer_group=transfer_group,
    )
    intent["client_secret"] = f"{intent['id']}_secret_{intent['id'][3:]}"
    store.emit("payment_intent.created", intent)
    return intent


def _new_charge(store: Store, intent: Obj, payment_method: Obj, number: str) -> Obj:
    automatic = intent["capture_method"] != "manual"
    return store.create(
        "charge",
        amount=intent["amount"],
        amount_captured=intent["amount"] if automatic else 0,
        amount_refunded=0,
        balance_transaction=None,
        billing_details=payment_method["billing_details"],
        captured=automatic,
        created=store.now(),
        currency=intent["currency"],
        description=intent["description"],
        disputed=False,
        failure_code=None,
        failure_message=None,
        livemode=False,
        metadata=dict(intent["metadata"]),
        outcome={
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "seller_message": "Payment complete.",
            "type": "authorized",
        },
        paid=True,
        payment_intent=intent["id"],
        payment_method=payment_method["id"],
        payment_method_details={
            "type": "card",
            "card": {
                "brand": cards.brand(number),
                "last4": number[-4:],
                "capture_before": None if automatic else store.now() + AUTHORIZATION_SECONDS,
            },
        },
        refunded=False,
        status="succeeded",
        transfer_group=intent["transfer_group"],
        _released=0,
    )


def decline_charge(store: Store, intent: Obj, charge: Obj, decline: cards.Decline) -> None:
    """The card was declined: the charge failed, the PaymentIntent wants another method."""
    charge.update(
        amount_captured=0,
        captured=False,
        failure_code=decline.code,
        failure_message=decline.message,
        paid=False,
        status="failed",
        outcome={
            "network_status": "declined_by_network",
            "reason": decline.decline_code,
            "risk_level": "normal",
            "seller_message": "The bank did not return any further details with this decline.",
            "type": "issuer_declined",
        },
    )
    intent.update(
        status="requires_payment_method",
        last_payment_error={
            "type": "card_error",
            "charge": charge["id"],
            "code": decline.code,
            "decline_code": decline.decline_code,
            "message": decline.message,
            "payment_method": {"id": charge["payment_method"], "object": "payment_method"},
        },
    )
    store.emit("charge.failed", charge)
    store.emit("payment_intent.payment_failed", intent)


def new_payment_method(store: Store, digits: str, email: str | None) -> Obj:
    """A card PaymentMethod for a test number (the number kept privately, as `_number`)."""
    return store.create(
        "payment_method",
        billing_details={"email": email, "name": None},
        card={"brand": cards.brand(digits), "last4": digits[-4:], "exp_month": 12},
        created=store.now(),
        customer=None,
        livemode=False,
        type="card",
        _number=digits,
    )


def pay_with_card(store: Store, intent: Obj, number: str, email: str | None = None) -> Obj:
    """Confirm `intent` with a test card: its new charge (``status`` failed on a decline).

    Raises a 402 ``incorrect_number`` for a number that is not a card, and changes nothing.
    """
    digits = cards.normalize(number)
    if intent["status"] != "requires_payment_method":
        raise unexpected_state(
            f"This PaymentIntent's status is {intent['status']}; it cannot be paid again."
        )
    return charge_method(store, intent, new_payment_method(store, digits, email))


def charge_method(store: Store, intent: Obj, payment_method: Obj) -> Obj:
    """Confirm `intent` with an existing card PaymentMethod: its new charge.

    A method the harness told to decline its next charge (`_decline_next`, a decline
    card's number) is declined as that card would be, once.
    """
    digits = str(payment_method["_number"])
    charge = _new_charge(store, intent, payment_method, digits)
    intent.update(latest_charge=charge["id"], payment_method=payment_method["id"])
    decline = cards.DECLINES.get(str(payment_method.pop("_decline_next", digits)))
    if decline is not None:
        decline_charge(store, intent, charge, decline)
        return charge
    intent["last_payment_error"] = None
    store.emit("charge.succeeded", charge)
    if charge["captured"]:
        intent.update(status="succeeded", amount_received=intent["amount"])
        store.emit("payment_intent.succeeded", intent)
    else:
        intent.update(status="requires_capture", amount_capturable=intent["amount"])
        store.emit("payment_intent.amount_capturable_updated", intent)
    return charge


def capture(store: Store, intent_id: str, params: Params) -> Obj:
    """``POST /v1/payment_intents/{id}/capture``: take all or part of the hold."""
    reject_unmodelled(params, ("amount_to_capture", "metadata"))
    intent = store.get("payment_intent", intent_id)
    if intent["status"] != "requires_capture":
        raise unexpected_state(
            "This PaymentIntent could not be captured because it has a status of "
            f"{intent['status']}. Only a PaymentIntent with one of the following statuses "
            "may be captured: requires_capture."
        )
    amount = get_int(params, "amount_to_capture", minimum=0)
    amount = intent["amount_capturable"] if amount is None else amount
    if amount > intent["amount_capturable"]:
        raise invalid(
            f"The amount to capture ({amount}) is greater than the amount capturable "
            f"({intent['amount_capturable']}).",
            param="amount_to_capture",
            code="amount_too_large",
        )
    currencies.check_charge_amount(
        amount,
        intent["currency"],
        "amount_to_capture",
        message=f"Amount must be at least {currencies.minimum_amount(intent['currency'])} "
        f"{intent['currency']} minor units.",
    )
    intent["metadata"].update(get_metadata(params))
    charge = store.get("charge", intent["latest_charge"])
    before = {"captured": False, "amount_captured": 0, "amount_refunded": 0}
    released = intent["amount"] - amount
    charge.update(
        captured=True,
        amount_captured=amount,
        amount_refunded=released,
        _released=released,
    )
    intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
    store.emit("charge.captured", charge, before)
    store.emit("payment_intent.succeeded", intent)
    return intent


def cancel(store: Store, intent_id: str, params: Params) -> Obj:
    """``POST /v1/payment_intents/{id}/cancel``: void it, releasing any hold."""
    reject_unmodelled(params, ("cancellation_reason",))
    intent = store.get("payment_intent", intent_id)
    reason = get_str(params, "cancellation_reason", choices=CANCELLATION_REASONS)
    if intent["status"] not in CANCELABLE:
        raise unexpected_state(
            "You cannot cancel this PaymentIntent because it has a status of "
            f"{intent['status']}. Only a PaymentIntent with one of the following statuses "
            f"may be canceled: {', '.join(CANCELABLE)}."
        )
    session = intent.get("_checkout_session")
    if session is not None and store.get("checkout.session", session)["status"] == "open":
        raise invalid(
            "This PaymentIntent belongs to an open Checkout Session; expire the session "
            f"({session}) instead of canceling the PaymentIntent."
        )
    release_hold(store, intent, reason)
    return intent


def release_hold(store: Store, intent: Obj, reason: str | None) -> None:
    """Cancel `intent`: an uncaptured charge is released (shown as refunded)."""
    if intent["status"] == "requires_capture":
        charge = store.get("charge", intent["latest_charge"])
        charge.update(amount_refunded=charge["amount"], refunded=True, _released=charge["amount"])
    intent.update(
        status="canceled",
        amount_capturable=0,
        canceled_at=store.now(),
        cancellation_reason=reason,
    )
    store.emit("payment_intent.canceled", intent)


def lapse_due(store: Store) -> list[Obj]:
    """Cancel every held PaymentIntent whose authorization is past its 7 days.

    As on Stripe: the charge expires (``charge.expired``, the hold shown as refunded) and
    the PaymentIntent is canceled with ``cancellation_reason: "automatic"``
    (``payment_intent.canceled``); capturing it afterwards fails with
    ``payment_intent_unexpected_state``. Returns the lapsed PaymentIntents.
    """
    lapsed: list[Obj] = []
    for intent in store.all("payment_intent"):
        if intent["status"] != "requires_capture":
            continue
        charge = store.get("charge", intent["latest_charge"])
        if charge["payment_method_details"]["card"]["capture_before"] > store.now():
            continue
        charge.update(amount_refunded=charge["amount"], refunded=True, _released=charge["amount"])
        store.emit("charge.expired", charge)
        release_hold(store, intent, "automatic")
        lapsed.append(intent)
    return lapsed
