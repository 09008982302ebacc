"""Moderator restrictions: stored, replaced, lifted and read back, on both backends."""

from datetime import UTC, datetime, timedelta

from marketplace.domain.restrictions import Restriction

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
GUILD = 100
OTHER_GUILD = 200
USER = 2**63 - 1


def _restriction(until=NOW + timedelta(days=7), reason="Harassment", by=9, at=NOW, guild=GUILD):
    return Restriction(guild, USER, until, reason, by, at)


async def _store(uow_factory, restriction):
    async with uow_factory() as uow:
        await uow.guilds.ensure(restriction.guild_id, "Campus", NOW)
        await uow.blocks.restrict(restriction)
        await uow.commit()


async def test_a_restriction_round_trips_and_holds_until_it_runs_out(uow_factory):
    stored = _restriction()
    await _store(uow_factory, stored)
    end = stored.until
    async with uow_factory(read_only=True) as uow:
        assert await uow.blocks.current(GUILD, USER, NOW) == stored
        assert await uow.blocks.restricted(GUILD, USER, end - timedelta(seconds=1))
        assert await uow.blocks.current(GUILD, USER, end) is None
        assert not await uow.blocks.restricted(GUILD, USER, end)
        assert await uow.blocks.latest(GUILD, USER) == stored
        assert await uow.blocks.current(OTHER_GUILD, USER, NOW) is None
    assert stored.created_at.tzinfo is not None


async def test_restricting_again_replaces_the_restriction(uow_factory):
    await _store(uow_factory, _restriction())
    later = _restriction(until=None, reason="Again", by=8, at=NOW + timedelta(days=1))
    await _store(uow_factory, later)
    async with uow_factory(read_only=True) as uow:
        assert await uow.blocks.current(GUILD, USER, NOW + timedelta(days=400)) == later


async def test_lifting_ends_it_now_and_keeps_it_for_history(uow_factory):
    await _store(uow_factory, _restriction(until=None))
    lifted_at = NOW + timedelta(hours=3)
    async with uow_factory() as uow:
        assert await uow.blocks.lift(GUILD, USER, lifted_at) is True
        assert await uow.blocks.lift(GUILD, USER, lifted_at) is False
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert not await uow.blocks.restricted(GUILD, USER, lifted_at)
        assert await uow.blocks.latest(GUILD, USER) == _restriction(until=lifted_at)


async def test_an_expired_or_missing_restriction_cannot_be_lifted(uow_factory):
    async with uow_factory() as uow:
        assert await uow.blocks.lift(GUILD, USER, NOW) is False
        assert await uow.blocks.latest(GUILD, USER) is None
    await _store(uow_factory, _restriction(until=NOW + timedelta(hours=1)))
    async with uow_factory() as uow:
        assert await uow.blocks.lift(GUILD, USER, NOW + timedelta(hours=2)) is False
