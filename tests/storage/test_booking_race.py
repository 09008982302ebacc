"""No double booking under concurrency, on SQLite and on PostgreSQL.

Many students book the same tutor at once through the real booking service. SQLite
serialises the writers (BEGIN IMMEDIATE); PostgreSQL lets them run and relies on the
exclusion constraint. Either way exactly one wins and every other gets "slot_taken".
"""

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from marketplace.domain.booking import Booking
from marketplace.services import bookings
from marketplace.storage.models import BookingRow
from tests.services.marketplace_world import (
    TUTOR_ID,
    action_rows,
    actor,
    at,
    book_cmd,
    booking_rows,
    build_world,
    failure_summary,
    publish,
)

RACERS = 50
SLOT = at(2, 10)  # 11:00-12:00 Berlin tomorrow, inside "daily 08:00-22:00"


async def race(ctx, starts_and_minutes) -> list:
    """Book each (start, minutes) at once, each by a different student."""
    attempts = [
        bookings.book(book_cmd(actor(1000 + n), TUTOR_ID, start, minutes), ctx)
        for n, (start, minutes) in enumerate(starts_and_minutes)
    ]
    return await asyncio.wait_for(asyncio.gather(*attempts, return_exceptions=True), timeout=60)


async def live_bookings(uow_factory) -> int:
    async with uow_factory(read_only=True) as uow:
        query = select(func.count()).select_from(BookingRow).where(BookingRow.live.is_(True))
        return await uow.session.scalar(query)


async def test_fifty_students_racing_for_one_slot_get_exactly_one_booking(
    service_context, clock, uow_factory
):
    await build_world(service_context, clock)

    results = await race(service_context, [(SLOT, 60)] * RACERS)

    winners = [r for r in results if isinstance(r, Booking)]
    assert len(winners) == 1
    assert failure_summary(results) == {"ConflictError: slot_taken": RACERS - 1}
    assert await live_bookings(uow_factory) == 1
    (row,) = await booking_rows(uow_factory)
    assert (row.id, row.student_id, row.start_at) == (
        winners[0].booking_id,
        winners[0].student_id,
        SLOT,
    )


async def test_overlapping_slots_booked_at_once_give_one_booking(
    service_context, clock, uow_factory
):
    await build_world(service_context, clock)

    # 10:00-11:00 and 10:30-11:30 UTC, five students for each.
    results = await race(service_context, [(SLOT, 60), (SLOT + timedelta(minutes=30), 60)] * 5)

    assert sum(isinstance(r, Booking) for r in results) == 1
    assert failure_summary(results) == {"ConflictError: slot_taken": 9}
    assert await live_bookings(uow_factory) == 1


async def test_a_slot_starting_inside_the_buffer_after_another_loses_the_race(
    service_context, clock, uow_factory
):
    await build_world(service_context, clock)

    # 10:00-11:00 and 11:00-12:00: the second starts within the 10-minute buffer.
    results = await race(service_context, [(SLOT, 60), (SLOT + timedelta(hours=1), 60)] * 5)

    assert sum(isinstance(r, Booking) for r in results) == 1
    assert failure_summary(results) == {"ConflictError: slot_taken": 9}
    assert await live_bookings(uow_factory) == 1


async def test_a_slot_ending_inside_the_buffer_before_another_loses_the_race(
    service_context, clock, uow_factory
):
    await build_world(service_context, clock)

    # 09:00-10:00 and 10:00-11:00: the buffer after the first reaches into the second.
    results = await race(service_context, [(SLOT - timedelta(hours=1), 60), (SLOT, 60)] * 5)

    assert sum(isinstance(r, Booking) for r in results) == 1
    assert failure_summary(results) == {"ConflictError: slot_taken": 9}


