"""The fake's refunds that stay pending, succeed later, or fail, through the real `stripe`
library: the events, the charge's amount_refunded, the balance, and the refund list."""

from __future__ import annotations

import pytest
import stripe

from stripe_fake import StripeFake, StripeFakeError
from tests.stripe_contract.support import WebhookReceiver, new_session

AMOUNT = 5750
WEBHOOK_SECRET = "whsec_refund_contract_secret"


async def _paid(fake: StripeFake, client: stripe.StripeClient) -> str:
    """A captured 5750 USD payment; its PaymentIntent id."""
    payment = await fake.pay((await new_session(client, capture_method="automatic")).id)
    return str(payment.payment_intent["id"])


async def _available(client: stripe.StripeClient) -> int:
    balance = await client.v1.balance.retrieve_async()
    [usd] = [b.amount for b in balance.available if b.currency == "usd"]
    return usd


def _types_since(fake: StripeFake, mark: int) -> list[str]:
    return [e["type"] for e in fake.events[mark:]]


async def test_pending_then_succeeded(fake: StripeFake, client: stripe.StripeClient) -> None:
    intent_id = await _paid(fake, client)
    fake.refunds_pending = True
    mark = len(fake.events)
    refund = await client.v1.refunds.create_async(
        params={"payment_intent": intent_id, "amount": 2000}
    )
    assert (refund.status, refund.amount, refund.failure_reason) == ("pending", 2000, None)
    await fake.settle()
    assert _types_since(fake, mark) == ["refund.created", "charge.refunded"]
    charge = await client.v1.charges.retrieve_async(refund.charge)
    assert (charge.amount_refunded, charge.refunded) == (2000, False)  # pending counts
    assert await _available(client) == AMOUNT - 2000
    with pytest.raises(stripe.InvalidRequestError) as too_much:  # nor can it be refunded twice
        await client.v1.refunds.create_async(params={"payment_intent": intent_id, "amount": 3751})
    assert too_much.value.code == "amount_too_large"

    mark = len(fake.events)
    done = await fake.succeed_refund(refund.id)
    assert done["status"] == "succeeded"
    assert _types_since(fake, mark) == ["refund.updated", "charge.refund.updated"]
    for event in fake.events[mark:]:
        assert event["data"]["object"]["id"] == refund.id
        assert event["data"]["object"]["status"] == "succeeded"
        assert event["data"]["previous_attributes"]["status"] == "pending"
    assert (await client.v1.refunds.retrieve_async(refund.id)).status == "succeeded"
    assert (await client.v1.charges.retrieve_async(refund.charge)).amount_refunded == 2000
    assert await _available(client) == AMOUNT - 2000
    with pytest.raises(StripeFakeError):
        await fake.succeed_refund(refund.id)  # no longer pending


async def test_succeeded_then_failed(fake: StripeFake, client: stripe.StripeClient) -> None:
    intent_id = await _paid(fake, client)
    refund = await client.v1.refunds.create_async(params={"payment_intent": intent_id})
    assert refund.status == "succeeded"
    charge = await client.v1.charges.retrieve_async(refund.charge)
    assert (charge.amount_refunded, charge.refunded) == (AMOUNT, True)
    assert await _available(client) == 0

    mark = len(fake.events)
    failed = await fake.fail_refund(refund.id, "expired_or_canceled_card")
    assert _types_since(fake, mark) == [
        "refund.failed",
        "refund.updated",
        "charge.refund.updated",
    ]
    for event in fake.events[mark:]:
        assert event["data"]["object"]["status"] == "failed"
        assert event["data"]["previous_attributes"]["status"] == "succeeded"
    assert failed["status"] == "failed"
    again = await client.v1.refunds.retrieve_async(refund.id)
    assert (again.status, again.failure_reason) == ("failed", "expired_or_canceled_card")
    expanded = await client.v1.refunds.retrieve_async(
        refund.id, params={"expand": ["failure_balance_transaction"]}
    )
    back = expanded.failure_balance_transaction
    assert isinstance(back, stripe.BalanceTransaction)
    assert (back.amount, back.net, back.type, back.source) == (
        AMOUNT,
        AMOUNT,
        "refund_failure",
        refund.id,
    )
    charge = await client.v1.charges.retrieve_async(refund.charge)
    assert (charge.amount_refunded, charge.refunded) == (0, False)  # the money came back
    assert await _available(client) == AMOUNT

    retried = await client.v1.refunds.create_async(params={"payment_intent": intent_id})
    assert (retried.amount, retried.status) == (AMOUNT, "succeeded")
    assert (await client.v1.charges.retrieve_async(refund.charge)).amount_refunded == AMOUNT
    assert await _available(client) == 0


