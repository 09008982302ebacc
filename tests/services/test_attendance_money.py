"""Attendance moves money by policy in a paid guild (the Stripe fake, a real job runner).

The tutor charges $25/h; an hour costs $28.75 with the 15 % fee. The booking starts
inside the 6-day hold window, so the card is only held until the session settles.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from marketplace.domain.booking import BookingState
from marketplace.domain.settlement import Outcome
from marketplace.ports import NoticeKind
from marketplace.services import attendance, bookings
from tests.services.marketplace_world import at
from tests.services.paid_world import RATE_MINOR, TOTAL_MINOR, PaidWorld, paid_world

START = at(2, 10)
CHECK = START + timedelta(minutes=15)
END = START + timedelta(minutes=60)


@pytest.fixture
async def paid(database, uow_factory, clock) -> AsyncIterator[PaidWorld]:
    async with paid_world(database, uow_factory, clock) as world:
        yield world


async def _confirmed(paid: PaidWorld):
    booking = await paid.book(START)
    await paid.pay(booking)
    await bookings.accept(bookings.AcceptBooking(paid.tutor, booking.booking_id), paid.ctx)
    await paid.sweep()
    return await paid.booking(booking.booking_id)


async def _check_in(paid: PaidWorld, who, booking, when) -> None:
    paid.clock.set(when)
    await attendance.check_in(attendance.CheckIn(who, booking.booking_id), paid.ctx)


async def _at(paid: PaidWorld, when) -> None:
    paid.clock.set(when)
    await paid.sweep()


async def test_a_tutor_no_show_voids_the_hold_and_tells_both(paid):
    booking = await _confirmed(paid)
    await _check_in(paid, paid.student, booking, START)

    await _at(paid, CHECK)

    stored = await paid.booking(booking.booking_id)
    assert stored.outcome is Outcome.TUTOR_NO_SHOW
    payment = await paid.payment(booking.booking_id)
    assert payment.voided
    assert payment.captured == 0
    assert paid.notifier.sent(NoticeKind.NO_SHOW_RECORDED) == {
        paid.student.user_id: 1,
        paid.tutor.user_id: 1,
    }
    await paid.later(timedelta(days=3))
    assert (await paid.payment(booking.booking_id)).released == 0
    assert (await paid.ledger()).ok


async def test_a_student_no_show_pays_the_tutor_in_full(paid):
    booking = await _confirmed(paid)
    await _check_in(paid, paid.tutor, booking, START)

    await _at(paid, CHECK)
    await paid.later(timedelta(days=3))

    payment = await paid.payment(booking.booking_id)
    assert (payment.captured, payment.released) == (TOTAL_MINOR, RATE_MINOR)
    assert (await paid.ledger()).ok


async def test_a_late_tutor_refunds_half(paid):
    booking = await _confirmed(paid)
    await _at(paid, CHECK)  # nobody checked in yet: nothing decided
    await _check_in(paid, paid.student, booking, START + timedelta(minutes=16))
    await _check_in(paid, paid.tutor, booking, START + timedelta(minutes=20))

    await _at(paid, END)
    await paid.later(timedelta(days=3))

    stored = await paid.booking(booking.booking_id)
    assert (stored.state, stored.outcome) == (BookingState.COMPLETED, Outcome.LATE_START)
    payment = await paid.payment(booking.booking_id)
    assert payment.captured == TOTAL_MINOR - (TOTAL_MINOR + 1) // 2
    assert payment.released == RATE_MINOR // 2
    assert (await paid.ledger()).ok


async def test_both_present_captures_at_the_end_without_anyone_pressing_complete(paid):
    booking = await _confirmed(paid)
    await _check_in(paid, paid.student, booking, START - timedelta(minutes=3))
    await _check_in(paid, paid.tutor, booking, START)

    await _at(paid, END)

    stored = await paid.booking(booking.booking_id)
    assert (stored.state, stored.outcome) == (BookingState.COMPLETED, Outcome.COMPLETED)
    assert (await paid.payment(booking.booking_id)).captured == TOTAL_MINOR
