"""POST /stripe/webhook with real shapes of what Stripe sends a Connect platform (issue 17).

Every correctly signed event is acknowledged 2xx: those we do not act on (or about
objects that are not ours) as ``ignored``, without a call to Stripe and without changing
any payment or ledger row; only a bad signature or a body that is not an event gets 400.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest

from stripe_fake import StripeFake, signature_header
from tests.payments.event_shapes import (
    ALL_EVENTS,
    APPLICATION,
    BALANCE,
    CAPABILITY,
    CONNECTED,
    DISPUTE,
    PAYOUT,
    PERSON,
    event_body,
    shape_id,
)
from tests.web.conftest import WEBHOOK_SECRET
from tests.web.test_webhook import pay
from tests.web.world import PaidBooking, stored

URL = "/stripe/webhook"


async def post(client, body: bytes, signature: str | None = None):
    header = signature_header(body, WEBHOOK_SECRET) if signature is None else signature
    return await client.post(
        URL, data=body, headers={"Content-Type": "application/json", "Stripe-Signature": header}
    )


@pytest.mark.usefixtures("paid")
@pytest.mark.parametrize("case", ALL_EVENTS, ids=shape_id)
async def test_every_real_event_shape_is_acknowledged_and_changes_nothing(
    client, fake: StripeFake, uow_factory, caplog, case
):
    event_type, obj, connected = case
    caplog.set_level(logging.INFO)
    before = await stored(uow_factory)
    calls = len(fake.requests)
    body = event_body(event_type, obj, connected, event_id=f"evt_shape_{shape_id(case)}")
    response = await post(client, body)
    assert response.status == 200, await response.text()
    assert await response.json() == {"status": "ignored"}
    assert len(fake.requests) == calls, "nothing of ours to re-read from Stripe"
    after = await stored(uow_factory)
    assert (after.ledger, after.payments) == (before.ledger, before.payments)
    assert after.events == before.events + 1  # seen once, so a redelivery is a duplicate
    assert f"({event_type}) ignored" in caplog.text
    assert "WARNING" not in {r.levelname for r in caplog.records}

    again = await post(client, body)
    assert (again.status, await again.json()) == (200, {"status": "duplicate"})
    assert await stored(uow_factory) == after


async def test_balance_available_whose_balance_has_no_id_is_acknowledged(client, uow_factory):
    body = event_body("balance.available", BALANCE, False, event_id="evt_balance_1")
    response = await post(client, body)
    assert (response.status, await response.json()) == (200, {"status": "ignored"})
    assert (await stored(uow_factory)).events == 1


@pytest.mark.parametrize(
    "event_type",
    [
        "payment_intent.succeeded",
        "checkout.session.completed",
        "charge.refunded",
        "refund.updated",
        "account.updated",
        "charge.dispute.created",
    ],
)
@pytest.mark.usefixtures("paid")
async def test_an_event_we_act_on_without_an_object_id_is_acknowledged_with_a_warning(
    client, fake: StripeFake, uow_factory, caplog, event_type
):
    before = await stored(uow_factory)
    calls = len(fake.requests)
    obj: dict[str, Any] = {"object": event_type.rsplit(".", 1)[0].split(".")[-1]}
    body = event_body(event_type, obj, False, event_id="evt_no_object_id")
    response = await post(client, body)
    assert (response.status, await response.json()) == (200, {"status": "ignored"})
    assert len(fake.requests) == calls
    assert any(
        r.levelname == "WARNING" and "no object id" in r.getMessage() for r in caplog.records
    )
    after = await stored(uow_factory)
    assert (after.ledger, after.payments) == (before.ledger, before.payments)


@pytest.mark.parametrize(
    "data",
    [None, {}, {"object": "a string"}, {"object": [1]}],
    ids=["null", "empty", "string", "list"],
)
async def test_a_signed_event_with_an_odd_data_object_is_acknowledged(client, data):
    body = json.dumps({"id": "evt_odd_data", "object": "event", "type": "x.y", "data": data})
    response = await post(client, body.encode())
    assert (response.status, await response.json()) == (200, {"status": "ignored"})


@pytest.mark.parametrize("signature", ["", "garbage", "another body", "other secret", "stale"])
async def test_a_real_shape_with_a_bad_signature_is_rejected(client, uow_factory, signature):
    body = event_body("balance.available", BALANCE, False, event_id="evt_bad_sig")
    if signature == "another body":
        signature = signature_header(b"another body", WEBHOOK_SECRET)
    elif signature == "other secret":
        signature = signature_header(body, "whsec_someone_else")
    elif signature == "stale":
        signature = signature_header(body, WEBHOOK_SECRET, int(time.time()) - 301)
    response = await post(client, body, signature)
    assert (response.status, await response.json()) == (400, {"status": "rejected"})
    assert (await stored(uow_factory)).events == 0


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe\x00",
        b"{",
        b"[" * 5000,
        b"[]",
        b"42",
        b'{"type": "balance.available"}',
    ],
    ids=["text", "not utf-8", "unparseable", "nested too deep", "list", "number", "no id"],
)
async def test_a_signed_body_that_is_not_an_event_is_rejected(client, uow_factory, caplog, body):
    response = await post(client, body)
    assert (response.status, await response.json()) == (400, {"status": "rejected"})
    assert "rejected webhook: malformed event" in caplog.text
    assert (await stored(uow_factory)).events == 0


@pytest.fixture
async def hooked(client, fake: StripeFake, paid: PaidBooking) -> PaidBooking:
    """The fake delivers its events to the app under test."""
    fake.add_webhook_endpoint(str(client.make_url(URL)), WEBHOOK_SECRET)
    return paid


async def test_events_the_fake_sends_a_connect_platform_are_all_acknowledged(
    client, fake: StripeFake, hooked, uow_factory
):
    await pay(client, fake, hooked)
    await fake.settle()
    before = await stored(uow_factory)
    sent = [
        fake.send_event("balance.available", fake.platform_balance()),
        fake.send_event("balance.available", BALANCE, account=CONNECTED),
        fake.send_event("account.application.deauthorized", APPLICATION, account=CONNECTED),
        fake.send_event("payout.paid", PAYOUT, account=CONNECTED),
        fake.send_event("person.updated", PERSON, account=CONNECTED),
        fake.send_event("capability.updated", CAPABILITY, account=CONNECTED),
        fake.send_event("charge.dispute.created", DISPUTE, account=CONNECTED),
    ]
    await fake.settle()
    ids = {e["id"] for e in sent}
    ours = [d for d in fake.deliveries if d.event_id in ids]
    assert sorted(d.event_id for d in ours) == sorted(ids)
    assert all(d.status == 200 for d in ours), [(d.event_type, d.status) for d in ours]
    after = await stored(uow_factory)
    assert (after.ledger, after.payments) == (before.ledger, before.payments)
    assert after.events == before.events + len(sent)
