"""StripeGateway against localstripe (a separate loopback process): the PaymentIntent
lifecycle it models. The intents are made directly through the client, as Checkout (which
localstripe lacks) would make them; the gateway then reads, captures, voids and refunds.

localstripe has no ``amount_capturable``/``amount_received``/``amount_captured``; the
gateway derives them from the status and the charge (see `intent_state`).
"""

from __future__ import annotations

import pytest
import stripe

from marketplace.payments import StripeGateway
from marketplace.ports.payments import PaymentGatewayError


async def _intent(client: stripe.StripeClient, *, manual: bool, amount: int = 5000) -> str:
    intent = await client.v1.payment_intents.create_async(
        params={
            "amount": amount,
            "currency": "usd",
            "capture_method": "manual" if manual else "automatic",
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )
    return intent.id


async def test_a_manual_capture_intent_reads_as_held(
    ls_client: stripe.StripeClient, ls_gateway: StripeGateway
) -> None:
    intent_id = await _intent(ls_client, manual=True)
    state = await ls_gateway.intent(intent_id)
    assert state.held
    assert (state.amount, state.amount_capturable, state.amount_received) == (5000, 5000, 0)
    assert state.currency == "USD"
    assert state.latest_charge_id is not None
    assert state.latest_charge_id.startswith("ch_")


async def test_partial_capture_through_the_gateway(
    ls_client: stripe.StripeClient, ls_gateway: StripeGateway
) -> None:
    intent_id = await _intent(ls_client, manual=True)
    captured = await ls_gateway.capture(intent_id, 3000, f"{intent_id}-capture")
    assert captured.status == "succeeded"
    assert (captured.amount_received, captured.amount_capturable, captured.amount_refunded) == (
        3000,
        0,
        0,
    )
    charge = await ls_client.v1.charges.retrieve_async(str(captured.latest_charge_id))
    assert (charge.captured, charge.amount_refunded) == (True, 2000)  # the released rest


async def test_capture_beyond_the_hold_is_a_gateway_error(
    ls_client: stripe.StripeClient, ls_gateway: StripeGateway
) -> None:
    intent_id = await _intent(ls_client, manual=True)
    with pytest.raises(PaymentGatewayError) as refused:
        await ls_gateway.capture(intent_id, 6000, f"{intent_id}-capture")
    assert (refused.value.kind, refused.value.retryable) == ("invalid_request", False)


async def test_cancel_through_the_gateway(
    ls_client: stripe.StripeClient, ls_gateway: StripeGateway
) -> None:
    intent_id = await _intent(ls_client, manual=True)
    voided = await ls_gateway.cancel(intent_id, f"{intent_id}-void")
    assert voided.status == "canceled"
    assert (voided.amount_capturable, voided.amount_received, voided.amount_refunded) == (0, 0, 0)
    with pytest.raises(PaymentGatewayError):
        await ls_gateway.cancel(intent_id, f"{intent_id}-void-again")


async def test_refund_through_the_gateway(
    ls_client: stripe.StripeClient, ls_gateway: StripeGateway
) -> None:
    intent_id = await _intent(ls_client, manual=False, amount=6000)
    paid = await ls_gateway.intent(intent_id)
    assert (paid.status, paid.amount_received) == ("succeeded", 6000)
    refund_id = await ls_gateway.refund(intent_id, 1500, f"{intent_id}-refund")
    assert refund_id.startswith("re_")
    refund = await ls_client.v1.refunds.retrieve_async(refund_id)
    assert refund.amount == 1500
    charge = await ls_client.v1.charges.retrieve_async(str(paid.latest_charge_id))
    assert (charge.amount_refunded, charge.refunded) == (1500, False)


async def test_unknown_intent_is_a_gateway_error(ls_gateway: StripeGateway) -> None:
    with pytest.raises(PaymentGatewayError) as missing:
        await ls_gateway.intent("pi_unknown000000")
    assert missing.value.kind == "invalid_request"
