"""The read cache across processes on PostgreSQL: a committed change reaches every cache.

Two `UnitOfWorkFactory`s with caches that live for an hour stand for two processes; only
the LISTEN/NOTIFY sync can make the second see the first's change in time.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

import asyncpg
import pytest

from marketplace.storage.cache_sync import CacheSync, asyncpg_dsn, decode_key, encode_key
from marketplace.storage.engine import create_database
from marketplace.storage.read_cache import ReadCache
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from tests.data_keys import TEST_DATA_KEYS

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOUR = 3600.0


async def _until(condition, within: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not condition():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.02)


async def _min_notice(factory: UnitOfWorkFactory) -> int:
    async with factory(read_only=True) as uow:
        return (await uow.guilds.policy(1)).min_notice_minutes


def test_keys_round_trip_as_payloads() -> None:
    for key in [("policy", 123456789012345678), ("subjects", 1), "plain"]:
        assert decode_key(encode_key(key)) == key


async def test_a_change_committed_in_one_process_is_seen_at_once_in_another(postgres_url):
    one, two = ReadCache(ttl=HOUR), ReadCache(ttl=HOUR)
    databases = [create_database(postgres_url, keys=TEST_DATA_KEYS) for _ in range(2)]
    syncs = [CacheSync(postgres_url, one), CacheSync(postgres_url, two)]
    try:
        for sync in syncs:
            await sync.start()
            assert sync.connected
        first = UnitOfWorkFactory(databases[0], one)
        second = UnitOfWorkFactory(databases[1], two)
        async with first() as uow:
            await uow.guilds.ensure(1, "g", NOW)
            await uow.commit()
        before = await _min_notice(second)  # now cached in the second process for an hour
        assert two.get(("policy", 1)) is not None

        async with first() as uow:
            policy = await uow.guilds.policy(1)
            await uow.guilds.save_policy(1, replace(policy, min_notice_minutes=before + 60), NOW)
            await uow.commit()

        await _until(lambda: two.get(("policy", 1)) is None)
        assert await _min_notice(second) == before + 60
    finally:
        for sync in syncs:
            await sync.close()
        for database in databases:
            await database.dispose()


async def test_a_lost_listener_clears_the_cache_and_comes_back(postgres_url):
    cache = ReadCache(ttl=HOUR)
    sync = CacheSync(postgres_url, cache)
    await sync.start()
    try:
        cache.put(("policy", 7), "stale")
        connection = await asyncpg.connect(asyncpg_dsn(postgres_url))
        try:  # the database drops the listening connection (a restart, a network cut)
            await connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE pid <> pg_backend_pid() AND query LIKE 'LISTEN%'"
            )
        finally:
            await connection.close()
        await _until(lambda: cache.get(("policy", 7)) is None)  # changes may have been missed
        await _until(lambda: sync.connected, within=10)

        cache.put(("policy", 7), "fresh")
        other = ReadCache(ttl=HOUR)
        publisher = CacheSync(postgres_url, other)
        await publisher.start()
        try:
            other.committed(("policy", 7))
            await _until(lambda: cache.get(("policy", 7)) is None)
        finally:
            await publisher.close()
    finally:
        await sync.close()


async def test_without_a_sync_the_cache_still_forgets_within_its_lifetime() -> None:
    ticks = [0.0]
    cache = ReadCache(ttl=10, now=lambda: ticks[0])
    cache.put(("policy", 1), "old")
    cache.committed(("policy", 1))  # no publisher: only this process forgets
    assert cache.get(("policy", 1)) is None
    cache.put(("policy", 2), "old")
    ticks[0] = 10.5
    assert cache.get(("policy", 2)) is None
