"""The in-repo fake through the real `stripe` library: Checkout, PaymentIntents, refunds."""

from __future__ import annotations

import time

import pytest
import stripe

from stripe_fake import GENERIC_DECLINE_CARD, StripeFake, StripeFakeError, stripe_client
from tests.stripe_contract.support import new_session


async def test_checkout_session_create_and_retrieve(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    expires_at = int(time.time()) + 45 * 60
    session = await new_session(client, expires_at=expires_at)
    assert session.id.startswith("cs_test_")
    assert session.object == "checkout.session"
    assert (session.status, session.payment_status) == ("open", "unpaid")
    assert (session.amount_total, session.currency, session.mode) == (5750, "usd", "payment")
    assert session.url == f"{fake.base_url}/c/pay/{session.id}"
    assert session.payment_intent is None  # made when the customer pays, as on Stripe
    assert session.expires_at == expires_at
    assert session.client_reference_id == "booking-42"
    assert session.metadata.to_dict() == {"booking_id": "42"}
    assert session.livemode is False
    assert session.created <= int(time.time())

    again = await client.v1.checkout.sessions.retrieve_async(
        session.id, params={"expand": ["line_items"]}
    )
    assert again.id == session.id
    assert again.line_items is not None
    assert [item.amount_total for item in again.line_items.data] == [5750]
    assert again.line_items.data[0].description == "Calculus tutoring, 60 min"


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"surprise": "x"}, "surprise"),
        ({"payment_intent_data": {"capture": "manual"}}, "payment_intent_data[capture]"),
        (
            {"payment_intent_data": {"capture_method": "later"}},
            "payment_intent_data[capture_method]",
        ),
        ({"expires_at": int(time.time()) + 60}, "expires_at"),
        ({"expires_at": int(time.time()) + 25 * 3600}, "expires_at"),
        ({"line_items": []}, "line_items"),
        ({"success_url": "not a url"}, "success_url"),
        ({"mode": "subscription"}, "mode"),
    ],
)
async def test_checkout_session_validation(
    client: stripe.StripeClient, overrides: dict[str, object], param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await new_session(client, **overrides)
    assert refused.value.http_status == 400
    assert refused.value.param == param


async def test_total_below_the_minimum_charge_is_refused(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await new_session(client, amount=49)
    assert refused.value.code == "amount_too_small"


async def test_pay_with_manual_capture_holds(fake: StripeFake, client: stripe.StripeClient) -> None:
    session = await new_session(client, capture_method="manual")
    payment = await fake.pay(session.id)
    assert payment.succeeded

    done = await client.v1.checkout.sessions.retrieve_async(session.id)
    assert (done.status, done.payment_status) == ("complete", "unpaid")  # authorized only
    assert done.url is None
    assert isinstance(done.payment_intent, str)
    intent = await client.v1.payment_intents.retrieve_async(done.payment_intent)
    assert intent.id.startswith("pi_")
    assert intent.status == "requires_capture"
    assert (intent.amount, intent.amount_capturable, intent.amount_received) == (5750, 5750, 0)
    assert intent.capture_method == "manual"
    assert intent.transfer_group == "booking_42"
    assert intent.metadata.to_dict() == {"booking_id": "42"}
    assert isinstance(intent.latest_charge, str)
    assert intent.latest_charge.startswith("ch_")
    charge = await client.v1.charges.retrieve_async(intent.latest_charge)
    assert (charge.captured, charge.amount_captured, charge.paid) == (False, 0, True)
    assert charge.payment_intent == intent.id
    expanded = await client.v1.checkout.sessions.retrieve_async(
        session.id, params={"expand": ["payment_intent.latest_charge"]}
    )
    assert isinstance(expanded.payment_intent, stripe.PaymentIntent)
    assert isinstance(expanded.payment_intent.latest_charge, stripe.Charge)
    with pytest.raises(stripe.InvalidRequestError, match="cannot be expanded"):
        await client.v1.payment_intents.retrieve_async(intent.id, params={"expand": ["nope"]})
    assert [e["type"] for e in fake.events] == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.amount_capturable_updated",
        "checkout.session.completed",
    ]


async def test_pay_with_automatic_capture_succeeds(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    session = await new_session(client, capture_method="automatic")
    payment = await fake.pay(session.id)
    assert payment.session["payment_status"] == "paid"
    intent = await client.v1.payment_intents.retrieve_async(payment.payment_intent["id"])
    assert (intent.status, intent.amount_received, intent.amount_capturable) == (
        "succeeded",
        5750,
        0,
    )
    charge = await client.v1.charges.retrieve_async(str(intent.latest_charge))
    assert (charge.captured, charge.amount_captured) == (True, 5750)
    assert "payment_intent.succeeded" in [e["type"] for e in fake.events]


async def test_declined_card_keeps_the_session_open(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    session = await new_session(client)
    declined = await fake.pay(session.id, card=GENERIC_DECLINE_CARD)
    assert not declined.succeeded
    assert declined.decline_code == "generic_decline"
    intent = await client.v1.payment_intents.retrieve_async(declined.payment_intent["id"])
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error is not None
    assert intent.last_payment_error.code == "card_declined"
    assert (await client.v1.checkout.sessions.retrieve_async(session.id)).status == "open"
    assert [e["type"] for e in fake.events][-2:] == [
        "charge.failed",
        "payment_intent.payment_failed",
    ]

    retried = await fake.pay(session.id)
    assert retried.payment_intent["id"] == intent.id  # the same PaymentIntent is reused
    assert retried.payment_intent["status"] == "requires_capture"
    with pytest.raises(StripeFakeError, match="incorrect"):
        await fake.pay((await new_session(client)).id, card="1234")


async def test_expire_by_api_and_by_harness(fake: StripeFake, client: stripe.StripeClient) -> None:
    session = await new_session(client)
    expired = await client.v1.checkout.sessions.expire_async(session.id)
    assert (expired.status, expired.url) == ("expired", None)
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.checkout.sessions.expire_async(session.id)
    with pytest.raises(StripeFakeError):
        await fake.pay(session.id)

    declined_first = await new_session(client)
    payment = await fake.pay(declined_first.id, card=GENERIC_DECLINE_CARD)
    await fake.expire(declined_first.id)
    abandoned = await client.v1.payment_intents.retrieve_async(payment.payment_intent["id"])
    assert (abandoned.status, abandoned.cancellation_reason) == ("canceled", "abandoned")
    assert len(fake.events_of_type("checkout.session.expired")) == 2


async def test_sessions_expire_when_the_clock_passes(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    session = await new_session(client)
    assert await fake.advance_clock(29 * 60) == []
    [expired] = await fake.advance_clock(2 * 60)
    assert expired["id"] == session.id
    assert fake.events_of_type("checkout.session.expired")[0]["data"]["object"]["id"] == session.id


async def test_full_and_partial_capture(fake: StripeFake, client: stripe.StripeClient) -> None:
    full = await fake.pay((await new_session(client)).id)
    captured = await client.v1.payment_intents.capture_async(full.payment_intent["id"])
    assert (captured.status, captured.amount_received) == ("succeeded", 5750)

    partial = await fake.pay((await new_session(client)).id)
    intent_id = partial.payment_intent["id"]
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        await client.v1.payment_intents.capture_async(intent_id, params={"amount_to_capture": 5751})
    assert too_much.value.code == "amount_too_large"
    half = await client.v1.payment_intents.capture_async(
        intent_id, params={"amount_to_capture": 2875}
    )
    assert (half.status, half.amount_received, half.amount_capturable) == ("succeeded", 2875, 0)
    charge = await client.v1.charges.retrieve_async(str(half.latest_charge))
    # Stripe shows the released remainder as "automatically refunded" on the charge.
    assert (charge.amount_captured, charge.amount_refunded, charge.refunded) == (2875, 2875, False)
    with pytest.raises(stripe.InvalidRequestError) as twice:
        await client.v1.payment_intents.capture_async(intent_id)
    assert twice.value.code == "payment_intent_unexpected_state"


async def test_cancel_releases_the_hold(fake: StripeFake, client: stripe.StripeClient) -> None:
    payment = await fake.pay((await new_session(client)).id)
    canceled = await client.v1.payment_intents.cancel_async(
        payment.payment_intent["id"], params={"cancellation_reason": "requested_by_customer"}
    )
    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "requested_by_customer")
    assert canceled.amount_capturable == 0
    charge = await client.v1.charges.retrieve_async(str(canceled.latest_charge))
    assert (charge.captured, charge.amount_refunded) == (False, 5750)
    assert fake.events_of_type("payment_intent.canceled")

    paid = await fake.pay((await new_session(client, capture_method="automatic")).id)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await client.v1.payment_intents.cancel_async(paid.payment_intent["id"])
    assert refused.value.code == "payment_intent_unexpected_state"


async def test_refunds_never_exceed_what_was_captured(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    paid = await fake.pay((await new_session(client, capture_method="automatic")).id)
    intent_id = paid.payment_intent["id"]
    first = await client.v1.refunds.create_async(
        params={"payment_intent": intent_id, "amount": 2000, "reason": "requested_by_customer"}
    )
    assert first.id.startswith("re_")
    assert (first.amount, first.status, first.charge) == (2000, "succeeded", paid.charge["id"])
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        await client.v1.refunds.create_async(params={"payment_intent": intent_id, "amount": 3751})
    assert (too_much.value.code, too_much.value.param) == ("amount_too_large", "amount")
    rest = await client.v1.refunds.create_async(params={"charge": paid.charge["id"]})
    assert rest.amount == 3750
    charge = await client.v1.charges.retrieve_async(paid.charge["id"])
    assert (charge.amount_refunded, charge.refunded) == (5750, True)
    with pytest.raises(stripe.InvalidRequestError) as again:
        await client.v1.refunds.create_async(params={"payment_intent": intent_id, "amount": 1})
    assert again.value.code == "charge_already_refunded"
    assert len(fake.events_of_type("charge.refunded")) == 2
    assert (await client.v1.refunds.retrieve_async(first.id)).amount == 2000


async def test_refunds_after_a_partial_capture_and_before_any(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    held = await fake.pay((await new_session(client)).id)
    intent_id = held.payment_intent["id"]
    with pytest.raises(stripe.InvalidRequestError) as uncaptured:
        await client.v1.refunds.create_async(params={"payment_intent": intent_id})
    assert uncaptured.value.code == "payment_intent_unexpected_state"
    await client.v1.payment_intents.capture_async(intent_id, params={"amount_to_capture": 3000})
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.refunds.create_async(params={"payment_intent": intent_id, "amount": 3001})
    assert (
        await client.v1.refunds.create_async(params={"payment_intent": intent_id})
    ).amount == 3000


async def test_disputes_freeze_refunds(fake: StripeFake, client: stripe.StripeClient) -> None:
    paid = await fake.pay((await new_session(client, capture_method="automatic")).id)
    dispute = await fake.dispute(paid.payment_intent["id"])
    assert dispute["id"].startswith("du_")
    assert (dispute["status"], dispute["amount"]) == ("needs_response", 5750)
    [event] = fake.events_of_type("charge.dispute.created")
    assert event["data"]["object"]["payment_intent"] == paid.payment_intent["id"]
    assert (await client.v1.charges.retrieve_async(paid.charge["id"])).disputed is True
    with pytest.raises(stripe.InvalidRequestError) as frozen:
        await client.v1.refunds.create_async(params={"payment_intent": paid.payment_intent["id"]})
    assert frozen.value.code == "charge_disputed"
    closed = await fake.close_dispute(dispute["id"], "won")
    assert closed["status"] == "won"
    assert fake.events_of_type("charge.dispute.closed")
    assert (await client.v1.disputes.retrieve_async(dispute["id"])).status == "won"


async def test_errors_have_stripes_shape(fake: StripeFake, client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await client.v1.payment_intents.retrieve_async("pi_nope")
    assert (missing.value.http_status, missing.value.code) == (404, "resource_missing")
    assert missing.value.json_body is not None
    assert missing.value.json_body["error"]["type"] == "invalid_request_error"
    with pytest.raises(stripe.InvalidRequestError, match="Unrecognized request URL"):
        await client.v1.invoices.create_async()
    async with stripe_client(fake.base_url, "sk_live_real_key") as live:
        with pytest.raises(stripe.AuthenticationError):
            await live.v1.payment_intents.retrieve_async("pi_x")
