"""`/mod restrict` and `/mod unrestrict` through the services, on a real SQLite file."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.errors import ConflictError, InputError, PermissionDeniedError
from marketplace.domain.policy import with_setting
from marketplace.jobs import JobRunner
from marketplace.ports import NoticeKind
from marketplace.ports.notice_details import RestrictedDetails
from marketplace.services import bookings, moderation, rescheduling, restrictions, search
from marketplace.services.actor import Actor
from marketplace.services.job_handlers import Handlers
from marketplace.storage.models import AuditLogRow
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import (
    GUILD,
    GUILD_NAME,
    STUDENT_ID,
    TUTOR_ID,
    RecordingNotifier,
    action_rows,
    at,
    book_cmd,
    build_world,
)

MOD_ROLE = 555
MODERATOR = Actor(GUILD, GUILD_NAME, 50, role_ids=frozenset({MOD_ROLE}))
ADMIN = Actor(GUILD, GUILD_NAME, 900, has_manage_guild=True)
MEMBER = Actor(GUILD, GUILD_NAME, 60)


def who(user_id: int, **standing) -> Actor:
    return Actor(GUILD, GUILD_NAME, user_id, **standing)


@pytest.fixture
async def world(service_context, clock, uow_factory):
    built = await build_world(service_context, clock)
    async with uow_factory() as uow:
        policy = with_setting(await uow.guilds.policy(GUILD), "moderator_role", MOD_ROLE)
        await uow.guilds.save_policy(GUILD, policy, clock.now())
        await uow.commit()
    return built


async def _restrict(ctx, user_id, length="7d", reason="Asked for payment off-platform", by=None):
    cmd = restrictions.RestrictUser(by or MODERATOR, who(user_id), length, reason)
    return await restrictions.restrict(cmd, ctx)


async def _audit(uow_factory):
    async with uow_factory(read_only=True) as uow:
        rows = await uow.session.execute(
            select(AuditLogRow.actor_id, AuditLogRow.action, AuditLogRow.detail)
            .where(AuditLogRow.action.like("restriction.%"))
            .order_by(AuditLogRow.id)
        )
        return [tuple(row) for row in rows]


async def _notices(uow_factory):
    return [
        (row.user_id, row.payload["notice"])
        for row in await action_rows(uow_factory, "notify")
        if row.payload["notice"].startswith("restrict")
    ]


@pytest.mark.parametrize("caller", [MEMBER, who(61, role_ids=frozenset({999}))])
async def test_non_moderators_can_neither_restrict_nor_lift(
    service_context, uow_factory, world, caller
):
    with pytest.raises(PermissionDeniedError):
        await _restrict(service_context, TUTOR_ID, by=caller)
    await _restrict(service_context, TUTOR_ID)
    with pytest.raises(PermissionDeniedError):
        await restrictions.unrestrict(restrictions.Unrestrict(caller, TUTOR_ID), service_context)
    with pytest.raises(PermissionDeniedError):
        await moderation.history(moderation.CaseHistory(caller, TUTOR_ID), service_context)
    assert [action for _, action, _ in await _audit(uow_factory)] == ["restriction.add"]


async def test_a_restriction_is_audited_and_the_user_is_told_by_dm(
    service_context, uow_factory, clock, world
):
    done = await _restrict(service_context, TUTOR_ID)
    until = clock.now() + timedelta(days=7)
    assert (done.restriction.until, done.replaced) == (until, None)
    assert await _audit(uow_factory) == [
        (
            MODERATOR.user_id,
            "restriction.add",
            {
                "target": TUTOR_ID,
                "until": str(int(until.timestamp())),
                "reason": "Asked for payment off-platform",
                "replaced": False,
            },
        )
    ]
    assert await _notices(uow_factory) == [(TUTOR_ID, "restricted")]


async def test_the_dm_is_delivered_with_until_reason_and_guild(
    service_context, database, clock, world
):
    await _restrict(service_context, STUDENT_ID, length="")
    notifier = RecordingNotifier()
    runner = JobRunner(
        SqlActionQueue(database, clock=clock),
        Handlers(service_context, notifier).by_kind(),
        clock,
        owner="test",
    )
    await runner.sweep()
    [notice] = notifier.of(NoticeKind.RESTRICTED)
    assert notice.user_id == STUDENT_ID
    assert notice.booking is None
    assert notice.details == RestrictedDetails(
        until="", reason="Asked for payment off-platform", guild=GUILD_NAME
    )


async def test_a_restricted_tutor_cannot_be_booked_or_found_until_it_runs_out(
    service_context, clock, world
):
    await _restrict(service_context, TUTOR_ID, length="1d")
    with pytest.raises(ConflictError) as caught:
        await bookings.book(book_cmd(world.student, TUTOR_ID, at(3, 10)), service_context)
    assert caught.value.reason == "restricted"
    found = await search.find(search.FindTutors(world.student, "calculus"), service_context)
    assert found.hits == ()
    clock.advance(timedelta(days=1, minutes=1))
    found = await search.find(search.FindTutors(world.student, "calculus"), service_context)
    assert [hit.tutor_id for hit in found.hits] == [TUTOR_ID]
    await bookings.book(book_cmd(world.student, TUTOR_ID, at(3, 10)), service_context)


async def test_a_restricted_student_cannot_book_until_it_is_lifted(
    service_context, uow_factory, world
):
    await _restrict(service_context, STUDENT_ID, length=None)
    with pytest.raises(ConflictError) as caught:
        await bookings.book(book_cmd(world.student, TUTOR_ID, at(3, 10)), service_context)
    assert caught.value.reason == "restricted"
    lifted = await restrictions.unrestrict(
        restrictions.Unrestrict(ADMIN, STUDENT_ID, "Appeal accepted"), service_context
    )
    assert lifted.until is None
    await bookings.book(book_cmd(world.student, TUTOR_ID, at(3, 10)), service_context)
    assert (await _audit(uow_factory))[-1] == (
        ADMIN.user_id,
        "restriction.lift",
        {"target": STUDENT_ID, "was_until": None, "note": "Appeal accepted"},
    )
    assert await _notices(uow_factory) == [
        (STUDENT_ID, "restricted"),
        (STUDENT_ID, "restriction_lifted"),
    ]


async def test_a_restricted_tutor_cannot_accept_a_request_but_can_decline_it(
    service_context, world
):
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, at(3, 10)), service_context)
    await _restrict(service_context, TUTOR_ID)
    with pytest.raises(ConflictError):
        await bookings.accept(
            bookings.AcceptBooking(world.tutor, booking.booking_id), service_context
        )
    await bookings.decline(
        bookings.DeclineBooking(world.tutor, booking.booking_id), service_context
    )


async def test_a_request_from_a_student_restricted_since_cannot_be_accepted(service_context, world):
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, at(3, 10)), service_context)
    await _restrict(service_context, STUDENT_ID)
    with pytest.raises(ConflictError):
        await bookings.accept(
            bookings.AcceptBooking(world.tutor, booking.booking_id), service_context
        )


async def test_a_confirmed_session_stays_but_a_restricted_user_cannot_move_it(
    service_context, world
):
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, at(3, 10)), service_context)
    await bookings.accept(bookings.AcceptBooking(world.tutor, booking.booking_id), service_context)
    await _restrict(service_context, STUDENT_ID)
    with pytest.raises(ConflictError):
        await rescheduling.reschedule(
            rescheduling.RescheduleBooking(world.student, booking.booking_id, at(4, 10)),
            service_context,
        )
    cancelled = await bookings.cancel(
        bookings.CancelBooking(world.student, booking.booking_id), service_context
    )
    assert cancelled.state == "cancelled"


async def test_restricting_again_replaces_the_restriction(service_context, clock, world):
    first = await _restrict(service_context, TUTOR_ID, length="30d")
    clock.advance(timedelta(days=1))
    second = await _restrict(service_context, TUTOR_ID, length="2d", reason="Shortened")
    assert second.replaced == first.restriction
    assert second.restriction.until == clock.now() + timedelta(days=2)
    record = await moderation.history(moderation.CaseHistory(MODERATOR, TUTOR_ID), service_context)
    assert record.restriction == second.restriction


async def test_lifting_when_not_restricted_is_a_friendly_refusal(
    service_context, uow_factory, clock, world
):
    with pytest.raises(ConflictError) as caught:
        await restrictions.unrestrict(restrictions.Unrestrict(MODERATOR, TUTOR_ID), service_context)
    assert caught.value.reason == "not_restricted"
    await _restrict(service_context, TUTOR_ID, length="1h")
    clock.advance(timedelta(hours=2))
    with pytest.raises(ConflictError):
        await restrictions.unrestrict(restrictions.Unrestrict(MODERATOR, TUTOR_ID), service_context)
    assert [action for _, action, _ in await _audit(uow_factory)] == ["restriction.add"]


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (MODERATOR, "restrict_self"),
        (who(70, role_ids=frozenset({MOD_ROLE})), "restrict_staff"),
        (who(71, has_manage_guild=True), "restrict_staff"),
        (who(72, is_owner=True), "restrict_staff"),
    ],
)
async def test_yourself_and_staff_cannot_be_restricted(
    service_context, uow_factory, world, target, reason
):
    cmd = restrictions.RestrictUser(MODERATOR, target, "7d", "Test")
    with pytest.raises(ConflictError) as caught:
        await restrictions.restrict(cmd, service_context)
    assert caught.value.reason == reason
    assert await _audit(uow_factory) == []


@pytest.mark.parametrize(("length", "reason"), [("0d", "Spam"), ("400d", "Spam"), ("7d", " ")])
async def test_bad_input_restricts_nobody(service_context, uow_factory, world, length, reason):
    with pytest.raises(InputError):
        await _restrict(service_context, TUTOR_ID, length=length, reason=reason)
    assert await _audit(uow_factory) == []
    assert await _notices(uow_factory) == []
