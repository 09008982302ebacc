"""StripeGateway against the fake: a hold's deadline (capture_before) and its lapse."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from marketplace.payments import StripeGateway
from marketplace.ports.payments import PaymentGatewayError
from stripe_fake import StripeFake
from tests.payments.conftest import checkout_request

SEVEN_DAYS = 7 * 24 * 3600


async def _held(fake: StripeFake, gateway: StripeGateway) -> str:
    ref = await gateway.create_checkout(checkout_request(), "k-hold")
    payment = await fake.pay(ref.session_id)
    return str(payment.payment_intent["id"])


async def test_a_hold_reports_stripes_capture_before(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    intent_id = await _held(fake, gateway)
    charge = fake.get(fake.get(intent_id)["latest_charge"])
    deadline = charge["payment_method_details"]["card"]["capture_before"]

    held = await gateway.intent(intent_id)

    assert held.capture_before == datetime.fromtimestamp(deadline, UTC)
    assert deadline == charge["created"] + SEVEN_DAYS
    assert not held.lapsed


async def test_an_automatic_capture_has_no_deadline(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    ref = await gateway.create_checkout(checkout_request(capture="automatic"), "k-auto")
    payment = await fake.pay(ref.session_id)
    assert (await gateway.intent(str(payment.payment_intent["id"]))).capture_before is None


async def test_a_hold_past_its_deadline_lapses_and_cannot_be_captured(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    intent_id = await _held(fake, gateway)
    await fake.advance_clock(SEVEN_DAYS + 1)

    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.capture(intent_id, 5750, "k-late-capture")
    lapsed = await gateway.intent(intent_id)

    assert refused.value.code == "payment_intent_unexpected_state"
    assert refused.value.retryable is False
    assert (lapsed.status, lapsed.cancellation_reason) == ("canceled", "automatic")
    assert lapsed.lapsed
    assert (lapsed.amount_received, lapsed.amount_capturable, lapsed.amount_refunded) == (0, 0, 0)


async def test_a_hold_voided_by_us_is_not_a_lapse(fake: StripeFake, gateway: StripeGateway) -> None:
    intent_id = await _held(fake, gateway)
    voided = await gateway.cancel(intent_id, "k-void")
    assert voided.status == "canceled"
    assert not voided.lapsed
