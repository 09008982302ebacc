"""Checkout Sessions in ``mode=payment`` with ``price_data`` line items.

As on Stripe (API versions since 2022-08-01) a session has no PaymentIntent until the
customer pays; a declined card leaves the session open with a PaymentIntent in
``requires_payment_method`` that the next attempt reuses. With ``capture_method=manual``
the completed session's ``payment_status`` stays ``unpaid`` (the money is authorized, not
captured): read the PaymentIntent's ``status == "requires_capture"`` for "held".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stripe_fake import cards, currencies
from stripe_fake.errors import invalid, unsupported
from stripe_fake.ids import random_part
from stripe_fake.params import (
    Params,
    get_currency,
    get_dict,
    get_int,
    get_list,
    get_metadata,
    get_str,
    reject_unmodelled,
    require_int,
    require_str,
)
from stripe_fake.payments import new_payment_intent, pay_with_card, release_hold
from stripe_fake.store import Obj, Store, public

SESSION_PARAMS = (
    "mode",
    "line_items",
    "payment_intent_data",
    "metadata",
    "success_url",
    "cancel_url",
    "expires_at",
    "client_reference_id",
    "customer_email",
    "payment_method_types",
    "locale",
    "submit_type",
    "adaptive_pricing",
)
INTENT_DATA_PARAMS = (
    "capture_method",
    "transfer_group",
    "metadata",
    "description",
    "receipt_email",
    "statement_descriptor",
    "statement_descriptor_suffix",
)
UNSUPPORTED_INTENT_DATA = ("application_fee_amount", "on_behalf_of", "transfer_data", "shipping")
EXPIRY_MIN, EXPIRY_MAX, EXPIRY_LEEWAY = 30 * 60, 24 * 3600, 10
DASHBOARD_ADAPTIVE_PRICING = True
"""The Dashboard setting a session without ``adaptive_pricing[enabled]`` follows."""


@dataclass(frozen=True)
class Payment:
    """What `StripeFake.pay` did: snapshots of the session, PaymentIntent and charge."""

    session: Obj
    payment_intent: Obj
    charge: Obj

    @property
    def succeeded(self) -> bool:
        """True when the card was accepted (held or captured)."""
        return bool(self.charge["status"] == "succeeded")

    @property
    def decline_code(self) -> str | None:
        """The decline code of a refused card (None when it succeeded)."""
        reason = self.charge["outcome"]["reason"]
        return None if self.succeeded else str(reason)


def url_param(params: Params, name: str, *, required: bool = False) -> str | None:
    """A URL parameter (``success_url``, ``cancel_url``): http or https."""
    value = get_str(params, name, required=required)
    if value is not None and not value.startswith(("http://", "https://")):
        raise invalid("Not a valid URL", param=name, code="url_invalid")
    return value


def _line_item(raw: Any, index: int, currency: str | None) -> Obj:
    where = f"line_items[{index}]"
    if not isinstance(raw, dict):
        raise invalid(f"Invalid object: {where}", param=where)
    if "price" in raw:
        raise unsupported("line items with a Price id (use price_data)", param=f"{where}[price]")
    reject_unmodelled(raw, ("price_data", "quantity"), where)
    quantity = require_int(raw, "quantity", prefix=where, minimum=1)
    where = f"{where}[price_data]"
    price_data = get_dict(raw, "price_data", prefix=f"line_items[{index}]")
    reject_unmodelled(price_data, ("currency", "unit_amount", "product_data"), where)
    item_currency = get_currency(price_data, prefix=where)
    if currency is not None and item_currency != currency:
        raise invalid("All line items must use the same currency.", param=f"{where}[currency]")
    unit_amount = require_int(price_data, "unit_amount", prefix=where, minimum=0)
    product = get_dict(price_data, "product_data", prefix=where)
    product_where = f"{where}[product_data]"
    reject_unmodelled(product, ("name", "description", "metadata", "images"), product_where)
    name = require_str(product, "name", prefix=f"{where}[product_data]")
    total = unit_amount * quantity
    return {
        "id": "li_" + random_part(24),
        "object": "item",
        "amount_subtotal": total,
        "amount_total": total,
        "currency": item_currency,
        "description": name,
        "quantity": quantity,
        "price": {"object": "price", "currency": item_currency, "unit_amount": unit_amount},
    }


def _intent_data(params: Params) -> Obj:
    data = get_dict(params, "payment_intent_data")
    where = "payment_intent_data"
    for name in UNSUPPORTED_INTENT_DATA:
        if name in data:
            raise unsupported(f"{where}[{name}]", param=f"{where}[{name}]")
    reject_unmodelled(data, INTENT_DATA_PARAMS, where)
    return {
        "capture_method": get_str(
            data,
            "capture_method",
            prefix=where,
            choices=("automatic", "automatic_async", "manual"),
        )
        or "automatic_async",
        "transfer_group": get_str(data, "transfer_group", prefix=where),
        "metadata": get_metadata(data, prefix=where),
        "description": get_str(data, "description", prefix=where),
    }


def _adaptive_pricing(params: Params) -> Obj:
    """``adaptive_pricing``: whether Stripe may localize the price (the fake never does)."""
    data = get_dict(params, "adaptive_pricing")
    reject_unmodelled(data, ("enabled",), "adaptive_pricing")
    enabled = get_str(data, "enabled", prefix="adaptive_pricing", choices=("true", "false"))
    return {"enabled": DASHBOARD_ADAPTIVE_PRICING if enabled is None else enabled == "true"}


def check_expiry(now: int, expires_at: int) -> None:
    """A session's ``expires_at``: 30 minutes to 24 hours after its creation."""
    if not now + EXPIRY_MIN - EXPIRY_LEEWAY <= expires_at <= now + EXPIRY_MAX:
        raise invalid(
            "The `expires_at` timestamp must be between 30 minutes and 24 hours from "
            "Checkout Session creation.",
            param="expires_at",
            violation=True,
        )


