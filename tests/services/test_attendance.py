"""Attendance on the services: Check in, the no-show check, and auto-completion.

A real JobRunner over the scheduled_action table; a FixedClock moved by each test. The
world's tutor has instant booking, so a booking is confirmed as soon as it is made.
"""

from datetime import timedelta

import pytest
from sqlalchemy import update

from marketplace.domain.booking import BookingState
from marketplace.domain.errors import ConflictError, InvalidTransitionError, PermissionDeniedError
from marketplace.domain.settlement import Outcome
from marketplace.jobs import JobRunner
from marketplace.ports import NoticeKind
from marketplace.ports.notice_details import NoShowDetails
from marketplace.services import attendance, bookings, moderation, rescheduling, sessions
from marketplace.services.job_handlers import Handlers
from marketplace.storage.models import ScheduledActionRow
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import (
    TUTOR_ID,
    RecordingNotifier,
    action_rows,
    add_student,
    at,
    book_cmd,
    build_world,
)

START = at(2, 10)  # 25 h after NOW; a 60-minute session
CHECK = START + timedelta(minutes=15)
END = START + timedelta(minutes=60)


@pytest.fixture
def notifier():
    return RecordingNotifier()


@pytest.fixture
def runner(database, service_context, clock, notifier):
    handlers = Handlers(service_context, notifier).by_kind()
    return JobRunner(SqlActionQueue(database, clock=clock), handlers, clock)


@pytest.fixture
async def world(service_context, clock):
    return await build_world(service_context, clock, instant=True)


async def _booked(world, ctx):
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), ctx)
    assert booking.state is BookingState.CONFIRMED
    return booking


async def _sweep_at(runner, clock, when):
    clock.set(when)
    while await runner.sweep():
        pass


async def _check_in(ctx, clock, who, booking, when):
    clock.set(when)
    return await attendance.check_in(attendance.CheckIn(who, booking.booking_id), ctx)


async def _stored(ctx, booking):
    async with ctx.uow(read_only=True) as uow:
        return await uow.bookings.get(booking.booking_id)


async def _absences(ctx, guild_id):
    async with ctx.uow(read_only=True) as uow:
        return [d for _, d in await uow.audit.of_action(guild_id, "absence", 10)]


async def test_confirming_schedules_the_check_after_the_start_and_completion_at_the_end(
    world, service_context, uow_factory
):
    booking = await _booked(world, service_context)

    (check,) = await action_rows(uow_factory, "attendance_check")
    (complete,) = await action_rows(uow_factory, "auto_complete")
    assert (check.due_at, complete.due_at) == (CHECK, END)
    assert check.payload == complete.payload == {"sequence": booking.sequence}


async def test_a_check_in_is_timestamped_and_a_second_one_changes_nothing(
    world, service_context, clock
):
    booking = await _booked(world, service_context)

    first = await _check_in(
        service_context, clock, world.student, booking, START - timedelta(minutes=5)
    )
    again = await _check_in(service_context, clock, world.student, booking, START)

    assert (first, again) == (True, False)
    async with service_context.uow(read_only=True) as uow:
        stored = await uow.attendance.check_ins(booking.booking_id)
    assert stored == {world.student.user_id: START - timedelta(minutes=5)}


async def test_someone_outside_the_booking_cannot_check_in(world, service_context, clock):
    booking = await _booked(world, service_context)
    stranger = await add_student(service_context, 99)

    with pytest.raises(PermissionDeniedError):
        await _check_in(service_context, clock, stranger, booking, START)


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        (START - timedelta(minutes=16), "check_in_too_early"),
        (END, "check_in_closed"),
    ],
)
async def test_checking_in_outside_the_window_is_refused(
    world, service_context, clock, when, reason
):
    booking = await _booked(world, service_context)

    with pytest.raises(ConflictError) as refused:
        await _check_in(service_context, clock, world.tutor, booking, when)
    assert refused.value.reason == reason


