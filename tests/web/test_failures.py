"""When the provider is down or something breaks: retries for Stripe, plain pages for people."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient, TestServer

from marketplace.payments import StripeGateway
from marketplace.ports import SessionState
from marketplace.services.context import ServiceContext
from stripe_fake import signature_header
from tests.web.conftest import WEBHOOK_SECRET
from tests.web.world import stored, text_of
from web.checkout.app import create_app


class ExplodingGateway(StripeGateway):
    """A gateway with a bug: re-reading a checkout raises something no one expects."""

    async def checkout(self, session_id: str) -> SessionState:
        raise RuntimeError("secret internals " + session_id)


@asynccontextmanager
async def app_with(ctx: ServiceContext, gateway: StripeGateway) -> AsyncIterator[TestClient]:
    other = ServiceContext(uow=ctx.uow, clock=ctx.clock, gateway=gateway)
    try:
        async with TestClient(TestServer(create_app(other, webhook_secret=WEBHOOK_SECRET))) as c:
            yield c
    finally:
        await gateway.close()


async def session_of(client, paid) -> str:
    response = await client.post(f"{paid.path}/pay", allow_redirects=False)
    return urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1]


def completed(session_id: str, booking_id: int) -> bytes:
    return json.dumps(
        {
            "id": "evt_web_failures_1",
            "object": "event",
            "type": "checkout.session.completed",
            "data": {
                "object": {
                    "id": session_id,
                    "object": "checkout.session",
                    "payment_intent": None,
                    "metadata": {"booking_id": str(booking_id)},
                }
            },
        }
    ).encode()


async def send(client, body: bytes):
    headers = {"Stripe-Signature": signature_header(body, WEBHOOK_SECRET)}
    return await client.post("/stripe/webhook", data=body, headers=headers)


async def test_a_webhook_while_the_provider_is_unreachable_asks_for_a_retry(
    client, ctx, paid, uow_factory
):
    session_id = await session_of(client, paid)
    down = StripeGateway(
        "sk_test_down", "http://127.0.0.1:9", max_network_retries=0, installation="tests"
    )
    async with app_with(ctx, down) as offline:
        response = await send(offline, completed(session_id, paid.booking.booking_id))
        answer = await response.json()
    assert response.status == 503
    assert answer == {"status": "retry"}
    assert (await stored(uow_factory)).events == 0  # handled later, when it comes again


async def test_an_unexpected_error_in_a_webhook_is_a_logged_500(client, ctx, paid, fake, caplog):
    session_id = await session_of(client, paid)
    exploding = ExplodingGateway("sk_test_x", fake.base_url, installation="tests")
    async with app_with(ctx, exploding) as broken:
        response = await send(broken, completed(session_id, paid.booking.booking_id))
        answer = await response.json()
    assert response.status == 500
    assert answer == {"status": "error"}
    failure = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert "evt_web_failures_1" in failure.getMessage()
    assert failure.exc_info is not None


async def test_an_unexpected_error_on_a_page_shows_no_traceback(client, ctx, paid, fake, caplog):
    await session_of(client, paid)
    exploding = ExplodingGateway("sk_test_x", fake.base_url, installation="tests")
    async with app_with(ctx, exploding) as broken:
        response = await broken.get(f"{paid.path}/done")
        html = await response.text()
    assert response.status == 500
    assert "Something went wrong on our side" in text_of(html)
    assert "Traceback" not in html
    assert "secret internals" not in html
    assert "unhandled error on GET /checkout/{token}/done" in caplog.text
    assert paid.token not in caplog.text  # the route is logged, never the link


async def test_the_return_page_shows_what_is_stored_when_the_provider_is_down(client, ctx, paid):
    await session_of(client, paid)
    down = StripeGateway(
        "sk_test_down", "http://127.0.0.1:9", max_network_retries=0, installation="tests"
    )
    async with app_with(ctx, down) as offline:
        response = await offline.get(f"{paid.path}/done")
        text = text_of(await response.text())
    assert response.status == 200
    assert "We haven't received your payment yet" in text


async def test_pages_without_a_payment_provider_still_show_the_booking(ctx, paid):
    free = ServiceContext(uow=ctx.uow, clock=ctx.clock, gateway=None)
    async with TestClient(TestServer(create_app(free))) as c:
        assert (await c.get(paid.path)).status == 200
        done = await c.get(f"{paid.path}/done")
        assert done.status == 200
        pay = await c.post(f"{paid.path}/pay", allow_redirects=False)
        assert pay.status == 409
        assert "Payments are off" in text_of(await pay.text())
        payouts = await c.get("/payouts/return/acct_abc")
        assert payouts.status == 409
        assert "Payments are off" in text_of(await payouts.text())
