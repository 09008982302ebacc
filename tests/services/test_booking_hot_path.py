"""A booking request's cost (issue 13): its statements, and the next-slot cache it keeps."""

from datetime import timedelta

from sqlalchemy import event, select

from marketplace.services import bookings
from marketplace.storage.models import TutorProfileRow
from tests.services.marketplace_world import (
    GUILD,
    NOW,
    TUTOR_ID,
    actor,
    add_student,
    add_tutor,
    at,
    book_cmd,
    publish,
)

STATEMENT_BUDGET = 10


async def next_slot_at(uow_factory):
    async with uow_factory(read_only=True) as uow:
        return await uow.session.scalar(
            select(TutorProfileRow.next_slot_at).where(
                TutorProfileRow.guild_id == GUILD, TutorProfileRow.user_id == TUTOR_ID
            )
        )


def count_statements(database, into: list[str]):
    def seen(_conn, _cursor, statement, _params, _context, _many):
        if not statement.lstrip().upper().startswith("BEGIN"):
            into.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", seen)
    return lambda: event.remove(database.engine.sync_engine, "before_cursor_execute", seen)


async def test_a_booking_request_sends_at_most_ten_statements(service_context, database, clock):
    clock.set(NOW)
    await add_tutor(service_context, TUTOR_ID)
    student = await add_student(service_context, 11)
    await bookings.book(book_cmd(student, TUTOR_ID, at(3, 10)), service_context)  # warm
    sent: list[str] = []
    stop = count_statements(database, sent)
    try:
        await bookings.book(book_cmd(student, TUTOR_ID, at(4, 10)), service_context)
    finally:
        stop()

    assert len(sent) <= STATEMENT_BUDGET, sent


async def test_a_booking_away_from_the_next_open_slot_keeps_it(service_context, uow_factory, clock):
    clock.set(NOW)
    await add_tutor(service_context, TUTOR_ID, available=())
    await publish(service_context, actor(TUTOR_ID), "daily 08:00-22:00")
    student = await add_student(service_context, 11)
    first = await next_slot_at(uow_factory)

    await bookings.book(book_cmd(student, TUTOR_ID, at(3, 10)), service_context)

    assert await next_slot_at(uow_factory) == first


async def test_a_booking_of_the_next_open_slot_moves_it_on(service_context, uow_factory, clock):
    clock.set(NOW)
    await add_tutor(service_context, TUTOR_ID, available=())
    await publish(service_context, actor(TUTOR_ID), "daily 08:00-22:00")
    student = await add_student(service_context, 11)
    first = await next_slot_at(uow_factory)

    # A request needs more notice than the slot has: this one, half an hour later, still
    # takes it away (with the buffer).
    await bookings.book(book_cmd(student, TUTOR_ID, first + timedelta(minutes=30)), service_context)

    moved = await next_slot_at(uow_factory)
    assert moved is not None
    assert moved > first