def create_session(store: Store, params: Params, base_url: str) -> Obj:
    """``POST /v1/checkout/sessions`` in ``mode=payment`` (setup mode: `setup`)."""
    reject_unmodelled(params, SESSION_PARAMS)
    mode = require_str(params, "mode", choices=("payment", "setup", "subscription"))
    if mode != "payment":
        raise unsupported(f"mode={mode}", param="mode")
    raw_items = get_list(params, "line_items")
    if not raw_items:
        raise invalid("You must provide at least one line item.", param="line_items")
    items: list[Obj] = []
    for index, raw in enumerate(raw_items):
        items.append(_line_item(raw, index, items[0]["currency"] if items else None))
    currency = str(items[0]["currency"])
    total = sum(int(item["amount_total"]) for item in items)
    for index, item in enumerate(items):
        currencies.check_divisibility(
            int(item["price"]["unit_amount"]),
            currency,
            f"line_items[{index}][price_data][unit_amount]",
        )
    currencies.check_charge_amount(
        total,
        currency,
        "line_items",
        message="The Checkout Session's total amount due must add up to at least "
        f"{currencies.minimum_amount(currency)} {currency} minor units.",
    )
    now = store.now()
    expires_at = get_int(params, "expires_at") or now + EXPIRY_MAX
    check_expiry(now, expires_at)
    session = store.create(
        "checkout.session",
        adaptive_pricing=_adaptive_pricing(params),
        amount_subtotal=total,
        amount_total=total,
        cancel_url=url_param(params, "cancel_url"),
        client_reference_id=get_str(params, "client_reference_id", max_length=200),
        created=now,
        currency=currency,
        customer=None,
        customer_details=None,
        customer_email=get_str(params, "customer_email"),
        expires_at=expires_at,
        livemode=False,
        metadata=get_metadata(params),
        mode="payment",
        payment_intent=None,
        payment_method_types=["card"],
        payment_status="unpaid",
        status="open",
        success_url=url_param(params, "success_url"),
        _intent_data=_intent_data(params),
        _line_items=items,
    )
    session["url"] = f"{base_url}/c/pay/{session['id']}"
    return session


def line_items(session: Obj) -> Obj:
    """The session's line items as Stripe lists them (``expand[]=line_items``)."""
    return {
        "object": "list",
        "data": [dict(item) for item in session["_line_items"]],
        "has_more": False,
        "url": f"/v1/checkout/sessions/{session['id']}/line_items",
    }


def expire_session(store: Store, session_id: str) -> Obj:
    """Expire an open session (its abandoned PaymentIntent, if any, is canceled)."""
    session = store.get("checkout.session", session_id)
    if session["status"] != "open":
        raise invalid(
            f'Only Checkout Sessions with a status in ["open"] can be expired; {session_id} '
            f"is {session['status']}.",
            param="session",
        )
    intent_id = session["payment_intent"]
    if intent_id is not None:
        intent = store.get("payment_intent", intent_id)
        if intent["status"] == "requires_payment_method":
            release_hold(store, intent, "abandoned")
    session.update(status="expired", url=None)
    store.emit("checkout.session.expired", session)
    return session


def expire_due(store: Store) -> list[Obj]:
    """Expire every open session whose ``expires_at`` has passed (Stripe does it by itself)."""
    due = [s for s in store.all("checkout.session") if s["status"] == "open"]
    return [expire_session(store, s["id"]) for s in due if s["expires_at"] <= store.now()]


def pay_session(store: Store, session_id: str, card: str, email: str | None) -> Payment:
    """The customer pays on the hosted page with the test card `card`."""
    session = store.get("checkout.session", session_id)
    if session["status"] == "open" and session["expires_at"] <= store.now():
        expire_session(store, session_id)
    if session["status"] != "open":
        raise invalid(f"Checkout Session {session_id} is {session['status']}, not open.")
    cards.normalize(card)
    intent_id = session["payment_intent"]
    if intent_id is None:
        data = session["_intent_data"]
        intent = new_payment_intent(
            store,
            amount=session["amount_total"],
            currency=session["currency"],
            capture_method=data["capture_method"],
            metadata=dict(data["metadata"]),
            transfer_group=data["transfer_group"],
            description=data["description"],
        )
        intent["_checkout_session"] = session_id
        session["payment_intent"] = intent["id"]
    else:
        intent = store.get("payment_intent", intent_id)
    charge = pay_with_card(store, intent, card, email or session["customer_email"])
    if charge["status"] == "succeeded":
        held = intent["status"] == "requires_capture"
        session.update(
            status="complete",
            url=None,
            payment_status="unpaid" if held else "paid",
            customer_details={"email": email or session["customer_email"], "name": None},
        )
        store.emit("checkout.session.completed", session)
    return Payment(public(session), public(intent), public(charge))
