"""Check in through the bot: from /bookings and the last reminder, and the no-show DM.

A free campus on a FixedClock, so a test can step to the session's start.
"""

from __future__ import annotations

from datetime import timedelta

from demo.journey import dm
from tests.bot.journeys import (
    confirmed_session,
    live_bookings,
)


async def _bookings_of(c, user):
    return await c.emu.slash(user, c.guild, "bookings", scope="upcoming")


def _labels(result):
    return [label for label, _, _ in result.message.buttons]


async def test_check_in_from_bookings_once_and_not_for_strangers(campus, clock) -> None:
    c = campus
    booking = await confirmed_session(c)
    clock.set(booking.start - timedelta(hours=1))
    assert "Check in" not in _labels(await _bookings_of(c, c.student))

    clock.set(booking.start - timedelta(minutes=5))
    listing = await _bookings_of(c, c.student)
    assert "Check in" in _labels(listing)
    done = await c.emu.click(c.student, listing.message, label="Check in")
    assert "You're checked in" in done.text
    again = await c.emu.click(c.student, listing.message, label="Check in")
    assert "You're already checked in." in again.text
    stranger = await c.emu.click(c.member, listing.message, label="Check in")
    assert "Only the student and the tutor" in stranger.text

    async with c.runtime.services.uow(read_only=True) as uow:
        stored = await uow.attendance.check_ins(booking.booking_id)
    assert stored == {c.student.id: booking.start - timedelta(minutes=5)}


async def test_check_in_outside_the_window_says_why(campus, clock) -> None:
    c = campus
    booking = await confirmed_session(c)
    clock.set(booking.start)
    listing = await _bookings_of(c, c.tutor)

    clock.set(booking.start - timedelta(hours=1))
    early = await c.emu.click(c.tutor, listing.message, label="Check in")
    assert "too early to check in" in early.text
    clock.set(booking.end + timedelta(minutes=1))
    late = await c.emu.click(c.tutor, listing.message, label="Check in")
    assert "check-in is closed" in late.text


async def test_the_last_reminder_checks_in_and_a_missing_tutor_is_a_no_show(campus, clock) -> None:
    c = campus
    booking = await confirmed_session(c)
    clock.set(booking.start - timedelta(minutes=15))
    await c.bot.jobs.sweep()
    reminder = await dm(c, c.student, "Reminder")
    assert "Check in" in [label for label, _, _ in reminder.buttons]
    done = await c.emu.click(c.student, reminder, label="Check in")
    assert "You're checked in" in done.text

    clock.set(booking.start + timedelta(minutes=15))
    while await c.bot.jobs.sweep():
        pass

    student_notice = await dm(c, c.student, "No-show recorded")
    assert "The tutor didn't check in" in student_notice.text
    tutor_notice = await dm(c, c.tutor, "No-show recorded")
    assert "You didn't check in to your **Calculus** session" in tutor_notice.text
    assert "tutor no-show" in tutor_notice.text
    assert await live_bookings(c, c.student) == []


async def test_check_in_rides_the_last_of_the_guilds_own_reminder_offsets(campus, clock) -> None:
    c = campus
    changed = await c.emu.slash(
        c.admin, c.guild, "admin config", setting="reminder_offsets_minutes", value="45, 240"
    )
    assert "`reminder_offsets_minutes` is now" in changed.text, changed.text
    booking = await confirmed_session(c)
    for offset in (240, 45):
        clock.set(max(booking.start - timedelta(minutes=offset), clock.now()))
        while await c.bot.jobs.sweep():
            pass

    reminders = [m for m in c.emu.dm_messages(c.student) if "Reminder" in m.text]
    labels = [[label for label, _, _ in m.buttons] for m in reminders]
    assert ["Check in" in row for row in labels] == [False, True]
    early = await c.emu.click(c.student, reminders[-1], label="Check in")
    assert "too early to check in" in early.text
    assert "your last reminder before the session has the button" in early.text
    clock.set(booking.start - timedelta(minutes=5))
    done = await c.emu.click(c.student, reminders[-1], label="Check in")
    assert "You're checked in" in done.text