async def test_a_cancelled_booking_takes_no_check_in(world, service_context, clock):
    booking = await _booked(world, service_context)
    await bookings.cancel(
        bookings.CancelBooking(world.student, booking.booking_id), service_context
    )

    with pytest.raises(InvalidTransitionError):
        await _check_in(service_context, clock, world.student, booking, START)


async def test_a_student_alone_at_the_check_makes_it_a_tutor_no_show(
    world, service_context, clock, runner, notifier
):
    booking = await _booked(world, service_context)
    await _check_in(service_context, clock, world.student, booking, START)

    await _sweep_at(runner, clock, CHECK)

    stored = await _stored(service_context, booking)
    assert (stored.state, stored.outcome) == (BookingState.NO_SHOW, Outcome.TUTOR_NO_SHOW)
    recorded = notifier.of(NoticeKind.NO_SHOW_RECORDED)
    assert sorted(n.user_id for n in recorded) == [world.student.user_id, TUTOR_ID]
    assert {n.details for n in recorded} == {NoShowDetails(absent="tutor")}
    (absence,) = await _absences(service_context, booking.guild_id)
    assert (absence["user"], absence["role"]) == (TUTOR_ID, "tutor")
    assert absence["checked_at"] == CHECK.isoformat()


async def test_a_tutor_alone_at_the_check_makes_it_a_student_no_show(
    world, service_context, clock, runner, notifier
):
    booking = await _booked(world, service_context)
    await _check_in(service_context, clock, world.tutor, booking, START - timedelta(minutes=10))

    await _sweep_at(runner, clock, CHECK)

    stored = await _stored(service_context, booking)
    assert (stored.state, stored.outcome) == (BookingState.NO_SHOW, Outcome.STUDENT_NO_SHOW)
    assert {n.details for n in notifier.of(NoticeKind.NO_SHOW_RECORDED)} == {
        NoShowDetails(absent="student")
    }


async def test_nobody_checked_in_is_left_to_the_participants(
    world, service_context, clock, runner, notifier
):
    booking = await _booked(world, service_context)

    await _sweep_at(runner, clock, END + timedelta(minutes=1))

    assert (await _stored(service_context, booking)).state is BookingState.CONFIRMED
    assert notifier.of(NoticeKind.NO_SHOW_RECORDED) == []
    assert len(await _absences(service_context, booking.guild_id)) == 2
    done = await sessions.complete(
        sessions.CompleteSession(world.student, booking.booking_id), service_context
    )
    assert done.outcome is Outcome.COMPLETED


async def test_both_present_completes_automatically_at_the_end(
    world, service_context, clock, runner, uow_factory
):
    booking = await _booked(world, service_context)
    await _check_in(service_context, clock, world.student, booking, START)
    await _check_in(service_context, clock, world.tutor, booking, START + timedelta(minutes=2))

    await _sweep_at(runner, clock, CHECK)
    assert (await _stored(service_context, booking)).state is BookingState.CONFIRMED
    await _sweep_at(runner, clock, END)

    stored = await _stored(service_context, booking)
    assert (stored.state, stored.outcome) == (BookingState.COMPLETED, Outcome.COMPLETED)
    (row,) = await action_rows(uow_factory, "auto_complete")
    assert (row.state, row.outcome) == ("done", "completed")


async def test_a_tutor_checking_in_after_the_limit_completes_as_a_late_start(
    world, service_context, clock, runner
):
    booking = await _booked(world, service_context)
    await _sweep_at(runner, clock, CHECK)  # nobody there yet: nothing decided
    await _check_in(service_context, clock, world.student, booking, START + timedelta(minutes=17))
    await _check_in(service_context, clock, world.tutor, booking, START + timedelta(minutes=20))

    await _sweep_at(runner, clock, END)

    assert (await _stored(service_context, booking)).outcome is Outcome.LATE_START


async def test_mark_complete_after_a_late_tutor_is_a_late_start(world, service_context, clock):
    booking = await _booked(world, service_context)
    await _check_in(service_context, clock, world.tutor, booking, START + timedelta(minutes=16))

    done = await sessions.complete(
        sessions.CompleteSession(world.student, booking.booking_id), service_context
    )

    assert done.outcome is Outcome.LATE_START


