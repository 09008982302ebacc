"""The completion rate: which session endings and cancellations count, once, and search.

A real JobRunner over the scheduled_action table for the attendance check and
auto-completion; Mark complete and Cancel through their services. The world's tutor has
instant booking, so a booking is confirmed as soon as it is made.
"""

from datetime import timedelta

import pytest

from marketplace.domain.booking import BookingState
from marketplace.domain.errors import InvalidTransitionError
from marketplace.domain.ranking import CompletionCounts
from marketplace.domain.settlement import Outcome
from marketplace.jobs import JobRunner
from marketplace.services import attendance, bookings, profiles, search, sessions
from marketplace.services.job_handlers import Handlers
from marketplace.services.search import FindTutors
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import (
    GUILD,
    STUDENT_ID,
    TUTOR_ID,
    RecordingNotifier,
    actor,
    add_tutor,
    at,
    book_cmd,
    build_world,
)

START = at(2, 10)  # 25 h after NOW; a 60-minute session
CHECK = START + timedelta(minutes=15)
END = START + timedelta(minutes=60)
NONE = CompletionCounts()
HELD = CompletionCounts(held=1)
DROPPED = CompletionCounts(dropped=1)


@pytest.fixture
def runner(database, service_context, clock):
    handlers = Handlers(service_context, RecordingNotifier()).by_kind()
    return JobRunner(SqlActionQueue(database, clock=clock), handlers, clock)


@pytest.fixture
async def world(service_context, clock):
    return await build_world(service_context, clock, instant=True)


async def _booked(world, ctx, tutor_id=TUTOR_ID, start=START):
    booking = await bookings.book(book_cmd(world.student, tutor_id, start), ctx)
    assert booking.state is BookingState.CONFIRMED
    return booking


async def _counts(ctx, tutor_id=TUTOR_ID) -> CompletionCounts:
    async with ctx.uow(read_only=True) as uow:
        return await uow.search.completion_of(GUILD, tutor_id)


async def _stored(ctx, booking):
    async with ctx.uow(read_only=True) as uow:
        return await uow.bookings.get(booking.booking_id)


async def _sweep_at(runner, clock, when):
    clock.set(when)
    while await runner.sweep():
        pass


async def _check_in(ctx, clock, who, booking, when):
    clock.set(when)
    await attendance.check_in(attendance.CheckIn(who, booking.booking_id), ctx)


# --- What counts ---------------------------------------------------------------------------


async def test_a_new_tutor_has_no_completion_rate(world, service_context):
    counts = await _counts(service_context)

    assert counts == NONE
    assert counts.rate is None


async def test_mark_complete_counts_a_held_session(world, service_context, clock):
    booking = await _booked(world, service_context)
    clock.set(END)

    await sessions.complete(
        sessions.CompleteSession(world.student, booking.booking_id), service_context
    )

    assert await _counts(service_context) == HELD


async def test_a_late_start_still_counts_as_held(world, service_context, clock, runner):
    booking = await _booked(world, service_context)
    await _check_in(service_context, clock, world.student, booking, START)
    await _check_in(service_context, clock, world.tutor, booking, START + timedelta(minutes=20))

    await _sweep_at(runner, clock, END)

    stored = await _stored(service_context, booking)
    assert stored.outcome is Outcome.LATE_START
    assert await _counts(service_context) == HELD


async def test_auto_completion_counts_a_held_session(world, service_context, clock, runner):
    booking = await _booked(world, service_context)
    await _check_in(service_context, clock, world.student, booking, START)
    await _check_in(service_context, clock, world.tutor, booking, START + timedelta(minutes=1))

    await _sweep_at(runner, clock, END)

    assert (await _stored(service_context, booking)).outcome is Outcome.COMPLETED
    assert await _counts(service_context) == HELD


async def test_a_tutor_no_show_counts_against_the_tutor(world, service_context, clock, runner):
    booking = await _booked(world, service_context)
    await _check_in(service_context, clock, world.student, booking, START)

    await _sweep_at(runner, clock, CHECK)

    assert (await _stored(service_context, booking)).outcome is Outcome.TUTOR_NO_SHOW
    counts = await _counts(service_context)
    assert counts == DROPPED
    assert counts.rate == 0.0


async def test_a_student_no_show_does_not_count(world, service_context, clock, runner):
    booking = await _booked(world, service_context)
    await _check_in(service_context, clock, world.tutor, booking, START)

    await _sweep_at(runner, clock, CHECK)

    assert (await _stored(service_context, booking)).outcome is Outcome.STUDENT_NO_SHOW
    assert await _counts(service_context) == NONE


