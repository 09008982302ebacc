"""Contract tests: the real `stripe` library (async, aiohttp) against localstripe 1.15.10.

localstripe runs as a separate process bound to 127.0.0.1 (see stripe_fake/localstripe.py).
Where localstripe differs from Stripe the test asserts what localstripe does and says so
("GAP"); the in-repo fake (test_fake*.py) covers those parts.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import stripe

from stripe_fake.localstripe import configure_localstripe_webhook
from stripe_fake.signing import new_webhook_secret
from tests.stripe_contract.support import WebhookReceiver

DECLINED_ON_CHARGE = "pm_card_chargeCustomerFail"  # 4000000000000341 in localstripe


async def _hold(client: stripe.StripeClient, amount: int = 5000) -> stripe.PaymentIntent:
    return await client.v1.payment_intents.create_async(
        params={
            "amount": amount,
            "currency": "usd",
            "capture_method": "manual",
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )


async def _pay(client: stripe.StripeClient, amount: int) -> stripe.PaymentIntent:
    return await client.v1.payment_intents.create_async(
        params={
            "amount": amount,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )


def _charge(intent: stripe.PaymentIntent) -> dict[str, Any]:
    # GAP: localstripe returns latest_charge expanded (Stripe returns the id).
    return dict(intent.to_dict()["latest_charge"])


async def test_manual_capture_confirm_holds(ls_client: stripe.StripeClient) -> None:
    intent = await _hold(ls_client)
    assert intent.id.startswith("pi_")
    assert intent.status == "requires_capture"
    assert intent.capture_method == "manual"
    charge = _charge(intent)
    assert charge["captured"] is False
    assert charge["amount"] == 5000
    # GAP: no amount_capturable / amount_received on localstripe's PaymentIntent.
    assert "amount_capturable" not in intent.to_dict()


async def test_full_capture(ls_client: stripe.StripeClient) -> None:
    intent = await _hold(ls_client)
    captured = await ls_client.v1.payment_intents.capture_async(intent.id)
    assert captured.status == "succeeded"
    charge = _charge(captured)
    assert charge["captured"] is True
    assert charge["amount_refunded"] == 0


async def test_partial_capture_releases_the_remainder(ls_client: stripe.StripeClient) -> None:
    intent = await _hold(ls_client, 5000)
    captured = await ls_client.v1.payment_intents.capture_async(
        intent.id, params={"amount_to_capture": 3000}
    )
    assert captured.status == "succeeded"
    charge = await ls_client.v1.charges.retrieve_async(_charge(captured)["id"])
    assert charge.captured is True
    # The uncaptured 2000 shows as refunded (localstripe makes a Refund object for it).
    assert charge.amount_refunded == 2000
    assert charge.refunded is False
    refunds = await ls_client.v1.refunds.list_async(params={"charge": charge.id})
    assert [r.amount for r in refunds.data] == [2000]


async def test_capture_is_refused_twice_or_beyond_the_hold(ls_client: stripe.StripeClient) -> None:
    intent = await _hold(ls_client, 5000)
    with pytest.raises(stripe.InvalidRequestError):
        await ls_client.v1.payment_intents.capture_async(
            intent.id, params={"amount_to_capture": 6000}
        )
    await ls_client.v1.payment_intents.capture_async(intent.id)
    with pytest.raises(stripe.InvalidRequestError):
        await ls_client.v1.payment_intents.capture_async(intent.id)
    with pytest.raises(stripe.InvalidRequestError):  # a succeeded intent cannot be canceled
        await ls_client.v1.payment_intents.cancel_async(intent.id)


async def test_cancel_uncaptured(ls_client: stripe.StripeClient) -> None:
    intent = await _hold(ls_client)
    canceled = await ls_client.v1.payment_intents.cancel_async(intent.id)
    assert canceled.status == "canceled"
    with pytest.raises(stripe.InvalidRequestError):
        await ls_client.v1.payment_intents.cancel_async(intent.id)


async def test_capture_after_cancel_is_not_refused(ls_client: stripe.StripeClient) -> None:
    """GAP: Stripe refuses to capture a canceled intent; localstripe captures its charge."""
    intent = await _hold(ls_client)
    await ls_client.v1.payment_intents.cancel_async(intent.id)
    after = await ls_client.v1.payment_intents.capture_async(intent.id)
    assert after.status == "canceled"
    assert _charge(after)["captured"] is True


async def test_refund_of_an_uncaptured_hold_is_accepted(ls_client: stripe.StripeClient) -> None:
    """GAP: localstripe refunds an uncaptured hold in full; the fake refuses (cancel it)."""
    intent = await _hold(ls_client, 5000)
    refund = await ls_client.v1.refunds.create_async(params={"payment_intent": intent.id})
    assert refund.amount == 5000


async def test_idempotency_keys_are_ignored(ls_client: stripe.StripeClient) -> None:
    """GAP: the same Idempotency-Key makes a second object; the fake replays the first."""
    params: dict[str, Any] = {"amount": 5000, "currency": "usd"}
    first = await ls_client.v1.payment_intents.create_async(
        params=params, options={"idempotency_key": "same-key"}
    )
    second = await ls_client.v1.payment_intents.create_async(
        params=params, options={"idempotency_key": "same-key"}
    )
    assert first.id != second.id


async def test_refund_full_and_partial(ls_client: stripe.StripeClient) -> None:
    paid = await _pay(ls_client, 6000)
    assert paid.status == "succeeded"
    partial = await ls_client.v1.refunds.create_async(
        params={"payment_intent": paid.id, "amount": 1000}
    )
    assert partial.id.startswith("re_")
    assert partial.amount == 1000
    charge = await ls_client.v1.charges.retrieve_async(_charge(paid)["id"])
    assert (charge.amount_refunded, charge.refunded) == (1000, False)
    rest = await ls_client.v1.refunds.create_async(params={"charge": charge.id, "amount": 5000})
    assert rest.status == "succeeded"
    charge = await ls_client.v1.charges.retrieve_async(charge.id)
    assert (charge.amount_refunded, charge.refunded) == (6000, True)

    other = await _pay(ls_client, 2500)
    full = await ls_client.v1.refunds.create_async(params={"payment_intent": other.id})
    assert full.amount == 2500


async def test_refund_limit_is_not_enforced(ls_client: stripe.StripeClient) -> None:
    """GAP: localstripe lets refunds exceed the captured amount; the fake refuses them."""
    paid = await _pay(ls_client, 1000)
    too_much = await ls_client.v1.refunds.create_async(
        params={"payment_intent": paid.id, "amount": 999_999}
    )
    assert too_much.amount == 999_999


async def test_declined_card_raises_card_error(ls_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.CardError) as declined:
        await ls_client.v1.payment_intents.create_async(
            params={
                "amount": 5000,
                "currency": "usd",
                "capture_method": "manual",
                "payment_method": DECLINED_ON_CHARGE,
                "confirm": True,
            }
        )
    assert declined.value.code == "card_declined"
    assert declined.value.http_status == 402


async def test_generic_decline_card_only_declines_on_attach(
    ls_client: stripe.StripeClient,
) -> None:
    """GAP: 4000000000000002 charges fine in localstripe; it is refused only on attach."""
    method = await ls_client.v1.payment_methods.create_async(
        params={
            "type": "card",
            "card": {"number": "4000000000000002", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    intent = await ls_client.v1.payment_intents.create_async(
        params={"amount": 5000, "currency": "usd", "payment_method": method.id, "confirm": True}
    )
    assert intent.status == "succeeded"
    customer = await ls_client.v1.customers.create_async()
    with pytest.raises(stripe.CardError) as declined:
        await ls_client.v1.payment_methods.attach_async(method.id, params={"customer": customer.id})
    assert declined.value.code == "card_declined"


async def test_unsupported_parts_are_absent(ls_client: stripe.StripeClient) -> None:
    """GAP: no Checkout Sessions, Connect accounts or transfers; transfer_group refused."""
    with pytest.raises(stripe.APIError) as missing:
        await ls_client.v1.checkout.sessions.create_async(params={"mode": "payment"})
    assert missing.value.http_status == 404
    with pytest.raises(stripe.APIError):
        await ls_client.v1.accounts.create_async(params={"type": "express"})
    with pytest.raises(stripe.APIError):
        await ls_client.v1.transfers.create_async(
            params={"amount": 100, "currency": "usd", "destination": "acct_x"}
        )
    with pytest.raises(stripe.InvalidRequestError, match="transfer_group"):
        await ls_client.v1.payment_intents.create_async(
            params={"amount": 5000, "currency": "usd", "transfer_group": "booking_1"}
        )


async def _events_for(receiver: WebhookReceiver, intent_id: str) -> list[dict[str, Any]]:
    return [e for e in receiver.events() if e["data"]["object"].get("id") == intent_id]


async def test_signed_webhooks_verify_with_the_real_library(
    localstripe_url: str, ls_client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    secret = new_webhook_secret()
    await configure_localstripe_webhook(localstripe_url, receiver.url, secret)
    canceled = await _hold(ls_client)
    await ls_client.v1.payment_intents.cancel_async(canceled.id)
    held = await _hold(ls_client)
    refunded = await _pay(ls_client, 3000)
    await ls_client.v1.refunds.create_async(params={"payment_intent": refunded.id})
    with pytest.raises(stripe.CardError):
        await ls_client.v1.payment_intents.create_async(
            params={
                "amount": 5000,
                "currency": "usd",
                "payment_method": DECLINED_ON_CHARGE,
                "confirm": True,
            }
        )
    await ls_client.v1.payment_intents.capture_async(held.id, params={"amount_to_capture": 4000})

    captured = await receiver.wait_for(
        lambda e: e["type"] == "payment_intent.succeeded" and e["data"]["object"]["id"] == held.id
    )
    await receiver.wait_for(lambda e: e["type"] == "payment_intent.payment_failed")
    event = stripe.Webhook.construct_event(captured.body, captured.signature, secret)
    assert event.type == "payment_intent.succeeded"
    assert event.id.startswith("evt_")
    assert event.data.object["status"] == "succeeded"
    assert captured.signature.startswith("t=")
    assert ",v1=" in captured.signature

    tampered = captured.body.replace(b'"succeeded"', b'"canceled"', 1)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(tampered, captured.signature, secret)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(captured.body, captured.signature, new_webhook_secret())

    # GAP (measured): events localstripe never sends. The capture's event came last and
    # every event is sent 1 s after it is made, so earlier ones would have arrived by now.
    await asyncio.sleep(0.2)
    assert await _events_for(receiver, canceled.id) == []  # no payment_intent.canceled
    assert [e["type"] for e in await _events_for(receiver, held.id)] == [
        "payment_intent.succeeded"  # no payment_intent.amount_capturable_updated
    ]
    sent = {e["type"] for e in receiver.events()}
    assert "charge.refunded" not in sent
    assert "payment_intent.succeeded" in sent
    assert all(json.loads(r.body)["livemode"] is False for r in receiver.received)
