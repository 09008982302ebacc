"""What localstripe (1.15.10) models of saved cards, measured against the real library.

It has Customers, PaymentMethods attached to them (a decline card is refused when
attached, as on Stripe) and off-session manual-capture PaymentIntents (4000000000000341
is declined when charged). It lacks what the in-repo fake adds (`stripe_fake/setup.py`):
Checkout (so no setup mode), SetupIntents confirmed with a card, and `description` /
`transfer_group` on a PaymentIntent; and an off-session payment of a card that needs
authentication answers ``requires_action`` where Stripe answers 402
``authentication_required``. The product treats any answer that is not a hold as "the
student must pay", so it is right on both.
"""

from __future__ import annotations

from typing import Any

import pytest
import stripe


async def _attached(client: stripe.StripeClient, number: str) -> tuple[str, str]:
    customer = await client.v1.customers.create_async(params={"metadata": {"member": "7"}})
    card: Any = {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    method = await client.v1.payment_methods.create_async(params={"type": "card", "card": card})
    await client.v1.payment_methods.attach_async(method.id, params={"customer": customer.id})
    return customer.id, method.id


def _off_session(customer: str, method: str) -> Any:
    return {
        "amount": 2875, "currency": "usd", "customer": customer, "payment_method": method,
        "off_session": True, "confirm": True, "capture_method": "manual",
        "metadata": {"series_booking": "9"},
    }  # fmt: skip


async def test_a_saved_card_is_held_off_session(ls_client: stripe.StripeClient) -> None:
    customer, method = await _attached(ls_client, "4242424242424242")
    intent = await ls_client.v1.payment_intents.create_async(params=_off_session(customer, method))
    assert intent.status == "requires_capture"
    detached = await ls_client.v1.payment_methods.detach_async(method)
    assert detached.customer is None


async def test_a_card_that_declines_when_charged(ls_client: stripe.StripeClient) -> None:
    customer, method = await _attached(ls_client, "4000000000000341")
    with pytest.raises(stripe.CardError) as refused:
        await ls_client.v1.payment_intents.create_async(params=_off_session(customer, method))
    assert refused.value.code == "card_declined"


async def test_a_decline_card_cannot_be_attached(ls_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.CardError):
        await _attached(ls_client, "4000000000009995")


async def test_authentication_cards_answer_requires_action_off_session(
    ls_client: stripe.StripeClient,
) -> None:
    customer, method = await _attached(ls_client, "4000002760003184")
    intent = await ls_client.v1.payment_intents.create_async(params=_off_session(customer, method))
    assert intent.status == "requires_action"  # Stripe: 402 authentication_required


async def test_what_localstripe_lacks_is_refused(ls_client: stripe.StripeClient) -> None:
    customer, method = await _attached(ls_client, "4242424242424242")
    with pytest.raises(stripe.InvalidRequestError, match="transfer_group"):
        await ls_client.v1.payment_intents.create_async(
            params={**_off_session(customer, method), "transfer_group": "booking_9"}
        )
    with pytest.raises(stripe.StripeError):
        await ls_client.v1.checkout.sessions.create_async(
            params={"mode": "setup", "currency": "usd", "success_url": "https://x.test"}
        )
