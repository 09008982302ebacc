"""The fake's webhooks: signed as Stripe signs, verified by the real library, delivered
late, out of order, twice, and retried after a 5xx."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from stripe_fake import StripeFake, running_stripe_fake, signature_header, stripe_client
from tests.stripe_contract.support import WebhookReceiver, new_session

SECRET = "whsec_contract_test_secret"


async def _paid_with_events(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> str:
    fake.add_webhook_endpoint(receiver.url, SECRET)
    payment = await fake.pay((await new_session(client)).id)
    return str(payment.session["id"])


async def test_events_are_signed_and_verify(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    session_id = await _paid_with_events(fake, client, receiver)
    assert [e["type"] for e in receiver.events()] == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.amount_capturable_updated",
        "checkout.session.completed",
    ]
    completed = receiver.received[-1]
    assert completed.content_type.startswith("application/json")
    event = stripe.Webhook.construct_event(completed.body, completed.signature, SECRET)
    assert event.id.startswith("evt_")
    assert (event.object, event.type, event.livemode) == (
        "event",
        "checkout.session.completed",
        False,
    )
    assert event.api_version == stripe.api_version
    assert event.data.object["id"] == session_id
    assert event.data.object["payment_status"] == "unpaid"
    raw = json.loads(completed.body)
    assert set(raw) >= {"id", "object", "type", "created", "data", "api_version", "livemode"}
    assert all(d.ok and d.status == 200 for d in fake.deliveries)


async def test_tampered_wrong_secret_and_stale_signatures_are_refused(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    await _paid_with_events(fake, client, receiver)
    good = receiver.received[-1]
    tampered = good.body.replace(b'"complete"', b'"expired"', 1)
    assert tampered != good.body
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(tampered, good.signature, SECRET)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(good.body, good.signature, "whsec_someone_else")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(good.body, "t=1,v0=abc", SECRET)

    event_id = json.loads(good.body)["id"]
    [stale] = await fake.redeliver(event_id, timestamp=int(time.time()) - 600)
    assert stale.body == good.body  # the same payload, signed at another time
    late = receiver.received[-1]
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe.Webhook.construct_event(late.body, late.signature, SECRET, tolerance=300)
    [fresh] = await fake.redeliver(event_id)
    assert fresh.attempt == 3
    stripe.Webhook.construct_event(
        receiver.received[-1].body, receiver.received[-1].signature, SECRET
    )


def test_signature_header_matches_the_library() -> None:
    body = b'{"id": "evt_1", "object": "event"}'
    now = int(time.time())
    header = signature_header(body, SECRET, now)
    assert header.startswith(f"t={now},v1=")
    stripe.WebhookSignature.verify_header(body.decode(), header, SECRET, 300)


async def test_a_5xx_is_recorded_and_retried(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    receiver.status = 503  # e.g. the booking row is not committed yet
    await _paid_with_events(fake, client, receiver)
    assert fake.deliveries
    assert {d.status for d in fake.deliveries} == {503}
    assert not any(d.ok for d in fake.deliveries)
    receiver.status = 200
    retried = await fake.retry_failed()
    assert len(retried) == 4
    assert all(d.ok and d.attempt == 2 for d in retried)
    assert await fake.retry_failed() == []


async def test_an_unreachable_endpoint_is_recorded(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    fake.add_webhook_endpoint("http://127.0.0.1:9/stripe/webhook", SECRET)
    await fake.pay((await new_session(client)).id)
    assert fake.deliveries
    assert all(d.status is None and d.error for d in fake.deliveries)


async def test_held_events_arrive_late_reversed_and_twice(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    fake.add_webhook_endpoint(receiver.url, SECRET)
    fake.hold_events()
    payment = await fake.pay((await new_session(client)).id)
    await client.v1.payment_intents.capture_async(payment.payment_intent["id"])
    await fake.settle()
    assert receiver.received == []
    held = [e["type"] for e in fake.held_events]
    assert held[-2:] == ["charge.captured", "payment_intent.succeeded"]

    deliveries = await fake.release_events("reverse", duplicate=True)
    arrived = [e["type"] for e in receiver.events()]
    assert arrived == list(reversed(held + held))
    ids = [e["id"] for e in receiver.events()]
    assert len(set(ids)) == len(held)  # each event twice, with the same id
    assert all(d.ok for d in deliveries)
    for item in receiver.received:
        stripe.Webhook.construct_event(item.body, item.signature, SECRET)
    assert fake.held_events == []


async def test_shuffled_release_is_reproducible(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    fake.add_webhook_endpoint(receiver.url, SECRET)
    fake.hold_events()
    await fake.pay((await new_session(client)).id)
    in_order = [e["id"] for e in fake.held_events]
    await fake.release_events("shuffle", seed=7, keep_holding=True)
    first = [e["id"] for e in receiver.events()]
    assert sorted(first) == sorted(in_order)
    await fake.pay((await new_session(client)).id)
    assert len(fake.held_events) == 4  # still holding
    await fake.release_events("as_is")
    assert [e["id"] for e in receiver.events()][4:] == [e["id"] for e in fake.events[4:]]


async def test_endpoint_event_filter_and_request_attribution(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    fake.add_webhook_endpoint(receiver.url, SECRET, events=["payment_intent.canceled"])
    payment = await fake.pay((await new_session(client)).id)
    await client.v1.payment_intents.cancel_async(
        payment.payment_intent["id"], options={"idempotency_key": "booking-42-void"}
    )
    await fake.settle()
    [canceled] = receiver.events()
    assert canceled["type"] == "payment_intent.canceled"
    assert canceled["request"]["idempotency_key"] == "booking-42-void"
    assert canceled["request"]["id"].startswith("req_")
    assert fake.events_of_type("checkout.session.completed")[0]["request"]["id"] is None


async def test_reset_forgets_everything_but_the_endpoints(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    session_id = await _paid_with_events(fake, client, receiver)
    await fake.reset()
    assert (fake.events, fake.deliveries, fake.requests) == ([], [], [])
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.checkout.sessions.retrieve_async(session_id)
    await fake.pay((await new_session(client)).id)
    assert len(receiver.received) == 8  # the endpoint is still registered


async def test_a_fixed_fake_clock_still_signs_with_real_time(receiver: WebhookReceiver) -> None:
    past = 1_700_000_000
    async with running_stripe_fake(clock=lambda: float(past)) as fake:
        fake.add_webhook_endpoint(receiver.url, SECRET)
        async with stripe_client(fake.base_url) as client:
            session = await new_session(client, expires_at=past + 3600)
            assert session.created == past
            await fake.pay(session.id)
    completed = receiver.received[-1]
    event = stripe.Webhook.construct_event(completed.body, completed.signature, SECRET)
    assert event.created == past
