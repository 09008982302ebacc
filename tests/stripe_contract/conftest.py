"""Fixtures for the Stripe contract suites: localstripe, the in-repo fake, a webhook sink."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import stripe
from aiohttp import web

from stripe_fake import StripeFake, running_stripe_fake, stripe_client
from stripe_fake.localstripe import localstripe_server
from tests.stripe_contract.support import WebhookReceiver


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    sink = WebhookReceiver()
    app = web.Application()
    app.router.add_post("/stripe/webhook", sink.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sink.url = f"http://127.0.0.1:{runner.addresses[0][1]}/stripe/webhook"
    try:
        yield sink
    finally:
        await runner.cleanup()


@pytest.fixture
async def fake() -> AsyncIterator[StripeFake]:
    async with running_stripe_fake() as server:
        yield server


@pytest.fixture
async def client(fake: StripeFake) -> AsyncIterator[stripe.StripeClient]:
    async with stripe_client(fake.base_url) as api:
        yield api


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    """One localstripe process for the whole session (state is separated by ids)."""
    with localstripe_server() as base_url:
        yield base_url


@pytest.fixture
async def ls_client(localstripe_url: str) -> AsyncIterator[stripe.StripeClient]:
    async with stripe_client(localstripe_url, "sk_test_contract") as api:
        yield api