async def test_a_tutor_cancelling_a_confirmed_booking_counts_against_them(world, service_context):
    booking = await _booked(world, service_context)

    await bookings.cancel(bookings.CancelBooking(world.tutor, booking.booking_id), service_context)

    assert await _counts(service_context) == DROPPED


async def test_a_student_cancelling_does_not_count(world, service_context):
    booking = await _booked(world, service_context)

    await bookings.cancel(
        bookings.CancelBooking(world.student, booking.booking_id), service_context
    )

    assert await _counts(service_context) == NONE


async def test_a_tutor_cancelling_a_request_never_confirmed_does_not_count(world, service_context):
    await add_tutor(service_context, 22)  # no instant booking: the booking is a request
    request = await bookings.book(book_cmd(world.student, 22, START), service_context)
    assert request.state is BookingState.REQUESTED

    await bookings.cancel(bookings.CancelBooking(actor(22), request.booking_id), service_context)

    assert await _counts(service_context, 22) == NONE


async def test_the_counts_add_up_to_the_rate(world, service_context, clock):
    first = await _booked(world, service_context)
    second = await _booked(world, service_context, start=START + timedelta(hours=2))
    third = await _booked(world, service_context, start=START + timedelta(hours=4))
    await bookings.cancel(bookings.CancelBooking(world.tutor, third.booking_id), service_context)
    clock.set(START + timedelta(hours=3))

    for booking in (first, second):
        await sessions.complete(
            sessions.CompleteSession(world.student, booking.booking_id), service_context
        )

    counts = await _counts(service_context)
    assert counts == CompletionCounts(held=2, dropped=1)
    assert counts.rate == pytest.approx(2 / 3)


# --- Once only ------------------------------------------------------------------------------


async def test_a_second_mark_complete_is_refused_and_counts_nothing(world, service_context, clock):
    booking = await _booked(world, service_context)
    clock.set(END)
    await sessions.complete(
        sessions.CompleteSession(world.student, booking.booking_id), service_context
    )

    with pytest.raises(InvalidTransitionError):
        await sessions.complete(
            sessions.CompleteSession(world.tutor, booking.booking_id), service_context
        )

    assert await _counts(service_context) == HELD


async def test_auto_completion_after_mark_complete_counts_nothing_more(
    world, service_context, clock, runner
):
    booking = await _booked(world, service_context)
    await _check_in(service_context, clock, world.student, booking, START)
    await _check_in(service_context, clock, world.tutor, booking, START)
    clock.set(START + timedelta(minutes=50))
    await sessions.complete(
        sessions.CompleteSession(world.student, booking.booking_id), service_context
    )

    await _sweep_at(runner, clock, END)

    assert await _counts(service_context) == HELD


async def test_a_second_cancel_is_refused_and_counts_nothing(world, service_context):
    booking = await _booked(world, service_context)
    await bookings.cancel(bookings.CancelBooking(world.tutor, booking.booking_id), service_context)

    with pytest.raises(InvalidTransitionError):
        await bookings.cancel(
            bookings.CancelBooking(world.tutor, booking.booking_id), service_context
        )

    assert await _counts(service_context) == DROPPED


# --- Search ---------------------------------------------------------------------------------


async def test_search_ranks_a_reliable_tutor_above_an_unknown_one_above_an_unreliable_one(
    world, service_context, clock
):
    # Tutors 21, 22 and 23 are alike in all but their record; by id alone 21 comes first.
    await add_tutor(service_context, 22, instant=True)
    await add_tutor(service_context, 23, instant=True)
    let_down = await _booked(world, service_context, tutor_id=TUTOR_ID)
    held = await _booked(world, service_context, tutor_id=22, start=START + timedelta(hours=2))
    clock.set(START + timedelta(hours=3))
    await sessions.record_outcome(let_down.booking_id, Outcome.TUTOR_NO_SHOW, service_context)
    await sessions.complete(
        sessions.CompleteSession(world.student, held.booking_id), service_context
    )

    results = await search.find(FindTutors(world.student, "calculus"), service_context)

    # 22 held 1 of 1 (100 %); 23 is unknown (neutral, 90 %); 21 held 0 of 1.
    assert [hit.tutor_id for hit in results.hits] == [22, 23, TUTOR_ID]


async def test_the_profile_card_carries_a_tutors_counts_only(world, service_context, clock):
    booking = await _booked(world, service_context)
    clock.set(END)
    await sessions.complete(
        sessions.CompleteSession(world.student, booking.booking_id), service_context
    )

    tutor_card = await profiles.view(profiles.ViewProfile(GUILD, TUTOR_ID), service_context)
    student_card = await profiles.view(profiles.ViewProfile(GUILD, STUDENT_ID), service_context)

    assert tutor_card.completion == HELD
    assert student_card.completion is None
