"""StripeGateway against the in-repo fake: capture (partial), void, refunds and their limit."""

from __future__ import annotations

import pytest

from marketplace.payments import StripeGateway
from marketplace.ports.payments import CaptureMethod, PaymentGatewayError
from stripe_fake import StripeFake
from tests.payments.conftest import checkout_request


async def _paid(fake: StripeFake, gateway: StripeGateway, capture: CaptureMethod) -> str:
    ref = await gateway.create_checkout(checkout_request(capture=capture), f"k-{capture}")
    payment = await fake.pay(ref.session_id)
    return str(payment.payment_intent["id"])


async def test_partial_capture_takes_part_and_releases_the_rest(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    intent_id = await _paid(fake, gateway, "manual")
    captured = await gateway.capture(intent_id, 2875, "booking-42-capture")
    assert captured.status == "succeeded"
    assert (captured.amount_received, captured.amount_capturable) == (2875, 0)
    assert captured.amount_refunded == 0  # the released hold is not a refund
    assert await gateway.intent(intent_id) == captured


async def test_capture_replayed_with_the_same_key_changes_nothing(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    intent_id = await _paid(fake, gateway, "manual")
    first = await gateway.capture(intent_id, 5750, "booking-42-capture")
    again = await gateway.capture(intent_id, 5750, "booking-42-capture")
    assert again == first
    assert [r.replayed for r in fake.requests if r.path.endswith("/capture")] == [False, True]


async def test_capture_beyond_the_hold_is_refused(fake: StripeFake, gateway: StripeGateway) -> None:
    intent_id = await _paid(fake, gateway, "manual")
    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.capture(intent_id, 9999, "k-too-much")
    assert refused.value.code == "amount_too_large"
    assert refused.value.retryable is False


async def test_cancel_voids_the_hold(fake: StripeFake, gateway: StripeGateway) -> None:
    intent_id = await _paid(fake, gateway, "manual")
    voided = await gateway.cancel(intent_id, "booking-42-void")
    assert voided.status == "canceled"
    assert (voided.amount_capturable, voided.amount_received, voided.amount_refunded) == (0, 0, 0)


async def test_cancel_after_capture_is_refused(fake: StripeFake, gateway: StripeGateway) -> None:
    intent_id = await _paid(fake, gateway, "automatic")
    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.cancel(intent_id, "k-void")
    assert refused.value.code == "payment_intent_unexpected_state"


async def test_refunds_within_the_captured_amount(fake: StripeFake, gateway: StripeGateway) -> None:
    intent_id = await _paid(fake, gateway, "automatic")
    first = await gateway.refund(intent_id, 2000, "booking-42-refund-1")
    second = await gateway.refund(intent_id, 3750, "booking-42-refund-2")
    assert first.startswith("re_")
    assert second != first
    state = await gateway.intent(intent_id)
    assert (state.amount_received, state.amount_refunded, state.kept) == (5750, 5750, 0)


async def test_refund_beyond_the_captured_amount_is_refused(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    intent_id = await _paid(fake, gateway, "manual")
    await gateway.capture(intent_id, 3000, "k-capture")
    with pytest.raises(PaymentGatewayError) as too_much:
        await gateway.refund(intent_id, 3001, "k-refund-too-much")
    assert too_much.value.code == "amount_too_large"
    await gateway.refund(intent_id, 3000, "k-refund-all")
    with pytest.raises(PaymentGatewayError) as nothing_left:
        await gateway.refund(intent_id, 1, "k-refund-more")
    assert nothing_left.value.code == "charge_already_refunded"
    state = await gateway.intent(intent_id)
    assert (state.amount_received, state.amount_refunded) == (3000, 3000)


async def test_refund_of_an_uncaptured_hold_is_refused(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    intent_id = await _paid(fake, gateway, "manual")
    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.refund(intent_id, 100, "k-refund-held")
    assert refused.value.code == "payment_intent_unexpected_state"
