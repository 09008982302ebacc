"""Saved cards: Customers, Checkout in ``mode=setup``, SetupIntents, off-session payments.

As on Stripe (docs.stripe.com/payments/save-and-reuse, /payments/checkout/save-and-reuse):

* A setup-mode Checkout Session takes no ``line_items`` and no ``payment_intent_data``;
  it needs ``currency`` (the pinned API version has no ``payment_method_types``).
  Completing it makes a SetupIntent (``seti_``) that ``succeeded`` with the card's
  PaymentMethod attached to the session's ``customer``; the session is ``complete``
  and carries ``setup_intent``. Events:
  ``setup_intent.created``, ``payment_method.attached``, ``setup_intent.succeeded``,
  ``checkout.session.completed``. A decline card is refused when saved (as attaching it
  to a Customer is, on Stripe and localstripe), leaving the session open; only
  4000000000000341 saves fine and is declined whenever charged.
* ``POST /v1/payment_intents`` with ``confirm=true`` and ``off_session=true`` charges a
  saved card at once. It must name a ``payment_method`` attached to the ``customer``.
  A decline answers 402 ``card_declined`` (the PaymentIntent stays
  ``requires_payment_method``, its charge failed); a card that needs its holder for
  every payment (4000002760003184) answers 402 ``authentication_required``, with no
  charge. 4000002500003155 needs authentication only when not set up for later use, so
  it succeeds off-session once saved. On-session confirmation (3-D Secure, ``next_action``)
  is not modelled: it gets the fake's "does not support" 400.
* ``POST /v1/payment_methods/{id}/detach`` takes the card off its customer; charging it
  afterwards is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from stripe_fake import cards, currencies
from stripe_fake.checkout import EXPIRY_MAX, check_expiry, url_param
from stripe_fake.errors import card_declined, invalid, unsupported
from stripe_fake.params import (
    Params,
    get_currency,
    get_dict,
    get_int,
    get_metadata,
    get_str,
    reject_unmodelled,
    require_int,
    require_str,
)
from stripe_fake.payments import (
    charge_method,
    new_payment_intent,
    new_payment_method,
)
from stripe_fake.store import Obj, Store, public

SETUP_SESSION_PARAMS = (
    "mode",
    "customer",
    "currency",
    "setup_intent_data",
    "metadata",
    "success_url",
    "cancel_url",
    "expires_at",
    "client_reference_id",
    "locale",
)
ALWAYS_AUTHENTICATE = "4000002760003184"
"""Stripe's test card that needs its holder's authentication for every payment."""
SAVES_FINE = frozenset({cards.CHARGES_FAIL_CARD})
"""Decline cards that can still be saved (attached): only their charges fail."""
INTENT_PARAMS = (
    "amount",
    "currency",
    "customer",
    "payment_method",
    "off_session",
    "confirm",
    "capture_method",
    "description",
    "metadata",
    "transfer_group",
    "expand",
)


@dataclass(frozen=True)
class CardSaved:
    """What `StripeFake.save_card` did: the session and SetupIntent after the attempt."""

    session: Obj
    setup_intent: Obj

    @property
    def succeeded(self) -> bool:
        """True when the card was saved."""
        return bool(self.setup_intent["status"] == "succeeded")

    @property
    def error(self) -> str | None:
        """Why the card was refused (None when it was saved)."""
        failure = self.setup_intent["last_setup_error"]
        return None if failure is None else str(failure["message"])


def create_customer(store: Store, params: Params) -> Obj:
    """``POST /v1/customers``."""
    reject_unmodelled(params, ("metadata", "email", "name", "description"))
    return store.create(
        "customer",
        created=store.now(),
        description=get_str(params, "description"),
        email=get_str(params, "email"),
        invoice_settings={"default_payment_method": None},
        livemode=False,
        metadata=get_metadata(params),
        name=get_str(params, "name"),
    )


def create_setup_session(store: Store, params: Params, base_url: str) -> Obj:
    """``POST /v1/checkout/sessions`` with ``mode=setup``."""
    for refused in ("line_items", "payment_intent_data"):
        if refused in params:
            raise invalid(f"You can not pass `{refused}` in `setup` mode.", param=refused)
    reject_unmodelled(params, SETUP_SESSION_PARAMS)
    customer = get_str(params, "customer")
    if customer is not None:
        store.get("customer", customer, param="customer")
    if "currency" not in params:
        raise invalid(
            "`currency` is required in `setup` mode when `payment_method_types` is not set.",
            param="currency",
        )
    currency = get_currency(params)
    now = store.now()
    expires_at = get_int(params, "expires_at") or now + EXPIRY_MAX
    check_expiry(now, expires_at)
    data = get_dict(params, "setup_intent_data")
    reject_unmodelled(data, ("metadata", "description"), "setup_intent_data")
    session = store.create(
        "checkout.session",
        cancel_url=url_param(params, "cancel_url"),
        client_reference_id=get_str(params, "client_reference_id", max_length=200),
        created=now,
        currency=currency,
        customer=customer,
        customer_details=None,
        expires_at=expires_at,
        livemode=False,
        metadata=get_metadata(params),
        mode="setup",
        payment_intent=None,
        payment_method_types=["card"],
        payment_status="no_payment_required",
        setup_intent=None,
        status="open",
        success_url=url_param(params, "success_url"),
        _setup_data={
            "metadata": get_metadata(data, prefix="setup_intent_data"),
            "description": get_str(data, "description", prefix="setup_intent_data"),
        },
        _line_items=[],
    )
    session["url"] = f"{base_url}/c/pay/{session['id']}"
    return session


def _setup_intent(store: Store, session: Obj) -> Obj:
    if session["setup_intent"] is not None:
        return store.get("setup_intent", session["setup_intent"])
    data = session["_setup_data"]
    intent = store.create(
        "setup_intent",
        cancellation_reason=None,
        created=store.now(),
        customer=session["customer"],
        description=data["description"],
        last_setup_error=None,
        livemode=False,
        metadata=dict(data["metadata"]),
        payment_method=None,
        payment_method_types=["card"],
        status="requires_payment_method",
        usage="off_session",
    )
    intent["client_secret"] = f"{intent['id']}_secret_{intent['id'][5:]}"
    session["setup_intent"] = intent["id"]
    store.emit("setup_intent.created", intent)
    return intent


def save_card(store: Store, session_id: str, number: str, email: str | None) -> CardSaved:
    """The customer saves the test card `number` on a setup-mode session's hosted page."""
    session = store.get("checkout.session", session_id)
    if session["status"] != "open" or session["expires_at"] <= store.now():
        raise invalid(f"Checkout Session {session_id} is {session['status']}, not open.")
    digits = cards.normalize(number)
    intent = _setup_intent(store, session)
    method = new_payment_method(store, digits, email)
    decline = cards.DECLINES.get(digits)
    if decline is not None and digits not in SAVES_FINE:
        intent["last_setup_error"] = {
            "type": "card_error", "code": decline.code, "decline_code": decline.decline_code,
            "message": decline.message,
            "payment_method": {"id": method["id"], "object": "payment_method"},
        }  # fmt: skip
        store.emit("setup_intent.setup_failed", intent)
        return CardSaved(public(session), public(intent))
    if session["customer"] is not None:
        method["customer"] = session["customer"]
        store.emit("payment_method.attached", method)
    intent.update(status="succeeded", payment_method=method["id"], last_setup_error=None)
    store.emit("setup_intent.succeeded", intent)
    session.update(status="complete", url=None, customer_details={"email": email, "name": None})
    store.emit("checkout.session.completed", session)
    return CardSaved(public(session), public(intent))


