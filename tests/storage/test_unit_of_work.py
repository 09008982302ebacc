"""The unit of work: one transaction that rolls back unless told to commit."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from marketplace.domain.errors import InputError
from marketplace.domain.profiles import Level, Role, SessionFormat
from marketplace.services import profiles
from marketplace.services.actor import Actor
from marketplace.services.onboarding import StartOnboarding, start
from marketplace.services.profiles import ApplyAsTutor, EditProfile
from marketplace.storage.models import GuildRow, SubjectRow, UserRow

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
GUILD = 100
ACTOR = Actor(guild_id=GUILD, guild_name="Campus", user_id=7)


class BoomError(Exception):
    pass


async def _count(uow_factory, model) -> int:
    async with uow_factory(read_only=True) as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_changes_vanish_without_a_commit(uow_factory):
    async with uow_factory() as uow:
        await uow.users.set_timezone(1, "Europe/Paris", NOW)
        assert await uow.users.timezone(1) == "Europe/Paris"

    async with uow_factory(read_only=True) as uow:
        assert await uow.users.timezone(1) is None
    assert await _count(uow_factory, UserRow) == 0


async def _write_then_fail(uow_factory) -> None:
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.users.set_timezone(1, "Europe/Paris", NOW)
        raise BoomError


async def test_changes_vanish_when_an_exception_escapes(uow_factory):
    with pytest.raises(BoomError):
        await _write_then_fail(uow_factory)

    assert await _count(uow_factory, GuildRow) == 0
    assert await _count(uow_factory, UserRow) == 0


async def test_changes_persist_after_commit(uow_factory):
    async with uow_factory() as uow:
        await uow.users.set_timezone(1, "Europe/Paris", NOW)
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        assert await uow.users.timezone(1) == "Europe/Paris"


async def _commit_write_then_fail(uow_factory) -> None:
    async with uow_factory() as uow:
        await uow.users.set_timezone(1, "Europe/Paris", NOW)
        await uow.commit()
        await uow.users.set_timezone(1, "Asia/Tokyo", NOW)
        await uow.users.set_timezone(2, "UTC", NOW)
        raise BoomError


async def test_only_what_follows_the_last_commit_is_lost_on_an_exception(uow_factory):
    with pytest.raises(BoomError):
        await _commit_write_then_fail(uow_factory)

    async with uow_factory(read_only=True) as uow:
        assert await uow.users.timezone(1) == "Europe/Paris"
        assert await uow.users.timezone(2) is None


async def test_a_unit_of_work_is_unusable_outside_its_block(uow_factory):
    uow = uow_factory()
    with pytest.raises(RuntimeError):
        _ = uow.session
    async with uow:
        pass
    with pytest.raises(RuntimeError):
        _ = uow.session


async def test_a_bad_rate_after_valid_subjects_leaves_no_trace_of_the_application(
    service_context, uow_factory
):
    application = ApplyAsTutor(
        actor=ACTOR,
        subject_keys=("calculus", "physics"),
        level=Level.ADVANCED,
        rate="ten dollars",
        bio="I like derivatives.",
        formats=frozenset({SessionFormat.VOICE}),
        instant_booking=False,
    )
    with pytest.raises(InputError) as caught:
        await profiles.apply_as_tutor(application, service_context)
    assert caught.value.field == "rate"

    # The guild, its starter catalogue and the user were written before the rate was read.
    assert await _count(uow_factory, GuildRow) == 0
    assert await _count(uow_factory, SubjectRow) == 0
    assert await _count(uow_factory, UserRow) == 0


async def test_a_failed_application_keeps_an_existing_student_as_they_were(
    service_context, uow_factory
):
    await start(
        StartOnboarding(ACTOR, Role.STUDENT, "Europe/Paris", ("calculus",), Level.BEGINNER),
        service_context,
    )
    application = ApplyAsTutor(
        actor=ACTOR,
        subject_keys=("physics",),
        level=Level.ADVANCED,
        rate="-5",
        bio="",
        formats=frozenset({SessionFormat.TEXT}),
        instant_booking=True,
    )
    with pytest.raises(InputError):
        await profiles.apply_as_tutor(application, service_context)

    async with uow_factory(read_only=True) as uow:
        member = await uow.members.get(GUILD, ACTOR.user_id)
        assert member is not None
        assert member.role is Role.STUDENT
        assert await uow.tutors.get(GUILD, ACTOR.user_id) is None


async def test_an_edit_with_a_bad_rate_does_not_keep_the_new_goals(service_context, uow_factory):
    await start(
        StartOnboarding(ACTOR, Role.BOTH, "Europe/Paris", ("calculus",), Level.BEGINNER),
        service_context,
    )
    await profiles.apply_as_tutor(
        ApplyAsTutor(
            actor=ACTOR,
            subject_keys=("calculus",),
            level=Level.ADVANCED,
            rate="25",
            bio="Patient and precise.",
            formats=frozenset({SessionFormat.TEXT}),
            instant_booking=False,
        ),
        service_context,
    )
    await profiles.edit(EditProfile(ACTOR, goals="Pass the midterm"), service_context)

    with pytest.raises(InputError):
        await profiles.edit(
            EditProfile(ACTOR, goals="Ace the final", rate="10.999"), service_context
        )

    card = await profiles.view(profiles.ViewProfile(GUILD, ACTOR.user_id), service_context)
    assert card.student is not None
    assert card.student.goals == "Pass the midterm"
    assert card.tutor is not None
    assert card.tutor.rate.minor == 2500