async def test_a_slot_starting_exactly_at_the_end_of_the_buffer_is_free(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    # A one-off window starting at 12:10 Berlin (11:10 UTC) puts 11:10 on the slot grid.
    await publish(service_context, world.tutor, "2026-12-02 12:10-14:00")
    first = await bookings.book(book_cmd(actor(1000), TUTOR_ID, SLOT), service_context)

    second = await bookings.book(
        book_cmd(actor(1001), TUTOR_ID, first.end + timedelta(minutes=10)), service_context
    )

    assert second.start == at(2, 11, 10)
    assert await live_bookings(uow_factory) == 2


async def test_slots_starting_exactly_at_the_end_of_the_buffer_all_book_at_once(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    await publish(service_context, world.tutor, "2026-12-02 12:10-14:00")

    # 10:00-11:00 and 11:10-12:10 touch only once the buffer is added: both fit.
    results = await race(service_context, [(SLOT, 60), (at(2, 11, 10), 60)])

    assert failure_summary(results) == {}
    assert await live_bookings(uow_factory) == 2


async def test_a_cancelled_booking_no_longer_holds_its_slot_in_a_race(
    service_context, clock, uow_factory
):
    await build_world(service_context, clock)
    first = await bookings.book(book_cmd(actor(999), TUTOR_ID, SLOT), service_context)
    await bookings.cancel(bookings.CancelBooking(actor(999), first.booking_id), service_context)

    results = await race(service_context, [(SLOT, 60)] * 5)

    assert sum(isinstance(r, Booking) for r in results) == 1
    assert failure_summary(results) == {"ConflictError: slot_taken": 4}
    assert await live_bookings(uow_factory) == 1


async def test_a_double_clicked_book_button_makes_one_booking(service_context, clock, uow_factory):
    world = await build_world(service_context, clock)

    results = await asyncio.wait_for(
        asyncio.gather(
            *(
                bookings.book(book_cmd(world.student, TUTOR_ID, SLOT), service_context)
                for _ in range(2)
            ),
            return_exceptions=True,
        ),
        timeout=30,
    )

    assert sum(isinstance(r, Booking) for r in results) == 1
    assert failure_summary(results) == {"ConflictError: slot_taken": 1}
    assert await live_bookings(uow_factory) == 1


async def test_a_double_clicked_accept_makes_one_transition(service_context, clock, uow_factory):
    world = await build_world(service_context, clock)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, SLOT), service_context)

    results = await asyncio.wait_for(
        asyncio.gather(
            *(
                bookings.accept(
                    bookings.AcceptBooking(world.tutor, booking.booking_id), service_context
                )
                for _ in range(3)
            ),
            return_exceptions=True,
        ),
        timeout=30,
    )

    assert sum(isinstance(r, Booking) for r in results) == 1
    assert failure_summary(results) == {
        "InvalidTransitionError: booking cannot accept from confirmed": 2
    }
    reminders = await action_rows(uow_factory, "reminder")
    assert [(row.payload["offset_minutes"], row.state) for row in reminders] == [
        (120, "pending"),
        (15, "pending"),
    ]
    confirmations = [
        row.user_id
        for row in await action_rows(uow_factory, "notify")
        if row.payload["notice"] == "booking_confirmed"
    ]
    assert sorted(confirmations) == [world.student.user_id, TUTOR_ID]


async def test_an_accept_racing_a_cancel_leaves_one_consistent_outcome(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, SLOT), service_context)

    results = await asyncio.wait_for(
        asyncio.gather(
            bookings.accept(
                bookings.AcceptBooking(world.tutor, booking.booking_id), service_context
            ),
            bookings.cancel(
                bookings.CancelBooking(world.student, booking.booking_id), service_context
            ),
            return_exceptions=True,
        ),
        timeout=30,
    )

    # Accept then cancel, or cancel then a refused accept: cancelled either way, and
    # no reminder the accept may have scheduled is left behind.
    (row,) = await booking_rows(uow_factory)
    assert (row.state, row.live) == ("cancelled", False)
    assert isinstance(results[1], Booking)
    assert failure_summary(results) in (
        {},
        {"InvalidTransitionError: booking cannot accept from cancelled": 1},
    )
    reminders = await action_rows(uow_factory, "reminder")
    assert [r for r in reminders if r.state == "pending"] == []
