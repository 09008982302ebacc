"""Weekly series through the real bot on the emulator: /book repeat:weekly, one Accept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.presenters.bookings import series_groups
from demo.journey import dm, seen
from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.series import SeriesPlace
from tests.bot.journeys import live_bookings, ready_tutor


async def test_a_student_books_a_weekly_series_and_the_tutor_accepts_it_once(campus) -> None:
    c = campus
    await ready_tutor(c)
    old = seen(c, c.tutor)

    asked = await c.emu.slash(
        c.student, c.guild, "book", tutor=c.tutor, when="in 2 days at 3pm", repeat="weekly",
        weeks=3,
    )  # fmt: skip

    assert "Book **3 weekly sessions** of 60 minutes" in asked.text
    assert asked.message.content.count("✅ <t:") == 3
    assert asked.message.ephemeral
    sent = await c.emu.click(c.student, asked.message, label="Confirm")
    assert "Request sent for **3 weekly sessions**" in sent.text
    request = await dm(c, c.tutor, "New weekly series request", old=old)
    assert "Weeks (3)" in request.text
    assert [label for label, _, _ in request.buttons] == ["Accept", "Decline"]

    accepted = await c.emu.click(c.tutor, request, label="Accept")

    assert "Accepted: **3 weekly sessions**" in accepted.text
    await dm(c, c.student, "Weekly sessions confirmed")
    mine = await live_bookings(c, c.student)
    assert [b.state.value for b in mine] == ["confirmed"] * 3
    listed = await c.emu.slash(c.student, c.guild, "bookings")
    for week in (1, 2, 3):
        assert f"🔁 week {week} of 3" in listed.text
    assert "🔁 **Weekly series**: 3 of its weeks" in listed.text
    again = await c.emu.click(c.tutor, request, label="Accept")
    assert "answered already" in again.text


async def test_a_one_week_series_cannot_be_sent_and_a_busy_time_is_explained(campus) -> None:
    c = campus
    await ready_tutor(c)
    with pytest.raises(ValueError, match=r"'weeks' takes 2\.\.16"):  # Discord won't send it
        await c.emu.slash(c.student, c.guild, "book", tutor=c.tutor, when="in 2 days", weeks=1)
    late = await c.emu.slash(
        c.student, c.guild, "book", tutor=c.tutor, when="in 2 days at 11pm", repeat="weekly"
    )
    assert "isn't available then" in late.text
    assert await live_bookings(c, c.student) == []


async def _three_accepted_weeks(c) -> None:
    """A tutor and student, and a weekly series of three the tutor accepted."""
    await ready_tutor(c)
    asked = await c.emu.slash(
        c.student, c.guild, "book", tutor=c.tutor, when="in 2 days at 3pm", weeks=3
    )
    await c.emu.click(c.student, asked.message, label="Confirm")
    request = await dm(c, c.tutor, "New weekly series request")
    await c.emu.click(c.tutor, request, label="Accept")


async def test_cancel_with_following_cancels_this_week_and_the_later_ones(campus) -> None:
    c = campus
    await _three_accepted_weeks(c)
    first, second, _third = await live_bookings(c, c.student)

    preview = await c.emu.slash(
        c.student, c.guild, "cancel", booking=second.booking_id, following=True
    )
    assert "also cancels the later weeks" in preview.text
    done = await c.emu.click(c.student, preview.message, label="Confirm")

    assert "**2 sessions** in all" in done.text
    assert [b.booking_id for b in await live_bookings(c, c.student)] == [first.booking_id]
    told = await dm(c, c.tutor, "Weekly sessions cancelled")
    assert "the earlier ones stay booked" in told.text


async def test_reschedule_with_following_moves_the_later_weeks_on_one_answer(campus) -> None:
    c = campus
    await _three_accepted_weeks(c)
    _first, second, third = await live_bookings(c, c.student)
    old = seen(c, c.tutor)

    preview = await c.emu.slash(
        c.student, c.guild, "reschedule", booking=second.booking_id, when="in 9 days at 4pm",
        following=True,
    )  # fmt: skip
    assert preview.message.ephemeral
    assert "**2 weeks** move" in preview.text
    assert preview.message.content.count("✅ <t:") == 2
    sent = await c.emu.click(c.student, preview.message, label="Confirm")
    assert "Proposed new times for **2 weeks**" in sent.text
    proposal = await dm(c, c.tutor, "New times proposed for weekly sessions", old=old)
    assert [label for label, _, _ in proposal.buttons] == ["Accept all", "Decline all"]

    accepted = await c.emu.click(c.tutor, proposal, label="Accept all")

    assert "Accepted: **2 weeks**" in accepted.text
    await dm(c, c.student, "Weekly sessions moved")
    moved = await live_bookings(c, c.student)
    assert moved[1].start - second.start == moved[2].start - third.start
    assert moved[1].start != second.start
    again = await c.emu.click(c.tutor, proposal, label="Accept all")
    assert "answered already" in again.text


def test_bookings_lists_a_series_weeks_together_where_its_first_week_is() -> None:
    start = datetime(2026, 12, 3, 10, tzinfo=UTC)

    def booking(booking_id: int, days: int) -> Booking:
        when = start + timedelta(days=days)
        return Booking(
            booking_id, 1, 11, 21, "calculus", when, when + timedelta(hours=1),
            BookingState.CONFIRMED, start, start,
        )  # fmt: skip

    weekly = [booking(1, 0), booking(3, 7), booking(4, 14)]
    single = booking(2, 1)
    places = {b.booking_id: SeriesPlace(n + 1, 3, 9) for n, b in enumerate(weekly)}
    groups = series_groups([weekly[0], single, weekly[1], weekly[2]], places)
    assert [[b.booking_id for b in g] for g in groups] == [[1, 3, 4], [2]]
