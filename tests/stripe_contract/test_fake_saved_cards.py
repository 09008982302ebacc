"""The fake's saved cards, driven by the real stripe library: Customers, Checkout in setup
mode, SetupIntents, off-session PaymentIntents, detach; decline and SCA test cards; the
setup's signed ``checkout.session.completed`` through ``stripe.Webhook.construct_event``.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import stripe

from stripe_fake import StripeFake
from tests.stripe_contract.support import WebhookReceiver

SECRET = "whsec_saved_cards_secret"


async def _saved(fake: StripeFake, client: stripe.StripeClient, card: str) -> tuple[str, str]:
    """A Customer with `card` saved through a setup-mode Checkout: (customer, method)."""
    customer = await client.v1.customers.create_async(params={"metadata": {"member": "7"}})
    session = await client.v1.checkout.sessions.create_async(
        params={
            "mode": "setup",
            "customer": customer.id,
            "currency": "usd",
            "success_url": "https://example.test/ok",
            "cancel_url": "https://example.test/back",
            "setup_intent_data": {"metadata": {"series_id": "3"}},
            "metadata": {"series_id": "3"},
            "expires_at": int(time.time()) + 3600,
        }
    )
    assert session.mode == "setup"
    assert session.url
    saved = await fake.save_card(session.id, card)
    assert saved.succeeded, saved.error
    read = await client.v1.checkout.sessions.retrieve_async(
        session.id, params={"expand": ["setup_intent"]}
    )
    assert read.status == "complete"
    intent: Any = read.setup_intent
    assert intent.status == "succeeded"
    assert intent.usage == "off_session"
    return customer.id, str(intent.payment_method)


def _off_session(customer: str, method: str, amount: int = 2875) -> Any:
    return {
        "amount": amount, "currency": "usd", "customer": customer, "payment_method": method,
        "off_session": True, "confirm": True, "capture_method": "manual",
        "metadata": {"series_booking": "9"}, "transfer_group": "booking_9",
    }  # fmt: skip


async def test_a_saved_card_is_held_off_session_with_manual_capture(fake, client) -> None:
    customer, method = await _saved(fake, client, "4242424242424242")
    intent = await client.v1.payment_intents.create_async(
        params=_off_session(customer, method), options={"idempotency_key": "k1"}
    )
    assert intent.status == "requires_capture"
    assert intent.amount_capturable == 2875
    assert intent.customer == customer
    captured = await client.v1.payment_intents.capture_async(intent.id)
    assert captured.status == "succeeded"
    assert fake.violations == []


async def test_a_card_set_up_for_later_needs_no_authentication_off_session(fake, client) -> None:
    customer, method = await _saved(fake, client, "4000002500003155")
    intent = await client.v1.payment_intents.create_async(params=_off_session(customer, method))
    assert intent.status == "requires_capture"


async def test_a_card_that_always_needs_authentication_is_refused_off_session(fake, client) -> None:
    customer, method = await _saved(fake, client, "4000002760003184")
    with pytest.raises(stripe.CardError) as refused:
        await client.v1.payment_intents.create_async(params=_off_session(customer, method))
    assert refused.value.code == "authentication_required"
    body = refused.value.json_body or {}
    assert body["error"]["payment_intent"]["status"] == "requires_payment_method"
    assert body["error"]["payment_intent"]["latest_charge"] is None


async def test_a_card_that_saves_but_declines_is_refused_when_charged(fake, client) -> None:
    customer, method = await _saved(fake, client, "4000000000000341")
    with pytest.raises(stripe.CardError) as refused:
        await client.v1.payment_intents.create_async(
            params=_off_session(customer, method), options={"idempotency_key": "k2"}
        )
    assert refused.value.code == "card_declined"
    intent_id = (refused.value.json_body or {})["error"]["payment_intent"]["id"]
    assert (await client.v1.payment_intents.retrieve_async(intent_id)).status == (
        "requires_payment_method"
    )
    with pytest.raises(stripe.CardError):  # the same key replays Stripe's 402
        await client.v1.payment_intents.create_async(
            params=_off_session(customer, method), options={"idempotency_key": "k2"}
        )
    assert len(fake.store.all("payment_intent")) == 1


async def test_a_decline_card_cannot_be_saved(fake, client) -> None:
    customer = await client.v1.customers.create_async()
    session = await client.v1.checkout.sessions.create_async(
        params={"mode": "setup", "customer": customer.id, "currency": "usd",
                "success_url": "https://example.test/ok"}
    )  # fmt: skip
    saved = await fake.save_card(session.id, "4000000000009995")
    assert not saved.succeeded
    assert (await client.v1.checkout.sessions.retrieve_async(session.id)).status == "open"


async def test_setup_mode_refuses_line_items_and_needs_a_currency(fake, client) -> None:
    with pytest.raises(stripe.InvalidRequestError, match="currency"):
        await client.v1.checkout.sessions.create_async(
            params={"mode": "setup", "success_url": "https://example.test/ok"}
        )
    item: Any = {"price_data": {"currency": "usd", "unit_amount": 100,
                                "product_data": {"name": "x"}}, "quantity": 1}  # fmt: skip
    with pytest.raises(stripe.InvalidRequestError, match="line_items"):
        await client.v1.checkout.sessions.create_async(
            params={"mode": "setup", "currency": "usd", "line_items": [item],
                    "success_url": "https://example.test/ok"}
        )  # fmt: skip


async def test_a_detached_card_can_no_longer_be_charged(fake, client) -> None:
    customer, method = await _saved(fake, client, "4242424242424242")
    detached = await client.v1.payment_methods.detach_async(method)
    assert detached.customer is None
    with pytest.raises(stripe.InvalidRequestError, match="does not belong"):
        await client.v1.payment_intents.create_async(params=_off_session(customer, method))
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.payment_methods.detach_async(method)


async def test_on_session_confirmation_is_not_modelled(fake, client) -> None:
    customer, method = await _saved(fake, client, "4242424242424242")
    params = {**_off_session(customer, method), "off_session": False}
    with pytest.raises(stripe.InvalidRequestError, match="does not support"):
        await client.v1.payment_intents.create_async(params=params)


async def test_the_setup_completion_is_signed_and_carries_its_setup_intent(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    fake.add_webhook_endpoint(receiver.url, SECRET)
    await _saved(fake, client, "4242424242424242")
    await fake.settle()
    types = [e["type"] for e in receiver.events()]
    assert types[-4:] == [
        "setup_intent.created", "payment_method.attached", "setup_intent.succeeded",
        "checkout.session.completed",
    ]  # fmt: skip
    completed = receiver.received[-1]
    event = stripe.Webhook.construct_event(completed.body, completed.signature, SECRET)
    session = event.data.object
    assert session["mode"] == "setup"
    assert str(session["setup_intent"]).startswith("seti_")
    assert session["customer"].startswith("cus_")


async def test_the_harness_can_decline_one_charge_of_a_saved_card(fake, client) -> None:
    customer, method = await _saved(fake, client, "4242424242424242")
    fake.decline_next_charge(method)
    with pytest.raises(stripe.CardError) as refused:
        await client.v1.payment_intents.create_async(params=_off_session(customer, method))
    assert refused.value.json_body["error"]["decline_code"] == "insufficient_funds"
    intent = await client.v1.payment_intents.create_async(params=_off_session(customer, method))
    assert intent.status == "requires_capture"
