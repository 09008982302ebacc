"""Check-ins: stored once per participant with their aware time, on both backends."""

from datetime import timedelta

from marketplace.services import bookings
from tests.services.marketplace_world import TUTOR_ID, at, book_cmd, build_world

START = at(2, 10)
BIG_SNOWFLAKE = 2**63 - 1


async def _booking_id(service_context, clock) -> int:
    world = await build_world(service_context, clock, instant=True)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    return booking.booking_id


async def test_the_first_check_in_wins_and_keeps_its_time(service_context, clock, uow_factory):
    booking_id = await _booking_id(service_context, clock)
    later = START + timedelta(minutes=3)

    async with uow_factory() as uow:
        first = await uow.attendance.check_in(booking_id, BIG_SNOWFLAKE, START)
        again = await uow.attendance.check_in(booking_id, BIG_SNOWFLAKE, later)
        other = await uow.attendance.check_in(booking_id, TUTOR_ID, later)
        await uow.commit()

    assert (first, again, other) == (True, False, True)
    async with uow_factory(read_only=True) as uow:
        stored = await uow.attendance.check_ins(booking_id)
        assert await uow.attendance.check_ins(booking_id + 1) == {}
    assert stored == {BIG_SNOWFLAKE: START, TUTOR_ID: later}
    assert all(at.tzinfo is not None for at in stored.values())


async def test_a_check_in_that_was_not_committed_is_gone(service_context, clock, uow_factory):
    booking_id = await _booking_id(service_context, clock)

    async with uow_factory() as uow:
        await uow.attendance.check_in(booking_id, TUTOR_ID, START)

    async with uow_factory(read_only=True) as uow:
        assert await uow.attendance.check_ins(booking_id) == {}
