"""Idempotency keys on the fake: replay the first answer, refuse changed parameters."""

from __future__ import annotations

import time

import pytest
import stripe

from stripe_fake import StripeFake, stripe_client
from tests.stripe_contract.support import new_session

TOO_LATE = 4_000_000_000  # an expires_at Stripe refuses (more than 24 h away)


async def test_same_key_same_params_returns_the_first_object(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    first = await new_session(client, key="booking-42-checkout-1")
    second = await new_session(client, key="booking-42-checkout-1", expires_at=first.expires_at)
    assert second.id == first.id
    assert len([o for o in fake.store.objects.values() if o["object"] == "checkout.session"]) == 1
    creates = [r for r in fake.requests if r.path == "/v1/checkout/sessions"]
    assert [(r.idempotency_key, r.replayed) for r in creates] == [
        ("booking-42-checkout-1", False),
        ("booking-42-checkout-1", True),
    ]
    assert creates[0].params["payment_intent_data"]["transfer_group"] == "booking_42"


async def test_same_key_other_params_is_an_idempotency_error(client: stripe.StripeClient) -> None:
    first = await new_session(client, key="booking-42-checkout-2")
    with pytest.raises(stripe.IdempotencyError) as mismatch:
        await new_session(
            client, key="booking-42-checkout-2", amount=9999, expires_at=first.expires_at
        )
    assert mismatch.value.http_status == 400
    assert mismatch.value.json_body is not None
    assert mismatch.value.json_body["error"]["type"] == "idempotency_error"


async def test_a_repeated_refund_key_refunds_once(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    paid = await fake.pay((await new_session(client, capture_method="automatic")).id)
    params = {"payment_intent": paid.payment_intent["id"], "amount": 1000}
    options: stripe.RequestOptions = {"idempotency_key": "booking-42-refund-late-cancel"}
    first = await client.v1.refunds.create_async(params=params, options=options)
    second = await client.v1.refunds.create_async(params=params, options=options)
    assert first.id == second.id
    charge = await client.v1.charges.retrieve_async(paid.charge["id"])
    assert charge.amount_refunded == 1000
    assert len(fake.events_of_type("charge.refunded")) == 1


async def test_a_refused_request_does_not_use_up_the_key(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        await new_session(client, key="booking-42-checkout-3", expires_at=TOO_LATE)
    later = int(time.time()) + 3600
    session = await new_session(client, key="booking-42-checkout-3", expires_at=later)
    assert session.status == "open"


async def test_keys_are_scoped_to_the_api_key(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    first = await new_session(client, key="shared-key")
    async with stripe_client(fake.base_url, "sk_test_other_account") as other:
        second = await new_session(other, key="shared-key", expires_at=first.expires_at)
    assert second.id != first.id


async def test_capture_retried_with_its_key_does_not_fail(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    """A capture retried after a lost response gets the saved success, not an error."""
    held = await fake.pay((await new_session(client)).id)
    options: stripe.RequestOptions = {"idempotency_key": "booking-42-capture"}
    intent_id = held.payment_intent["id"]
    first = await client.v1.payment_intents.capture_async(intent_id, options=options)
    again = await client.v1.payment_intents.capture_async(intent_id, options=options)
    assert (first.status, again.status) == ("succeeded", "succeeded")
    assert len(fake.events_of_type("payment_intent.succeeded")) == 1
