"""StripeGateway against the in-repo fake: Checkout Sessions, holds, declines, idempotency."""

from __future__ import annotations

import dataclasses

import pytest

from marketplace.payments import StripeGateway
from marketplace.ports.payments import PaymentGatewayError
from stripe_fake import GENERIC_DECLINE_CARD, StripeFake
from tests.payments.conftest import checkout_request


async def test_manual_capture_checkout_is_held_once_paid(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    request = checkout_request(capture="manual")
    ref = await gateway.create_checkout(request, "booking-42-checkout")
    assert ref.session_id.startswith("cs_")
    assert ref.url.startswith(fake.base_url)
    assert ref.payment_intent_id is None  # no intent before the payer submits a card
    assert int(ref.expires_at.timestamp()) == int(request.expires_at.timestamp())
    before = await gateway.checkout(ref.session_id)
    assert (before.status, before.payment_intent_id, before.booking_id) == ("open", None, 42)
    assert before.url == ref.url

    await fake.pay(ref.session_id)

    after = await gateway.checkout(ref.session_id)
    assert after.status == "complete"
    assert after.booking_id == 42
    assert after.payment_intent_id is not None
    intent = await gateway.intent(after.payment_intent_id)
    assert intent.held
    assert (intent.amount, intent.amount_capturable, intent.amount_received) == (5750, 5750, 0)
    assert intent.currency == "USD"
    assert intent.latest_charge_id is not None
    assert intent.latest_charge_id.startswith("ch_")


async def test_checkout_sends_booking_metadata_and_transfer_group(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    ref = await gateway.create_checkout(checkout_request(42, guild_id=7), "booking-42-checkout")
    session = fake.get(ref.session_id)
    assert session["metadata"] == {"booking_id": "42", "guild_id": "7"}
    assert session["client_reference_id"] == "booking-42"
    assert session["amount_total"] == 5750
    assert session["currency"] == "usd"
    payment = await fake.pay(ref.session_id)
    assert payment.payment_intent["transfer_group"] == "booking_42"
    assert payment.payment_intent["capture_method"] == "manual"
    assert payment.payment_intent["metadata"]["booking_id"] == "42"


async def test_automatic_capture_checkout_is_captured_once_paid(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    ref = await gateway.create_checkout(checkout_request(capture="automatic"), "k-auto")
    await fake.pay(ref.session_id)
    session = await gateway.checkout(ref.session_id)
    assert session.payment_intent_id is not None
    intent = await gateway.intent(session.payment_intent_id)
    assert intent.status == "succeeded"
    assert (intent.amount_received, intent.amount_capturable, intent.amount_refunded) == (
        5750,
        0,
        0,
    )
    assert intent.kept == 5750


async def test_declined_card_shows_as_a_failed_intent_and_the_session_stays_open(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    ref = await gateway.create_checkout(checkout_request(), "k-decline")
    await fake.pay(ref.session_id, card=GENERIC_DECLINE_CARD)
    session = await gateway.checkout(ref.session_id)
    assert session.status == "open"
    assert session.payment_intent_id is not None
    intent = await gateway.intent(session.payment_intent_id)
    assert intent.status == "requires_payment_method"
    assert intent.failed
    assert intent.failure_code == "generic_decline"
    assert (intent.amount_capturable, intent.amount_received) == (0, 0)


async def test_same_idempotency_key_returns_the_same_session(gateway: StripeGateway) -> None:
    request = checkout_request()
    first = await gateway.create_checkout(request, "booking-42-checkout")
    again = await gateway.create_checkout(request, "booking-42-checkout")
    assert again == first


async def test_same_key_with_other_parameters_is_an_idempotency_error(
    gateway: StripeGateway,
) -> None:
    request = checkout_request()
    await gateway.create_checkout(request, "booking-42-checkout")
    changed = dataclasses.replace(request, description="Something else")
    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.create_checkout(changed, "booking-42-checkout")
    assert refused.value.code == "idempotency_error"
    assert refused.value.retryable is False


async def test_expire_closes_an_open_session(fake: StripeFake, gateway: StripeGateway) -> None:
    ref = await gateway.create_checkout(checkout_request(), "k-expire")
    expired = await gateway.expire_checkout(ref.session_id)
    assert (expired.status, expired.url) == ("expired", None)
    assert await gateway.expire_checkout(ref.session_id) == expired  # again: no error
    with pytest.raises(Exception, match="expired"):
        await fake.pay(ref.session_id)


async def test_expiring_a_paid_session_returns_it_complete(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    ref = await gateway.create_checkout(checkout_request(), "k-late")
    await fake.pay(ref.session_id)
    state = await gateway.expire_checkout(ref.session_id)
    assert state.status == "complete"
    assert state.payment_intent_id is not None
    assert await gateway.expire_checkout(ref.session_id) == state


async def test_unknown_session_is_resource_missing(gateway: StripeGateway) -> None:
    with pytest.raises(PaymentGatewayError) as missing:
        await gateway.checkout("cs_does_not_exist")
    assert (missing.value.code, missing.value.kind) == ("resource_missing", "invalid_request")
