"""Fixtures for the payment adapters: the in-repo Stripe fake, localstripe, gateways."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import stripe
from aiohttp import web

from marketplace.domain.money import Money
from marketplace.payments import StripeGateway
from marketplace.ports.payments import CaptureMethod, CheckoutRequest
from stripe_fake import TEST_API_KEY, StripeFake, running_stripe_fake, stripe_client
from stripe_fake.localstripe import localstripe_server
from tests.stripe_contract.support import WebhookReceiver

LOCALSTRIPE_KEY = "sk_test_payments_suite"
INSTALLATION = "a1b2c3d4e5f60718"  # the idempotency keys' prefix of these tests' installation


def checkout_request(
    booking_id: int = 42,
    *,
    capture: CaptureMethod = "manual",
    amount: int = 5750,
    currency: str = "USD",
    guild_id: int = 7,
) -> CheckoutRequest:
    """A checkout the way the services build one: rate + fee as one line."""
    return CheckoutRequest(
        booking_id=booking_id,
        guild_id=guild_id,
        amount=Money(amount, currency),
        description="Calculus tutoring, 60 min",
        capture=capture,
        success_url="http://127.0.0.1:9/checkout/done",
        cancel_url="http://127.0.0.1:9/checkout/cancel",
        expires_at=datetime.now(UTC) + timedelta(minutes=30),
        transfer_group=f"booking_{booking_id}",
    )


@pytest.fixture
async def fake() -> AsyncIterator[StripeFake]:
    async with running_stripe_fake() as server:
        yield server


@pytest.fixture
async def gateway(fake: StripeFake) -> AsyncIterator[StripeGateway]:
    adapter = StripeGateway(
        TEST_API_KEY, fake.base_url, max_network_retries=0, installation=INSTALLATION
    )
    try:
        yield adapter
    finally:
        await adapter.close()


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    """An HTTP endpoint on loopback that records every webhook POST."""
    sink = WebhookReceiver()
    app = web.Application()
    app.router.add_post("/stripe/webhook", sink.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    sink.url = f"http://127.0.0.1:{runner.addresses[0][1]}/stripe/webhook"
    try:
        yield sink
    finally:
        await runner.cleanup()


@pytest.fixture(scope="session")
def localstripe_base() -> Iterator[str]:
    """One loopback-only localstripe process for this suite."""
    with localstripe_server() as base_url:
        yield base_url


@pytest.fixture
async def ls_client(localstripe_base: str) -> AsyncIterator[stripe.StripeClient]:
    async with stripe_client(localstripe_base, LOCALSTRIPE_KEY) as client:
        yield client


@pytest.fixture
async def ls_gateway(localstripe_base: str) -> AsyncIterator[StripeGateway]:
    adapter = StripeGateway(
        LOCALSTRIPE_KEY, localstripe_base, max_network_retries=0, installation=INSTALLATION
    )
    try:
        yield adapter
    finally:
        await adapter.close()
