"""FreeGateway: the same port in free mode, where nothing is charged."""

from __future__ import annotations

import dataclasses

import pytest

from marketplace.domain.money import Money
from marketplace.payments import FreeGateway
from marketplace.ports.payments import PaymentGatewayError, PayoutTransfer
from tests.payments.conftest import checkout_request


@pytest.fixture
def gateway() -> FreeGateway:
    return FreeGateway()


async def test_a_free_checkout_is_complete_and_held_at_once(gateway: FreeGateway) -> None:
    request = checkout_request(42, capture="manual", amount=0)
    ref = await gateway.create_checkout(request, "booking-42-checkout")
    assert ref.session_id == "free_cs_b42_1"
    assert ref.payment_intent_id == "free_pi_b42_1"
    assert ref.url == request.success_url  # nothing to pay: straight to the success page
    assert ref.expires_at == request.expires_at
    session = await gateway.checkout(ref.session_id)
    assert (session.status, session.payment_intent_id, session.booking_id) == (
        "complete",
        ref.payment_intent_id,
        42,
    )
    intent = await gateway.intent(ref.payment_intent_id)
    assert intent.held
    assert (intent.amount, intent.amount_capturable, intent.amount_received) == (0, 0, 0)
    assert intent.currency == "USD"


async def test_a_free_automatic_checkout_is_captured_at_once(gateway: FreeGateway) -> None:
    ref = await gateway.create_checkout(checkout_request(capture="automatic", amount=0), "k")
    assert ref.payment_intent_id is not None
    intent = await gateway.intent(ref.payment_intent_id)
    assert (intent.status, intent.amount_received) == ("succeeded", 0)


async def test_ids_are_deterministic(gateway: FreeGateway) -> None:
    other = FreeGateway()
    for adapter in (gateway, other):
        await adapter.create_checkout(checkout_request(1, amount=0), "a")
        await adapter.create_checkout(checkout_request(2, amount=0), "b")
    assert await gateway.checkout("free_cs_b2_2") == await other.checkout("free_cs_b2_2")


async def test_a_positive_amount_is_refused(gateway: FreeGateway) -> None:
    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.create_checkout(checkout_request(amount=5750), "k")
    assert refused.value.code == "not_free"


async def test_the_whole_loop_runs_capture_then_payout(gateway: FreeGateway) -> None:
    ref = await gateway.create_checkout(checkout_request(amount=0), "booking-42-checkout")
    assert ref.payment_intent_id is not None
    captured = await gateway.capture(ref.payment_intent_id, 0, "booking-42-capture")
    assert captured.status == "succeeded"
    assert await gateway.refund(ref.payment_intent_id, 0, "booking-42-refund")
    account = await gateway.create_payout_account("tutor-9", "tutor-9-account")
    assert (await gateway.payout_account(account)).payouts_enabled
    link = await gateway.onboarding_link(account, "http://x/done", "http://x/again")
    assert link == "http://x/done"
    transfer = await gateway.transfer(
        PayoutTransfer(Money(0, "USD"), account, "booking_42"), "booking-42-payout"
    )
    assert transfer.startswith("free_tr_")
    await gateway.close()


async def test_void_then_expire_leaves_the_session_as_it_was(gateway: FreeGateway) -> None:
    ref = await gateway.create_checkout(checkout_request(amount=0), "k")
    assert ref.payment_intent_id is not None
    voided = await gateway.cancel(ref.payment_intent_id, "booking-42-void")
    assert voided.status == "canceled"
    assert (await gateway.expire_checkout(ref.session_id)).status == "complete"
    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.capture(ref.payment_intent_id, 0, "booking-42-capture")
    assert refused.value.code == "payment_intent_unexpected_state"


async def test_money_that_does_not_exist_is_refused(gateway: FreeGateway) -> None:
    ref = await gateway.create_checkout(checkout_request(capture="automatic", amount=0), "k")
    assert ref.payment_intent_id is not None
    with pytest.raises(PaymentGatewayError) as refund:
        await gateway.refund(ref.payment_intent_id, 1, "k-refund")
    assert refund.value.code == "amount_too_large"
    with pytest.raises(PaymentGatewayError) as cancel:
        await gateway.cancel(ref.payment_intent_id, "k-void")
    assert cancel.value.code == "payment_intent_unexpected_state"
    account = await gateway.create_payout_account("tutor-9", "k-account")
    with pytest.raises(PaymentGatewayError) as transfer:
        await gateway.transfer(PayoutTransfer(Money(1, "USD"), account, "booking_42"), "k-transfer")
    assert transfer.value.code == "balance_insufficient"


async def test_idempotency_keys_behave_as_on_stripe(gateway: FreeGateway) -> None:
    request = checkout_request(amount=0)
    first = await gateway.create_checkout(request, "booking-42-checkout")
    assert await gateway.create_checkout(request, "booking-42-checkout") == first
    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.create_checkout(
            dataclasses.replace(request, description="other"), "booking-42-checkout"
        )
    assert refused.value.code == "idempotency_error"
    assert first.payment_intent_id is not None
    captured = await gateway.capture(first.payment_intent_id, 0, "booking-42-capture")
    assert await gateway.capture(first.payment_intent_id, 0, "booking-42-capture") == captured


async def test_unknown_ids_are_resource_missing(gateway: FreeGateway) -> None:
    for call in (
        gateway.checkout("free_cs_nope"),
        gateway.intent("free_pi_nope"),
        gateway.payout_account("free_acct_nope"),
    ):
        with pytest.raises(PaymentGatewayError) as missing:
            await call
        assert missing.value.code == "resource_missing"
