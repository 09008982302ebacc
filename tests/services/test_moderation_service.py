"""Reports and the moderator queue, through the services on a real SQLite file."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.cases import CaseAction, CaseStatus
from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.domain.policy import with_setting
from marketplace.services import bookings, moderation
from marketplace.services.actor import Actor
from marketplace.storage.models import AuditLogRow, CaseRow
from tests.services.marketplace_world import TUTOR_ID, at, book_cmd, build_world

GUILD = 500
MOD_ROLE = 555


def actor(user_id: int, **standing) -> Actor:
    return Actor(guild_id=GUILD, guild_name="Campus", user_id=user_id, **standing)


REPORTER = actor(1)
TARGET_ID = 2
MODERATOR = actor(50, role_ids=frozenset({MOD_ROLE}))
ADMIN = actor(900, has_manage_guild=True)


async def _set_mod_role(uow_factory, clock) -> None:
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", clock.now())
        policy = with_setting(await uow.guilds.policy(GUILD), "moderator_role", MOD_ROLE)
        await uow.guilds.save_policy(GUILD, policy, clock.now())
        await uow.commit()


@pytest.fixture
async def moderated(uow_factory, clock):
    await _set_mod_role(uow_factory, clock)


async def _report(ctx, reason="They asked me to pay off-platform", who=REPORTER, **options):
    return await moderation.report(
        moderation.ReportUser(who, options.pop("target", TARGET_ID), reason, **options), ctx
    )


async def _case_rows(uow_factory):
    async with uow_factory(read_only=True) as uow:
        rows = await uow.session.execute(
            select(CaseRow.reporter_id, CaseRow.target_id, CaseRow.status).order_by(CaseRow.id)
        )
        return [tuple(row) for row in rows]


async def _audit(uow_factory):
    async with uow_factory(read_only=True) as uow:
        rows = await uow.session.execute(
            select(AuditLogRow.actor_id, AuditLogRow.action, AuditLogRow.detail).order_by(
                AuditLogRow.id
            )
        )
        return list(rows)


async def test_a_report_opens_a_case_and_is_audited(service_context, uow_factory, clock):
    case = await _report(service_context)
    assert case.case_id > 0
    assert case.status is CaseStatus.OPEN
    assert case.created_at == clock.now()
    assert await _case_rows(uow_factory) == [(1, TARGET_ID, "open")]
    assert (await _audit(uow_factory))[-1][:2] == (1, "case.report")


@pytest.mark.parametrize("reason", ["", "   ", "r" * 501])
async def test_a_bad_reason_writes_nothing(service_context, uow_factory, reason):
    with pytest.raises(InputError):
        await _report(service_context, reason)
    assert await _case_rows(uow_factory) == []


async def test_reporting_yourself_writes_nothing(service_context, uow_factory):
    with pytest.raises(ConflictError):
        await _report(service_context, target=REPORTER.user_id)
    assert await _case_rows(uow_factory) == []


async def test_reports_beyond_the_daily_limit_are_refused_until_a_day_passes(
    service_context, uow_factory, clock
):
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", clock.now())
        policy = with_setting(await uow.guilds.policy(GUILD), "reports_per_day", 2)
        await uow.guilds.save_policy(GUILD, policy, clock.now())
        await uow.commit()
    await _report(service_context)
    await _report(service_context, target=3)
    with pytest.raises(ConflictError) as caught:
        await _report(service_context, target=4)
    assert caught.value.reason == "report_limit"
    clock.advance(timedelta(days=1, seconds=1))
    await _report(service_context, target=4)
    assert len(await _case_rows(uow_factory)) == 3


async def test_a_report_may_name_one_of_the_reporters_own_bookings(service_context, clock):
    world = await build_world(service_context, clock)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, at(2, 10)), service_context)
    case = await moderation.report(
        moderation.ReportUser(world.student, TUTOR_ID, "No-show", booking.booking_id),
        service_context,
    )
    assert case.booking_id == booking.booking_id
    stranger = Actor(world.student.guild_id, "Campus", 77)
    with pytest.raises(NotFoundError):
        await moderation.report(
            moderation.ReportUser(stranger, TUTOR_ID, "No-show", booking.booking_id),
            service_context,
        )


async def test_an_unknown_booking_is_not_found_and_nothing_is_written(service_context, uow_factory):
    with pytest.raises(NotFoundError):
        await _report(service_context, booking_id=4242)
    assert await _case_rows(uow_factory) == []


@pytest.mark.parametrize("who", [REPORTER, actor(50, role_ids=frozenset({999}))])
async def test_non_moderators_are_refused_every_moderator_action(service_context, moderated, who):
    case = await _report(service_context)
    with pytest.raises(PermissionDeniedError):
        await moderation.queue(moderation.ModerationQueue(who, 1), service_context)
    with pytest.raises(PermissionDeniedError):
        await moderation.resolve_case(
            moderation.ResolveCase(who, case.case_id, "warned"), service_context
        )
    with pytest.raises(PermissionDeniedError):
        await moderation.history(moderation.CaseHistory(who, TARGET_ID), service_context)
    with pytest.raises(PermissionDeniedError):
        await moderation.check_moderator(who, service_context)


async def test_the_queue_lists_open_cases_oldest_first_in_pages(service_context, clock, moderated):
    for target in range(2, 9):
        await _report(service_context, target=target)
        clock.advance(timedelta(minutes=1))
    first = await moderation.queue(moderation.ModerationQueue(MODERATOR, 1), service_context)
    assert [c.target_id for c in first.cases] == [2, 3, 4, 5, 6]
    assert (first.total, first.page, first.pages) == (7, 1, 2)
    second = await moderation.queue(moderation.ModerationQueue(MODERATOR, 2), service_context)
    assert [c.target_id for c in second.cases] == [7, 8]
    beyond = await moderation.queue(moderation.ModerationQueue(ADMIN, 99), service_context)
    assert beyond.page == 2


async def test_a_moderator_resolves_a_case_once_and_it_is_audited(
    service_context, uow_factory, clock, moderated
):
    case = await _report(service_context)
    clock.advance(timedelta(hours=1))
    closed = await moderation.resolve_case(
        moderation.ResolveCase(MODERATOR, case.case_id, "warned", "First warning"),
        service_context,
    )
    assert (closed.action, closed.resolved_by, closed.resolved_at) == (
        CaseAction.WARNED,
        MODERATOR.user_id,
        clock.now(),
    )
    assert (
        await moderation.queue(moderation.ModerationQueue(MODERATOR, 1), service_context)
    ).cases == []
    actor_id, action, detail = (await _audit(uow_factory))[-1]
    assert (actor_id, action) == (MODERATOR.user_id, "case.resolve")
    assert detail == {
        "case": case.case_id,
        "target": TARGET_ID,
        "action": "warned",
        "note": "First warning",
    }
    with pytest.raises(InvalidTransitionError):
        await moderation.resolve_case(
            moderation.ResolveCase(ADMIN, case.case_id, "no_action"), service_context
        )
    assert len(await _audit(uow_factory)) == 2


async def test_resolving_with_bad_input_changes_nothing(service_context, uow_factory, moderated):
    case = await _report(service_context)
    with pytest.raises(InputError):
        await moderation.resolve_case(
            moderation.ResolveCase(MODERATOR, case.case_id, "banish"), service_context
        )
    with pytest.raises(InputError):
        await moderation.resolve_case(
            moderation.ResolveCase(MODERATOR, case.case_id, "warned", "n" * 501), service_context
        )
    with pytest.raises(NotFoundError):
        await moderation.resolve_case(
            moderation.ResolveCase(MODERATOR, 9999, "warned"), service_context
        )
    assert [status for *_, status in await _case_rows(uow_factory)] == ["open"]


async def test_a_case_of_another_guild_is_not_found(service_context, uow_factory, moderated):
    case = await _report(service_context)
    elsewhere = Actor(guild_id=GUILD + 1, guild_name="Other", user_id=900, has_manage_guild=True)
    with pytest.raises(NotFoundError):
        await moderation.resolve_case(
            moderation.ResolveCase(elsewhere, case.case_id, "warned"), service_context
        )


async def test_history_shows_a_users_cases_newest_first(service_context, clock, moderated):
    first = await _report(service_context)
    clock.advance(timedelta(hours=1))
    second = await _report(service_context, "Again", who=actor(3))
    await _report(service_context, "Someone else", target=4)
    await moderation.resolve_case(
        moderation.ResolveCase(MODERATOR, first.case_id, "no_action"), service_context
    )
    record = await moderation.history(moderation.CaseHistory(MODERATOR, TARGET_ID), service_context)
    cases = record.cases
    assert [c.case_id for c in cases] == [second.case_id, first.case_id]
    assert cases[1].status is CaseStatus.RESOLVED


async def _upheld_case(ctx, action="warned", reporter=REPORTER):
    case = await _report(ctx, who=reporter)
    await moderation.resolve_case(moderation.ResolveCase(MODERATOR, case.case_id, action), ctx)


async def test_a_member_reaching_the_threshold_is_a_repeat_offender(
    service_context, moderated, clock
):
    from marketplace.services import restrictions

    await _upheld_case(service_context)
    await _upheld_case(service_context, "no_action", reporter=actor(3))  # does not count
    record = (
        await moderation.history(moderation.CaseHistory(MODERATOR, TARGET_ID), service_context)
    ).offenses
    assert (record.counts.upheld_cases, record.counts.total) == (1, 1)
    assert not record.repeat_offender
    assert (
        await moderation.queue(moderation.ModerationQueue(MODERATOR, 1), service_context)
    ).repeat_offenders == []

    await _upheld_case(service_context, "removed_content", reporter=actor(4))
    await restrictions.restrict(
        restrictions.RestrictUser(MODERATOR, actor(TARGET_ID), "7d", "again"), service_context
    )
    record = (
        await moderation.history(moderation.CaseHistory(MODERATOR, TARGET_ID), service_context)
    ).offenses
    assert (record.counts.upheld_cases, record.counts.restrictions) == (2, 1)
    assert record.repeat_offender
    [offender] = (
        await moderation.queue(moderation.ModerationQueue(MODERATOR, 1), service_context)
    ).repeat_offenders
    assert offender.user_id == TARGET_ID

    clock.advance(timedelta(days=91))  # the window has moved past all of it
    assert (
        await moderation.history(moderation.CaseHistory(MODERATOR, TARGET_ID), service_context)
    ).offenses.counts.total == 0
    assert (
        await moderation.queue(moderation.ModerationQueue(MODERATOR, 1), service_context)
    ).repeat_offenders == []


async def test_only_moderators_see_a_members_record(service_context, moderated):
    with pytest.raises(PermissionDeniedError):
        await moderation.history(moderation.CaseHistory(REPORTER, TARGET_ID), service_context)
