"""StripeGateway against the strict fake: its requests follow Stripe's contract.

Every request it sends validates against the stripe library's params types; ISK amounts
go out in Stripe's two-decimal form (whole krónur); a hold that lapsed after 7 days is
read back as canceled and refuses capture.
"""

from __future__ import annotations

import pytest

from marketplace.domain.money import Money, parse_money
from marketplace.domain.settlement import session_quote
from marketplace.payments import StripeGateway
from marketplace.ports.payments import PaymentGatewayError, PayoutTransfer
from stripe_fake import StripeFake
from tests.payments.conftest import checkout_request

SEVEN_DAYS = 7 * 24 * 3600


async def test_every_gateway_request_validates(fake: StripeFake, gateway: StripeGateway) -> None:
    ref = await gateway.create_checkout(checkout_request(), "k-checkout")
    payment = await fake.pay(ref.session_id)
    intent_id = str(payment.payment_intent["id"])
    await gateway.checkout(ref.session_id)
    await gateway.capture(intent_id, 5000, "k-capture")
    await gateway.refund(intent_id, 1000, "k-refund")
    account = await gateway.create_payout_account("user-1", "k-account")
    await gateway.onboarding_link(account, "http://127.0.0.1:9/r", "http://127.0.0.1:9/f")
    await fake.enable_payouts(account)
    await gateway.payout_account(account)
    await gateway.transfer(PayoutTransfer(Money(2500, "USD"), account, "booking_42"), "k-transfer")
    assert fake.violations == []
    assert len(fake.requests) >= 8


async def test_isk_is_charged_in_whole_kronur(fake: StripeFake, gateway: StripeGateway) -> None:
    rate = parse_money("4990", "ISK")  # a tutor's hourly rate, typed as people write it
    price = session_quote(rate, 45, 1500)  # 45 min and a 15 % fee: both round to krónur
    ref = await gateway.create_checkout(
        checkout_request(amount=price.total.minor, currency="ISK"), "k-isk"
    )
    session = fake.get(ref.session_id)
    assert session["amount_total"] == price.total.minor
    assert session["amount_total"] % 100 == 0  # Stripe: ISK amounts divisible by 100
    payment = await fake.pay(ref.session_id)
    intent_id = str(payment.payment_intent["id"])
    captured = await gateway.capture(intent_id, price.rate.minor, "k-isk-capture")
    assert captured.amount_received == price.rate.minor
    assert fake.violations == []


async def test_a_lapsed_hold_reads_as_canceled_and_refuses_capture(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    ref = await gateway.create_checkout(checkout_request(), "k-lapse")
    intent_id = str((await fake.pay(ref.session_id)).payment_intent["id"])
    await fake.advance_clock(SEVEN_DAYS)
    state = await gateway.intent(intent_id)
    assert (state.status, state.amount_capturable) == ("canceled", 0)
    assert (state.amount_received, state.amount_refunded) == (0, 0)  # nothing was charged
    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.capture(intent_id, 5750, "k-lapse-capture")
    assert refused.value.code == "payment_intent_unexpected_state"
    assert not refused.value.retryable
