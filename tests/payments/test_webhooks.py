"""verify_event with events the fake signed and delivered, and with forged ones."""

from __future__ import annotations

import json
import time

import pytest

from marketplace.payments import InvalidWebhookError, StripeGateway, verify_event
from stripe_fake import StripeFake, signature_header
from tests.payments.conftest import checkout_request
from tests.stripe_contract.support import Received, WebhookReceiver

SECRET = "whsec_payments_suite_secret"


async def _completed(
    fake: StripeFake, gateway: StripeGateway, receiver: WebhookReceiver
) -> Received:
    fake.add_webhook_endpoint(receiver.url, SECRET)
    ref = await gateway.create_checkout(checkout_request(42), "k-webhook")
    await fake.pay(ref.session_id)
    return await receiver.wait_for(lambda e: e["type"] == "checkout.session.completed")


async def test_a_signed_event_verifies_into_plain_data(
    fake: StripeFake, gateway: StripeGateway, receiver: WebhookReceiver
) -> None:
    delivery = await _completed(fake, gateway, receiver)
    event = verify_event(delivery.body, delivery.signature, SECRET)
    assert event.event_id.startswith("evt_")
    assert event.type == "checkout.session.completed"
    assert event.object_type == "checkout.session"
    assert event.object_id.startswith("cs_")
    assert event.data["metadata"] == {"booking_id": "42", "guild_id": "7"}
    assert event.data["payment_intent"].startswith("pi_")
    assert type(event.data) is dict
    json.dumps(event.data)  # plain JSON, no Stripe objects


async def test_every_event_of_a_payment_verifies(
    fake: StripeFake, gateway: StripeGateway, receiver: WebhookReceiver
) -> None:
    await _completed(fake, gateway, receiver)
    events = [verify_event(r.body, r.signature, SECRET) for r in receiver.received]
    assert [(e.type, e.object_type) for e in events] == [
        ("payment_intent.created", "payment_intent"),
        ("charge.succeeded", "charge"),
        ("payment_intent.amount_capturable_updated", "payment_intent"),
        ("checkout.session.completed", "checkout.session"),
    ]


async def test_a_tampered_body_is_refused_without_quoting_it(
    fake: StripeFake, gateway: StripeGateway, receiver: WebhookReceiver
) -> None:
    delivery = await _completed(fake, gateway, receiver)
    tampered = delivery.body.replace(b'"complete"', b'"expired"', 1)
    assert tampered != delivery.body
    with pytest.raises(InvalidWebhookError) as refused:
        verify_event(tampered, delivery.signature, SECRET)
    text = str(refused.value)
    assert "expired" not in text
    assert "cs_" not in text
    assert delivery.signature not in text
    assert refused.value.__cause__ is None
    assert refused.value.__suppress_context__


async def test_a_wrong_secret_is_refused(
    fake: StripeFake, gateway: StripeGateway, receiver: WebhookReceiver
) -> None:
    delivery = await _completed(fake, gateway, receiver)
    with pytest.raises(InvalidWebhookError):
        verify_event(delivery.body, delivery.signature, "whsec_someone_else")
    with pytest.raises(InvalidWebhookError):
        verify_event(delivery.body, delivery.signature, "")


async def test_a_stale_signature_is_refused(
    fake: StripeFake, gateway: StripeGateway, receiver: WebhookReceiver
) -> None:
    delivery = await _completed(fake, gateway, receiver)
    event_id = delivery.event["id"]
    ten_minutes_ago = int(time.time()) - 600
    await fake.redeliver(event_id, timestamp=ten_minutes_ago)
    stale = receiver.received[-1]
    assert stale.event["id"] == event_id
    assert stale.signature.startswith(f"t={ten_minutes_ago},")
    with pytest.raises(InvalidWebhookError):
        verify_event(stale.body, stale.signature, SECRET)
    assert verify_event(stale.body, stale.signature, SECRET, tolerance_seconds=3600).event_id == (
        event_id
    )


@pytest.mark.parametrize(
    "header",
    ["", "garbage", "t=notanumber,v1=abc", "v1=abc", "t={now},v0=abc"],
)
def test_a_missing_or_malformed_signature_header_is_refused(header: str) -> None:
    body = b'{"id": "evt_1", "object": "event", "type": "x", "data": {"object": {}}}'
    with pytest.raises(InvalidWebhookError):  # the time is filled in here, not at collection,
        verify_event(body, header.format(now=int(time.time())), SECRET)  # so xdist agrees


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b"\xff\xfe\xfd",
        b"[1, 2, 3]",
        b'{"object": "event", "type": "x", "data": {"object": {"id": "ch_1", "object": "charge"}}}',
        b'{"id": "evt_1", "object": "event", "data": {"object": {"id": "ch_1"}}}',
    ],
)
def test_a_correctly_signed_but_malformed_body_is_refused(body: bytes) -> None:
    with pytest.raises(InvalidWebhookError) as refused:
        verify_event(body, signature_header(body, SECRET), SECRET)
    assert "malformed" in str(refused.value)
