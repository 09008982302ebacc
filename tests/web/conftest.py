"""Web tests (layer 4): the checkout app around real services, payments on the Stripe fake.

The fake's clock is the suite's FixedClock, so checkout sessions (which must expire 30 min
to 24 h ahead of the fake's now) agree with the booking times the services compute.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient, TestServer

from marketplace.payments import StripeGateway
from marketplace.services.context import ServiceContext
from marketplace.storage.engine import Database
from marketplace.storage.installation import installation_key_prefix
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from stripe_fake import TEST_API_KEY, StripeFake, running_stripe_fake
from tests.conftest import FixedClock
from tests.web.world import PaidBooking, book_paid_session
from web.checkout.app import create_app

WEBHOOK_SECRET = "whsec_web_suite_secret"
PUBLIC_BASE_URL = "http://127.0.0.1:9"  # only in links; tests reach the app via the client


@pytest.fixture
def backend() -> str:
    """The web layer is tested on SQLite; the storage suite covers PostgreSQL."""
    return "sqlite"


@pytest.fixture
async def fake(clock: FixedClock) -> AsyncIterator[StripeFake]:
    async with running_stripe_fake(clock=lambda: clock.now().timestamp()) as server:
        yield server


@pytest.fixture
async def gateway(fake: StripeFake, database: Database) -> AsyncIterator[StripeGateway]:
    installation = await installation_key_prefix(database, datetime.now(UTC))
    adapter = StripeGateway(
        TEST_API_KEY, fake.base_url, max_network_retries=0, installation=installation
    )
    try:
        yield adapter
    finally:
        await adapter.close()


@pytest.fixture
def ctx(
    uow_factory: UnitOfWorkFactory, clock: FixedClock, gateway: StripeGateway
) -> ServiceContext:
    return ServiceContext(
        uow=uow_factory, clock=clock, gateway=gateway, public_base_url=PUBLIC_BASE_URL
    )


@pytest.fixture
async def client(ctx: ServiceContext) -> AsyncIterator[TestClient]:
    app = create_app(ctx, webhook_secret=WEBHOOK_SECRET)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


@pytest.fixture
async def paid(ctx: ServiceContext, clock: FixedClock) -> PaidBooking:
    """A 90-minute booking awaiting payment, with the student's checkout link."""
    return await book_paid_session(ctx, clock)