async def test_a_reschedule_moves_the_checks_and_the_old_ones_do_nothing(
    world, service_context, clock, runner, uow_factory
):
    booking = await _booked(world, service_context)
    new_start = START + timedelta(hours=3)
    moved = await rescheduling.reschedule(
        rescheduling.RescheduleBooking(world.student, booking.booking_id, new_start),
        service_context,
    )
    assert moved.start == new_start

    rows = await action_rows(uow_factory, "attendance_check")
    assert sorted((r.due_at, r.state) for r in rows) == [
        (CHECK, "skipped"),
        (new_start + timedelta(minutes=15), "pending"),
    ]
    await _check_in(service_context, clock, world.student, moved, new_start)
    await _sweep_at(runner, clock, new_start + timedelta(minutes=15))

    stored = await _stored(service_context, booking)
    assert (stored.state, stored.outcome) == (BookingState.NO_SHOW, Outcome.TUTOR_NO_SHOW)


async def test_a_check_for_an_older_time_skips_itself(
    world, service_context, clock, runner, uow_factory
):
    booking = await _booked(world, service_context)
    await rescheduling.reschedule(
        rescheduling.RescheduleBooking(
            world.student, booking.booking_id, START + timedelta(hours=3)
        ),
        service_context,
    )
    async with uow_factory() as uow:  # as if a runner had claimed the old rows before the move
        for kind in ("attendance_check", "auto_complete"):
            await uow.session.execute(
                update(ScheduledActionRow)
                .where(ScheduledActionRow.kind == kind, ScheduledActionRow.state == "skipped")
                .values(state="pending", finished_at=None, outcome=None)
            )
        await uow.commit()
    await _check_in(service_context, clock, world.student, booking, START + timedelta(hours=3))

    await _sweep_at(runner, clock, START + timedelta(minutes=61))

    assert (await _stored(service_context, booking)).state is BookingState.CONFIRMED
    outcomes = {r.outcome for r in await action_rows(uow_factory, "attendance_check")}
    assert "booking not confirmed at this time" in outcomes


async def test_a_cancelled_bookings_checks_are_skipped(
    world, service_context, clock, runner, uow_factory
):
    booking = await _booked(world, service_context)
    await bookings.cancel(
        bookings.CancelBooking(world.student, booking.booking_id), service_context
    )

    await _sweep_at(runner, clock, END)

    rows = await action_rows(uow_factory, "attendance_check") + await action_rows(
        uow_factory, "auto_complete"
    )
    assert [r.state for r in rows] == ["skipped", "skipped"]
    assert (await _stored(service_context, booking)).state is BookingState.CANCELLED


async def test_check_in_opens_with_the_session_space(world, service_context, clock):
    booking = await _booked(world, service_context)
    stored = await _stored(service_context, booking)

    clock.set(START - timedelta(minutes=16))
    assert await attendance.check_in_open([stored], booking.guild_id, service_context) == set()
    clock.set(START - timedelta(minutes=15))
    assert await attendance.check_in_open([stored], booking.guild_id, service_context) == {
        booking.booking_id
    }


async def test_a_reported_session_is_not_completed_automatically(
    world, service_context, clock, runner, uow_factory
):
    booking = await _booked(world, service_context)
    await _check_in(service_context, clock, world.student, booking, START)
    await _check_in(service_context, clock, world.tutor, booking, START + timedelta(minutes=1))
    await moderation.report(
        moderation.ReportUser(
            world.student, TUTOR_ID, "He left after ten minutes.", booking.booking_id
        ),
        service_context,
    )
    await _sweep_at(runner, clock, END)

    assert (await _stored(service_context, booking)).state is BookingState.CONFIRMED
    (row,) = await action_rows(uow_factory, "auto_complete")
    assert (row.state, row.outcome) == ("skipped", "reported: left to the moderators")
