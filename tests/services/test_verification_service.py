"""`/mod verify` and per-subject verification requirements, on a real SQLite file."""

import pytest
from sqlalchemy import select

from marketplace.domain.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.domain.policy import with_setting
from marketplace.domain.profiles import VerificationLevel
from marketplace.jobs import JobRunner
from marketplace.ports import NoticeKind
from marketplace.ports.notice_details import VerificationSetDetails
from marketplace.services import bookings, search, verification
from marketplace.services.actor import Actor
from marketplace.services.job_handlers import Handlers
from marketplace.services.search import FindTutors
from marketplace.storage.models import AuditLogRow
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import (
    GUILD,
    GUILD_NAME,
    STUDENT_ID,
    TUTOR_ID,
    RecordingNotifier,
    add_tutor,
    at,
    book_cmd,
    build_world,
)

MOD_ROLE = 555
MODERATOR = Actor(GUILD, GUILD_NAME, 50, role_ids=frozenset({MOD_ROLE}))
MEMBER = Actor(GUILD, GUILD_NAME, 60)
OTHER_TUTOR = 22


@pytest.fixture
async def world(service_context, clock, uow_factory):
    built = await build_world(service_context, clock)
    await add_tutor(service_context, OTHER_TUTOR, available=())
    await _set(uow_factory, clock, "moderator_role", MOD_ROLE)
    return built


async def _set(uow_factory, clock, key, value):
    async with uow_factory() as uow:
        policy = with_setting(await uow.guilds.policy(GUILD), key, value)
        await uow.guilds.save_policy(GUILD, policy, clock.now())
        await uow.commit()


async def _verify(ctx, level, tutor_id=TUTOR_ID, by=MODERATOR, note=""):
    cmd = verification.SetVerification(by, tutor_id, level, note)
    return await verification.set_level(cmd, ctx)


async def _level_of(uow_factory, tutor_id=TUTOR_ID):
    async with uow_factory(read_only=True) as uow:
        return (await uow.tutors.get(GUILD, tutor_id)).verification


async def _found(world, subject="calculus"):
    results = await search.find(FindTutors(world.student, subject), world.ctx)
    return {hit.tutor_id: hit.verification for hit in results.hits}


async def test_a_moderator_sets_the_level_audited_with_old_new_and_note(
    service_context, uow_factory, clock, world
):
    done = await _verify(service_context, "moderator-verified", note=" Checked student ID ")
    assert (done.old, done.new) == (VerificationLevel.NONE, VerificationLevel.MODERATOR_VERIFIED)
    assert await _level_of(uow_factory) is VerificationLevel.MODERATOR_VERIFIED
    async with uow_factory(read_only=True) as uow:
        rows = await uow.session.execute(
            select(
                AuditLogRow.actor_id, AuditLogRow.action, AuditLogRow.detail, AuditLogRow.at
            ).where(AuditLogRow.action == "verification.set")
        )
        [(who, action, detail, when)] = [tuple(row) for row in rows]
    assert (who, action) == (MODERATOR.user_id, "verification.set")
    assert detail == {
        "target": TUTOR_ID,
        "old": "none",
        "new": "moderator-verified",
        "note": "Checked student ID",
    }
    assert when.replace(tzinfo=None) == clock.now().replace(tzinfo=None)


async def test_the_tutor_is_told_by_dm_through_the_outbox(service_context, database, clock, world):
    await _verify(service_context, "campus-email")
    notifier = RecordingNotifier()
    runner = JobRunner(
        SqlActionQueue(database, clock=clock),
        Handlers(service_context, notifier).by_kind(),
        clock,
        owner="test",
    )
    await runner.sweep()
    [notice] = notifier.of(NoticeKind.VERIFICATION_SET)
    assert (notice.user_id, notice.booking) == (TUTOR_ID, None)
    assert notice.details == VerificationSetDetails(
        old="none", new="campus-email", guild=GUILD_NAME
    )


@pytest.mark.parametrize("caller", [MEMBER, Actor(GUILD, GUILD_NAME, 61, role_ids=frozenset({9}))])
async def test_non_moderators_cannot_set_a_level(service_context, uow_factory, world, caller):
    with pytest.raises(PermissionDeniedError):
        await _verify(service_context, "moderator-verified", by=caller)
    assert await _level_of(uow_factory) is VerificationLevel.NONE


async def test_a_tutor_may_not_verify_themselves(service_context, uow_factory, world):
    with pytest.raises(PermissionDeniedError):
        await _verify(service_context, "moderator-verified", by=world.tutor)


async def test_bad_requests_change_nothing(service_context, uow_factory, world):
    with pytest.raises(InputError):
        await _verify(service_context, "super-verified")
    with pytest.raises(NotFoundError):
        await _verify(service_context, "campus-email", tutor_id=STUDENT_ID)
    with pytest.raises(ConflictError, match="verification_unchanged"):
        await _verify(service_context, "none")
    with pytest.raises(InputError):
        await _verify(service_context, "campus-email", note="n" * 600)
    assert await _level_of(uow_factory) is VerificationLevel.NONE


async def test_a_level_can_be_taken_back_down(service_context, uow_factory, world):
    await _verify(service_context, "moderator-verified")
    done = await _verify(service_context, "none")
    assert (done.old, done.new) == (VerificationLevel.MODERATOR_VERIFIED, VerificationLevel.NONE)
    assert await _level_of(uow_factory) is VerificationLevel.NONE


async def test_search_lists_only_tutors_verified_enough_for_the_subject(
    service_context, uow_factory, clock, world
):
    assert set(await _found(world)) == {TUTOR_ID, OTHER_TUTOR}
    await _set(uow_factory, clock, "verification_required_subjects", ("calculus",))
    assert await _found(world) == {}
    await _verify(service_context, "campus-email", tutor_id=OTHER_TUTOR)
    assert await _found(world) == {OTHER_TUTOR: "campus-email"}
    await _set(
        uow_factory, clock, "verification_required_subjects", ("calculus=moderator-verified",)
    )
    assert await _found(world) == {}
    await _verify(service_context, "moderator-verified")
    assert await _found(world) == {TUTOR_ID: "moderator-verified"}


async def test_a_requirement_on_another_subject_changes_nothing(
    service_context, uow_factory, clock, world
):
    await _set(uow_factory, clock, "verification_required_subjects", ("physics",))
    assert set(await _found(world)) == {TUTOR_ID, OTHER_TUTOR}
    booked = await bookings.book(book_cmd(world.student, TUTOR_ID, at(2, 12)), service_context)
    assert booked.booking_id


async def test_booking_an_unverified_tutor_is_refused_until_they_are_verified(
    service_context, uow_factory, clock, world
):
    await _set(uow_factory, clock, "verification_required_subjects", ("calculus",))
    with pytest.raises(ConflictError, match="tutor_not_verified"):
        await bookings.book(book_cmd(world.student, TUTOR_ID, at(2, 12)), service_context)
    await _verify(service_context, "campus-email")
    booked = await bookings.book(book_cmd(world.student, TUTOR_ID, at(2, 12)), service_context)
    assert booked.tutor_id == TUTOR_ID
