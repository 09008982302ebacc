"""The per-process read cache for guild policy and subjects."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from marketplace.domain.members import Subject
from marketplace.storage.read_cache import ReadCache
from marketplace.storage.unit_of_work import UnitOfWorkFactory

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Ticks:
    def __init__(self) -> None:
        self.value = 0.0

    def __call__(self) -> float:
        return self.value


def test_entries_expire_after_their_ttl() -> None:
    ticks = Ticks()
    cache = ReadCache(ttl=10, now=ticks)
    cache.put("k", 1)
    ticks.value = 9.9
    assert cache.get("k") == 1
    ticks.value = 10.1
    assert cache.get("k") is None


async def test_a_committed_policy_change_is_seen_at_once_by_this_process(database) -> None:
    factory = UnitOfWorkFactory(database, ReadCache(ttl=3600))
    async with factory() as uow:
        await uow.guilds.ensure(1, "g", NOW)
        await uow.commit()
    async with factory(read_only=True) as uow:
        before = await uow.guilds.policy(1)
    async with factory() as uow:
        await uow.guilds.save_policy(1, replace(before, min_notice_minutes=300), NOW)
        await uow.commit()
    async with factory(read_only=True) as uow:
        assert (await uow.guilds.policy(1)).min_notice_minutes == 300


async def test_a_rolled_back_change_never_reaches_the_cache(database) -> None:
    factory = UnitOfWorkFactory(database, ReadCache(ttl=3600))
    async with factory() as uow:
        await uow.guilds.ensure(1, "g", NOW)
        await uow.subjects.add(1, Subject("maths", "Maths"))
        await uow.commit()
    async with factory() as uow:
        await uow.subjects.add(1, Subject("art", "Art"))
        assert [s.key for s in await uow.subjects.all(1)] == ["art", "maths"]  # not cached
    async with factory(read_only=True) as uow:
        assert [s.key for s in await uow.subjects.all(1)] == ["maths"]
    async with factory(read_only=True) as uow:
        assert [s.key for s in await uow.subjects.all(1)] == ["maths"]


async def _display_name(factory: UnitOfWorkFactory, user_id: int) -> str | None:
    async with factory(read_only=True) as uow:
        exported = await uow.privacy.records(1, user_id, limit=10)
    [row] = exported["user"]
    return row["display_name"]


async def test_a_known_user_is_not_written_again_until_erasure_drops_it(database) -> None:
    factory = UnitOfWorkFactory(database, ReadCache(ttl=3600))
    async with factory() as uow:
        await uow.guilds.ensure(1, "g", NOW)
        await uow.users.ensure(42, NOW, "Maya")
        await uow.commit()
    async with factory() as uow:
        await uow.privacy.erase(1, 42, "a deleted user")
        await uow.commit()
    assert await _display_name(factory, 42) == "a deleted user"
    async with factory() as uow:  # Maya comes back: her name is written again
        await uow.users.ensure(42, NOW, "Maya")
        await uow.commit()
    assert await _display_name(factory, 42) == "Maya"