def _bool(params: Params, name: str) -> bool:
    return get_str(params, name, choices=("true", "false")) == "true"


def _attached_method(store: Store, params: Params) -> Obj:
    """The ``payment_method``, which must be attached to the ``customer`` sent."""
    customer = require_str(params, "customer")
    store.get("customer", customer, param="customer")
    method_id = require_str(params, "payment_method")
    method = store.get("payment_method", method_id, param="payment_method")
    if method["customer"] != customer:
        raise invalid(
            f"The provided PaymentMethod {method_id} does not belong to the Customer "
            f"{customer}; attach it to the Customer first.",
            param="payment_method",
        )
    return method


def create_intent(store: Store, params: Params) -> Obj:
    """``POST /v1/payment_intents``: only ``confirm=true`` + ``off_session=true`` modelled."""
    reject_unmodelled(params, INTENT_PARAMS)
    if not _bool(params, "confirm"):
        raise unsupported("PaymentIntents confirmed later (use confirm=true)", param="confirm")
    if not _bool(params, "off_session"):
        raise unsupported("on-session confirmation (3-D Secure)", param="off_session")
    method = _attached_method(store, params)
    currency = get_currency(params)
    amount = require_int(params, "amount", minimum=1)
    currencies.check_charge_amount(
        amount, currency, "amount",
        message=f"Amount must be at least {currencies.minimum_amount(currency)} {currency} "
        "minor units.",
    )  # fmt: skip
    capture = get_str(params, "capture_method", choices=("automatic", "automatic_async", "manual"))
    intent = new_payment_intent(
        store, amount=amount, currency=currency, capture_method=capture or "automatic_async",
        metadata=get_metadata(params), transfer_group=get_str(params, "transfer_group"),
        description=get_str(params, "description"),
    )  # fmt: skip
    intent.update(customer=params["customer"], payment_method=method["id"])
    if method["_number"] == ALWAYS_AUTHENTICATE:
        _needs_authentication(store, intent, method)
    charge = charge_method(store, intent, method)
    if charge["status"] != "succeeded":
        error = intent["last_payment_error"]
        raise card_declined(
            error["message"], code=error["code"], decline_code=error["decline_code"],
            charge=charge["id"], payment_intent=public(intent),
        )  # fmt: skip
    return intent


def _needs_authentication(store: Store, intent: Obj, method: Obj) -> None:
    """Off-session, nobody can authenticate: the attempt fails with no charge made."""
    message = "Your card was declined. This transaction requires authentication."
    intent["last_payment_error"] = {
        "type": "card_error", "code": "authentication_required",
        "decline_code": "authentication_required", "message": message,
        "payment_method": {"id": method["id"], "object": "payment_method"},
    }  # fmt: skip
    store.emit("payment_intent.payment_failed", intent)
    raise card_declined(
        message, code="authentication_required", decline_code="authentication_required",
        payment_intent=public(intent),
    )  # fmt: skip


def detach_method(store: Store, method_id: str, params: Params) -> Obj:
    """``POST /v1/payment_methods/{id}/detach``."""
    reject_unmodelled(params, ())
    method = store.get("payment_method", method_id)
    if method["customer"] is None:
        raise invalid(
            f"The payment method {method_id} is not attached to a customer.",
            param="payment_method",
        )
    method["customer"] = None
    store.emit("payment_method.detached", method)
    return method
