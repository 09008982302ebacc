"""POST /stripe/webhook: only verified events are handled, each once; early ones are retried."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlsplit

import pytest

from stripe_fake import StripeFake, signature_header
from tests.web.conftest import WEBHOOK_SECRET
from tests.web.world import PaidBooking, stored, text_of

URL = "/stripe/webhook"


def event_body(booking_id: int = 999_999, event_id: str = "evt_web_suite_1") -> bytes:
    """A checkout.session.completed event about a booking this database does not have."""
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": "checkout.session.completed",
            "created": 1_796_000_000,
            "data": {
                "object": {
                    "id": "cs_test_not_ours_yet",
                    "object": "checkout.session",
                    "status": "complete",
                    "payment_intent": None,
                    "metadata": {"booking_id": str(booking_id), "guild_id": "700"},
                }
            },
        }
    ).encode()


async def post(client, body: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return await client.post(URL, data=body, headers=headers)


@pytest.fixture
async def hooked(client, fake: StripeFake, paid: PaidBooking) -> PaidBooking:
    """The fake delivers its events to the app under test."""
    fake.add_webhook_endpoint(str(client.make_url(URL)), WEBHOOK_SECRET)
    return paid


async def pay(client, fake: StripeFake, paid: PaidBooking) -> None:
    response = await client.post(f"{paid.path}/pay", allow_redirects=False)
    await fake.pay(urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1])


BAD_SIGNATURES = {
    "missing": lambda body: None,
    "empty": lambda body: "",
    "garbage": lambda body: "not a signature",
    "no v1": lambda body: f"t={int(time.time())}",
    "other secret": lambda body: signature_header(body, "whsec_someone_else"),
    "stale": lambda body: signature_header(body, WEBHOOK_SECRET, int(time.time()) - 301),
}


def test_the_event_body_is_stable_so_only_the_signature_is_wrong():
    body = event_body()
    assert body == event_body()
    assert BAD_SIGNATURES["stale"](body) != signature_header(body, WEBHOOK_SECRET)


@pytest.mark.parametrize("kind", BAD_SIGNATURES)
async def test_a_bad_or_stale_signature_is_rejected_and_nothing_stored(
    client, uow_factory, caplog, kind
):
    before = await stored(uow_factory)
    caplog.set_level(logging.INFO)
    body = event_body()
    signature = BAD_SIGNATURES[kind](body)
    response = await post(client, body, signature)
    assert response.status == 400
    assert await response.json() == {"status": "rejected"}
    assert await stored(uow_factory) == before
    logged = caplog.text
    assert "rejected webhook: bad or stale signature" in logged
    assert "evt_web_suite_1" not in logged
    assert "cs_test_not_ours_yet" not in logged
    if signature:
        assert signature not in logged


async def test_the_same_event_signed_now_gets_past_verification(client):
    body = event_body()
    response = await post(client, body, signature_header(body, WEBHOOK_SECRET))
    assert response.status == 503  # verified; its booking is unknown, so: retry later


async def test_a_tampered_body_is_rejected(client, uow_factory):
    body = event_body()
    signature = signature_header(body, WEBHOOK_SECRET)
    response = await post(client, body.replace(b"999999", b"1"), signature)
    assert response.status == 400
    assert (await stored(uow_factory)).events == 0


@pytest.mark.parametrize(
    "body", [b"", b"not json", b"\xff\xfe\x00", b"[]", b'{"id": "evt_1"}', b'{"id": 1, "type": 2}']
)
async def test_a_signed_but_malformed_body_is_rejected(client, uow_factory, caplog, body):
    response = await post(client, body, signature_header(body, WEBHOOK_SECRET))
    assert response.status == 400
    assert "rejected webhook: malformed event" in caplog.text
    assert (await stored(uow_factory)).events == 0


async def test_an_oversized_body_is_refused_unread(client, uow_factory):
    body = b'{"pad": "' + b"a" * (70 * 1024) + b'"}'
    response = await post(client, body, signature_header(body, WEBHOOK_SECRET))
    assert response.status == 413
    assert (await stored(uow_factory)).events == 0


async def test_an_oversized_chunked_body_is_refused(client):
    async def chunks():
        for _ in range(80):
            yield b"a" * 1024

    response = await client.post(URL, data=chunks(), headers={"Stripe-Signature": "t=1,v1=x"})
    assert response.status == 413


async def test_an_event_about_a_booking_not_stored_yet_asks_for_a_retry(client, uow_factory):
    body = event_body(booking_id=424242)
    response = await post(client, body, signature_header(body, WEBHOOK_SECRET))
    assert response.status == 503
    assert await response.json() == {"status": "retry"}
    assert (await stored(uow_factory)).events == 0  # not marked handled: the retry counts


async def test_an_event_we_do_not_act_on_is_acknowledged(client, uow_factory):
    body = json.dumps(
        {
            "id": "evt_web_customer",
            "object": "event",
            "type": "customer.created",
            "data": {"object": {"id": "cus_1", "object": "customer"}},
        }
    ).encode()
    response = await post(client, body, signature_header(body, WEBHOOK_SECRET))
    assert response.status == 200
    assert await response.json() == {"status": "ignored"}


async def test_no_signing_secret_means_every_webhook_is_refused(uow_factory, clock, ctx):
    from aiohttp.test_utils import TestClient, TestServer

    from web.checkout.app import create_app

    async with TestClient(TestServer(create_app(ctx))) as unconfigured:
        body = event_body()
        response = await post(unconfigured, body, signature_header(body, ""))
        assert response.status == 400


async def test_the_providers_signed_events_record_the_hold(client, fake, hooked, uow_factory):
    await pay(client, fake, hooked)
    await fake.settle()
    ours = [d for d in fake.deliveries if d.url.endswith(URL)]
    assert ours
    assert all(d.status == 200 for d in ours)
    after = await stored(uow_factory)
    assert after.events == len({d.event_id for d in ours})
    assert after.ledger == 0  # an authorization moves no money yet
    status = text_of(await (await client.get(f"/bookings/{hooked.token}")).text())
    assert "Status: Held" in status  # without the return page: the webhooks did it


async def test_a_duplicate_event_is_acknowledged_and_changes_nothing(
    client, fake, hooked, uow_factory
):
    await pay(client, fake, hooked)
    await fake.settle()
    before = await stored(uow_factory)
    completed = next(
        d for d in fake.deliveries if d.event_type == "checkout.session.completed" and d.ok
    )
    calls = len(fake.requests)
    response = await post(client, completed.body, signature_header(completed.body, WEBHOOK_SECRET))
    assert response.status == 200
    assert await response.json() == {"status": "duplicate"}
    assert len(fake.requests) == calls, "a handled event is not re-read from Stripe"
    redelivered = await fake.redeliver(completed.event_id)
    assert [d.status for d in redelivered] == [200]
    assert await stored(uow_factory) == before


async def test_a_redelivery_signed_too_long_ago_is_rejected(client, fake, hooked):
    await pay(client, fake, hooked)
    await fake.settle()
    event = fake.events_of_type("checkout.session.completed")[0]
    late = await fake.redeliver(event["id"], timestamp=int(time.time()) - 301)
    assert [d.status for d in late] == [400]
