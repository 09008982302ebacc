"""Weekly booking caps through the real services, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from marketplace.domain.caps import CapSide, WeeklyCapError
from marketplace.services import bookings, guild_admin, rescheduling
from tests.services.marketplace_world import (
    TUTOR_ID,
    add_student,
    at,
    book_cmd,
    booking_rows,
    build_world,
)


async def _capped(service_context, clock, **caps: int):
    world = await build_world(service_context, clock)
    admin = replace(world.student, user_id=5, has_manage_guild=True)
    for key, hours in caps.items():
        await guild_admin.change_setting(
            guild_admin.ChangeSetting(admin, key, str(hours)), service_context
        )
    return world


async def test_a_student_is_stopped_at_their_weekly_hours_and_free_again_next_week(
    service_context, clock, uow_factory
):
    world = await _capped(service_context, clock, student_weekly_hours_max=2)
    student = world.student

    await bookings.book(book_cmd(student, TUTOR_ID, at(2, 10), minutes=90), service_context)
    await bookings.book(book_cmd(student, TUTOR_ID, at(3, 10), minutes=30), service_context)
    with pytest.raises(WeeklyCapError) as refused:
        await bookings.book(book_cmd(student, TUTOR_ID, at(4, 10), minutes=30), service_context)

    assert (refused.value.side, refused.value.booked_minutes) == (CapSide.STUDENT, 120)
    assert refused.value.resets_at == at(7, 0)  # Monday 00:00 in the guild's zone (UTC)
    assert len(await booking_rows(uow_factory)) == 2  # nothing written for the refused one
    await bookings.book(book_cmd(student, TUTOR_ID, at(7, 10), minutes=60), service_context)


async def test_a_cancelled_booking_gives_its_hours_back(service_context, clock):
    world = await _capped(service_context, clock, student_weekly_hours_max=1)
    first = await bookings.book(book_cmd(world.student, TUTOR_ID, at(2, 10)), service_context)
    await bookings.cancel(bookings.CancelBooking(world.student, first.booking_id), service_context)

    again = await bookings.book(book_cmd(world.student, TUTOR_ID, at(3, 10)), service_context)

    assert again.booking_id != first.booking_id


async def test_a_tutor_at_their_cap_can_accept_no_more_that_week(service_context, clock):
    world = await _capped(service_context, clock, tutor_weekly_hours_max=1)
    other = await add_student(service_context, 12)
    first = await bookings.book(book_cmd(world.student, TUTOR_ID, at(2, 10)), service_context)
    second = await bookings.book(book_cmd(other, TUTOR_ID, at(3, 10)), service_context)
    await bookings.accept(bookings.AcceptBooking(world.tutor, first.booking_id), service_context)

    with pytest.raises(WeeklyCapError) as refused:
        await bookings.accept(
            bookings.AcceptBooking(world.tutor, second.booking_id), service_context
        )
    assert (refused.value.side, refused.value.user_id) == (CapSide.TUTOR, TUTOR_ID)

    with pytest.raises(WeeklyCapError):  # a new request that week is stopped at once
        await bookings.book(book_cmd(other, TUTOR_ID, at(4, 10)), service_context)


async def test_moving_a_session_into_a_full_week_is_refused(service_context, clock):
    world = await _capped(service_context, clock, student_weekly_hours_max=1)
    here = await bookings.book(book_cmd(world.student, TUTOR_ID, at(2, 10)), service_context)
    later = await bookings.book(book_cmd(world.student, TUTOR_ID, at(8, 10)), service_context)
    await bookings.accept(bookings.AcceptBooking(world.tutor, later.booking_id), service_context)

    with pytest.raises(WeeklyCapError):
        await rescheduling.reschedule(
            rescheduling.RescheduleBooking(world.student, later.booking_id, at(3, 10)),
            service_context,
        )
    moved_within = at(9, 12)
    await rescheduling.reschedule(
        rescheduling.RescheduleBooking(world.student, later.booking_id, moved_within),
        service_context,
    )
    assert here.start == at(2, 10)
    assert moved_within - later.start == timedelta(days=1, hours=2)
