"""Many members arriving at once in a guild nobody has seen before."""

import asyncio

from sqlalchemy import func, select

from marketplace.domain.profiles import Level, Role
from marketplace.domain.subjects import DEFAULT_SUBJECTS
from marketplace.services import onboarding
from marketplace.services.actor import Actor
from marketplace.services.onboarding import StartOnboarding
from marketplace.storage.models import GuildRow, MemberRow, SubjectRow

GUILD = 4242
CROWD = 20


def _failures(results: list) -> dict[str, int]:
    """How many tasks failed with each distinct error (first line of its message)."""
    summary: dict[str, int] = {}
    for result in results:
        if isinstance(result, BaseException):
            key = f"{type(result).__name__}: {str(result).splitlines()[0]}"
            summary[key] = summary.get(key, 0) + 1
    return summary


def _arrival(user_id: int) -> StartOnboarding:
    return StartOnboarding(
        actor=Actor(guild_id=GUILD, guild_name="New campus", user_id=user_id),
        role=Role.STUDENT if user_id % 2 else Role.BOTH,
        timezone="Europe/Berlin",
        subject_keys=("calculus", "physics"),
        level=Level.INTERMEDIATE,
    )


async def test_twenty_members_starting_at_once_in_a_new_guild_all_get_in(
    service_context, uow_factory
):
    results = await asyncio.wait_for(
        asyncio.gather(
            *(onboarding.start(_arrival(user_id), service_context) for user_id in range(CROWD)),
            return_exceptions=True,
        ),
        timeout=30,
    )

    assert _failures(results) == {}
    async with uow_factory(read_only=True) as uow:
        session = uow.session
        guilds = await session.scalar(select(func.count()).select_from(GuildRow))
        subject_keys = (
            await session.scalars(select(SubjectRow.key).where(SubjectRow.guild_id == GUILD))
        ).all()
        members = (
            await session.scalars(select(MemberRow.user_id).where(MemberRow.guild_id == GUILD))
        ).all()
        catalogue = await uow.subjects.all(GUILD)
    assert guilds == 1
    assert len(subject_keys) == len(set(subject_keys)) == len(DEFAULT_SUBJECTS)
    assert [s.name for s in catalogue] == sorted(DEFAULT_SUBJECTS)
    assert sorted(members) == list(range(CROWD))


async def test_many_first_looks_at_a_new_guilds_catalogue_seed_it_once(
    service_context, uow_factory
):
    results = await asyncio.wait_for(
        asyncio.gather(
            *(onboarding.catalogue(GUILD, "New campus", service_context) for _ in range(CROWD)),
            return_exceptions=True,
        ),
        timeout=30,
    )

    assert _failures(results) == {}
    assert all(len(result) == len(DEFAULT_SUBJECTS) for result in results)
    async with uow_factory(read_only=True) as uow:
        query = select(func.count()).select_from(SubjectRow).where(SubjectRow.guild_id == GUILD)
        assert await uow.session.scalar(query) == len(DEFAULT_SUBJECTS)


async def test_a_double_clicked_start_in_a_known_guild_records_the_member_once(
    service_context, uow_factory
):
    await onboarding.catalogue(GUILD, "New campus", service_context)

    results = await asyncio.wait_for(
        asyncio.gather(
            *(onboarding.start(_arrival(7), service_context) for _ in range(2)),
            return_exceptions=True,
        ),
        timeout=30,
    )

    assert _failures(results) == {}
    async with uow_factory(read_only=True) as uow:
        members = (
            await uow.session.scalars(select(MemberRow.user_id).where(MemberRow.guild_id == GUILD))
        ).all()
    assert members == [7]