async def test_a_partial_refund_fails_and_is_given_again(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    intent_id = await _paid(fake, client)
    kept = await client.v1.refunds.create_async(params={"payment_intent": intent_id, "amount": 750})
    lost = await client.v1.refunds.create_async(
        params={"payment_intent": intent_id, "amount": 2000}
    )
    await fake.fail_refund(lost.id, "lost_or_stolen_card")
    charge = await client.v1.charges.retrieve_async(kept.charge)
    assert charge.amount_refunded == 750
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        await client.v1.refunds.create_async(params={"payment_intent": intent_id, "amount": 5001})
    assert too_much.value.code == "amount_too_large"
    rest = await client.v1.refunds.create_async(params={"payment_intent": intent_id})
    assert rest.amount == AMOUNT - 750


async def test_pending_then_failed(fake: StripeFake, client: stripe.StripeClient) -> None:
    intent_id = await _paid(fake, client)
    fake.refunds_pending = True
    refund = await client.v1.refunds.create_async(params={"payment_intent": intent_id})
    assert refund.status == "pending"
    assert await _available(client) == 0
    mark = len(fake.events)
    await fake.fail_refund(refund.id, "declined")
    assert _types_since(fake, mark) == [
        "refund.failed",
        "refund.updated",
        "charge.refund.updated",
    ]
    assert fake.events[mark]["data"]["previous_attributes"]["status"] == "pending"
    failed = await client.v1.refunds.retrieve_async(refund.id)
    assert (failed.status, failed.failure_reason) == ("failed", "declined")
    charge = await client.v1.charges.retrieve_async(refund.charge)
    assert (charge.amount_refunded, charge.refunded) == (0, False)
    assert await _available(client) == AMOUNT
    with pytest.raises(StripeFakeError):
        await fake.succeed_refund(refund.id)  # a failed refund stays failed


async def test_failures_the_harness_refuses(fake: StripeFake, client: stripe.StripeClient) -> None:
    intent_id = await _paid(fake, client)
    refund = await client.v1.refunds.create_async(params={"payment_intent": intent_id})
    mark = len(fake.events)
    with pytest.raises(StripeFakeError, match="failure_reason"):
        await fake.fail_refund(refund.id, "the_dog_ate_it")
    assert (await client.v1.refunds.retrieve_async(refund.id)).status == "succeeded"
    await fake.fail_refund(refund.id, "unknown")
    with pytest.raises(StripeFakeError):
        await fake.fail_refund(refund.id, "unknown")  # failing a failed refund
    with pytest.raises(StripeFakeError):
        await fake.fail_refund("re_nope", "unknown")
    assert _types_since(fake, mark) == [
        "refund.failed",
        "refund.updated",
        "charge.refund.updated",
    ]
    assert (await client.v1.charges.retrieve_async(refund.charge)).amount_refunded == 0


async def test_refunds_listed_by_payment_intent(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    intent_id = await _paid(fake, client)
    other_intent = await _paid(fake, client)
    first = await client.v1.refunds.create_async(
        params={"payment_intent": intent_id, "amount": 1000}
    )
    await fake.fail_refund(first.id, "expired_or_canceled_card")
    second = await client.v1.refunds.create_async(
        params={"payment_intent": intent_id, "amount": 1500}
    )
    fake.refunds_pending = True
    third = await client.v1.refunds.create_async(
        params={"payment_intent": intent_id, "amount": 500}
    )
    elsewhere = await client.v1.refunds.create_async(params={"payment_intent": other_intent})

    listed = await client.v1.refunds.list_async(params={"payment_intent": intent_id})
    assert [(r.id, r.status) for r in listed.data] == [
        (third.id, "pending"),
        (second.id, "succeeded"),
        (first.id, "failed"),
    ]  # newest first
    assert all(r.payment_intent == intent_id for r in listed.data)
    assert listed.has_more is False
    other = await client.v1.refunds.list_async(params={"payment_intent": other_intent})
    assert [r.id for r in other.data] == [elsewhere.id]
    by_charge = await client.v1.refunds.list_async(params={"charge": first.charge, "limit": 2})
    assert ([r.id for r in by_charge.data], by_charge.has_more) == ([third.id, second.id], True)
    every = await client.v1.refunds.list_async()
    assert len(every.data) == 4
    charge = await client.v1.charges.retrieve_async(first.charge)
    assert charge.amount_refunded == 1500 + 500  # the failed one no longer counts
    assert fake.violations == []


async def test_a_failure_is_delivered_signed(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    paid = await fake.pay((await new_session(client, capture_method="automatic")).id)
    fake.refunds_pending = True
    refund = await client.v1.refunds.create_async(
        params={"payment_intent": paid.payment_intent["id"], "amount": 2000}
    )
    await fake.settle()
    fake.add_webhook_endpoint(receiver.url, WEBHOOK_SECRET)
    await fake.succeed_refund(refund.id)
    await fake.fail_refund(refund.id, "expired_or_canceled_card")
    events = [
        stripe.Webhook.construct_event(r.body, r.signature, WEBHOOK_SECRET)
        for r in receiver.received
    ]
    assert [e.type for e in events] == [
        "refund.updated",
        "charge.refund.updated",
        "refund.failed",
        "refund.updated",
        "charge.refund.updated",
    ]
    for event in events:
        assert (event.data.object["object"], event.data.object["id"]) == ("refund", refund.id)
    assert [e.data.object["status"] for e in events] == ["succeeded"] * 2 + ["failed"] * 3
    assert [e.data.previous_attributes["status"] for e in events] == (
        ["pending"] * 2 + ["succeeded"] * 3
    )
    failed = events[2].data.object
    assert failed["failure_reason"] == "expired_or_canceled_card"
    assert events[2].data.previous_attributes["failure_reason"] is None


async def test_a_refund_has_its_balance_transaction(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    paid = await fake.pay((await new_session(client, capture_method="automatic")).id)
    refund = await client.v1.refunds.create_async(
        params={"payment_intent": paid.payment_intent["id"], "amount": 1250},
        options={"idempotency_key": "refund-1250"},
    )
    assert (refund.failure_reason, refund.failure_balance_transaction) == (None, None)
    expanded = await client.v1.refunds.retrieve_async(
        refund.id, params={"expand": ["balance_transaction"]}
    )
    move = expanded.balance_transaction
    assert isinstance(move, stripe.BalanceTransaction)
    assert (move.amount, move.net, move.currency) == (-1250, -1250, "usd")
    assert (move.type, move.reporting_category, move.source) == ("refund", "refund", refund.id)
    [listed] = (
        await client.v1.refunds.list_async(params={"payment_intent": paid.payment_intent["id"]})
    ).data
    assert listed.to_dict() == refund.to_dict()  # the full object, as retrieved
    assert fake.violations == []
