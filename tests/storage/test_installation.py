"""The installation's key prefix: made once, stored, the same for every process after."""

from __future__ import annotations

import asyncio

from marketplace.payments import StripeGateway
from marketplace.settings import load_settings
from marketplace.storage.engine import create_database
from marketplace.storage.installation import installation_key_prefix
from marketplace.storage.migrate import upgrade
from tests.data_keys import TEST_DATA_KEYS
from tests.services.marketplace_world import NOW
from tutorbot.bootstrap import build_runtime, close_runtime


async def test_the_prefix_is_made_once_and_read_back_by_every_caller(database) -> None:
    first, second = await asyncio.gather(
        installation_key_prefix(database, NOW), installation_key_prefix(database, NOW)
    )
    assert first == second == await installation_key_prefix(database, NOW)
    assert len(first) == 16
    assert int(first, 16) >= 0  # hex digits: safe in any idempotency key


async def test_two_databases_get_different_prefixes(database, empty_database_url) -> None:
    await asyncio.to_thread(upgrade, empty_database_url)
    other = create_database(empty_database_url, keys=TEST_DATA_KEYS)
    try:
        assert await installation_key_prefix(other, NOW) != await installation_key_prefix(
            database, NOW
        )
    finally:
        await other.dispose()


async def test_the_runtime_gives_the_stripe_gateway_the_stored_prefix(tmp_path) -> None:
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        stripe_secret_key="sk_test_installation",
        stripe_api_base="http://127.0.0.1:9",
    )
    prefixes = []
    for _ in range(2):  # a restart reads the same prefix again
        runtime = await build_runtime(settings)
        try:
            gateway = runtime.services.gateway
            assert isinstance(gateway, StripeGateway)
            assert gateway.installation == await installation_key_prefix(runtime.database, NOW)
            prefixes.append(gateway.installation)
        finally:
            await close_runtime(runtime)
    assert prefixes[0] == prefixes[1]
