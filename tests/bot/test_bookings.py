"""Availability, /find, booking, DM buttons, cancel and reschedule through the emulator."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot import texts
from demo.campus import running_campus
from demo.journey import dm, option_values, seen
from marketplace.services import bookings as booking_service
from tests.bot.journeys import (
    apply_as_tutor,
    live_bookings,
    onboard,
    publish,
    ready_tutor,
    request_first_slot,
)


async def test_availability_is_echoed_and_only_saved_after_confirm(campus) -> None:
    await onboard(campus, campus.tutor, "tutor", ["calculus"], zone="Europe/Berlin")
    await apply_as_tutor(campus, campus.tutor)
    preview = await campus.emu.slash(
        campus.tutor, campus.guild, "tutor availability add", when="weekdays 17:00-19:00"
    )
    assert "Every weekday, 17:00–19:00 (Europe/Berlin)" in preview.text
    listing = await campus.emu.slash(campus.tutor, campus.guild, "tutor availability list")
    assert "haven't published any times" in listing.text
    await campus.emu.click(campus.tutor, preview.message, custom_id="avail:cancel")
    listing = await campus.emu.slash(campus.tutor, campus.guild, "tutor availability list")
    assert "haven't published any times" in listing.text


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("whenever", "couldn't read that time"),
        ("2026-03-29 02:30-03:30", "doesn't exist in Europe/Berlin"),
        ("2027-10-31 02:30-03:00", "happens twice in Europe/Berlin"),
        ("x" * 300, "under 100 characters"),
        ("yesterday 3pm-5pm", "already passed"),
    ],
)
async def test_bad_availability_gets_a_question_or_a_clear_answer(campus, when, expected) -> None:
    await onboard(campus, campus.tutor, "tutor", ["calculus"], zone="Europe/Berlin")
    await apply_as_tutor(campus, campus.tutor)
    result = await campus.emu.slash(campus.tutor, campus.guild, "tutor availability add", when=when)
    assert expected in result.text
    assert texts.UNEXPECTED not in result.text


async def test_availability_needs_a_tutor_profile(campus) -> None:
    result = await campus.emu.slash(
        campus.student, campus.guild, "tutor availability add", when="Mondays 17:00-19:00"
    )
    assert "/tutor apply" in result.text


async def test_availability_entries_can_be_removed_by_autocomplete(campus) -> None:
    await onboard(campus, campus.tutor, "tutor", ["calculus"], zone="Europe/Berlin")
    await apply_as_tutor(campus, campus.tutor)
    await publish(campus, "Mondays 17:00-19:00")
    choices = await campus.emu.autocomplete(
        campus.tutor, campus.guild, "tutor availability remove", focused="entry", entry="Mon"
    )
    assert choices
    removed = await campus.emu.slash(
        campus.tutor, campus.guild, "tutor availability remove", entry=choices[0]["value"]
    )
    assert "Removed" in removed.text
    again = await campus.emu.slash(
        campus.tutor, campus.guild, "tutor availability remove", entry=choices[0]["value"]
    )
    assert "couldn't find that availability" in again.text


async def test_student_books_and_the_tutor_accepts_once_from_a_dm(campus) -> None:
    await ready_tutor(campus)
    booked = await request_first_slot(campus)
    assert "Request sent" in booked.text
    request = await dm(campus, campus.tutor, "New session request")
    assert [label for label, _, _ in request.buttons] == ["Accept", "Decline"]
    first = await campus.emu.click(campus.tutor, request, label="Accept")
    second = await campus.emu.click(campus.tutor, request, label="Accept")
    assert "Accepted" in first.text
    assert "already accepted" in second.text
    confirmation = await dm(campus, campus.student, "Session confirmed")
    assert confirmation.attachment_names == [
        f"tutorbot-booking-{(await live_bookings(campus, campus.student))[0].booking_id}.ics"
    ]
    assert "Add to Google Calendar" in confirmation.text
    [booking] = await live_bookings(campus, campus.student)
    assert booking.state == "confirmed"


async def test_a_button_carrying_someone_elses_booking_is_refused(campus) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    request = await dm(campus, campus.tutor, "New session request")
    result = await campus.emu.click(campus.member, request, label="Accept")
    assert "Only the owner" in result.text
    [booking] = await live_bookings(campus, campus.student)
    assert booking.state == "requested"


async def test_decline_tells_the_student_and_frees_the_slot(campus) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    request = await dm(campus, campus.tutor, "New session request")
    result = await campus.emu.click(campus.tutor, request, label="Decline")
    assert "Declined" in result.text
    declined = await dm(campus, campus.student, "Request declined")
    assert "Nothing was charged" in declined.text
    assert await live_bookings(campus, campus.student) == []


async def test_the_student_cannot_accept_their_own_request(campus) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    [booking] = await live_bookings(campus, campus.student)
    actor = booking_service.Actor(campus.guild.id, "x", campus.student.id)
    with pytest.raises(Exception, match="accept needs owner"):
        await booking_service.accept(
            booking_service.AcceptBooking(actor, booking.booking_id), campus.runtime.services
        )


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("in 30 minutes", "at least 120 minutes' notice"),
        ("in 90 days at 3pm", "up to 60 days ahead"),
        ("gibberish", "couldn't read that time"),
        ("in 2 days at 3am", "isn't available then"),
    ],
)
async def test_book_answers_bad_times_clearly(campus, when, expected) -> None:
    await ready_tutor(campus)
    result = await campus.emu.slash(
        campus.student, campus.guild, "book", tutor=campus.tutor, when=when
    )
    assert expected in result.text
    assert await live_bookings(campus, campus.student) == []


async def test_booking_someone_who_is_not_a_tutor_says_so(campus) -> None:
    await onboard(campus, campus.student, "student", ["calculus"])
    result = await campus.emu.slash(
        campus.student, campus.guild, "book", tutor=campus.member, when="in 2 days at 3pm"
    )
    assert "isn't offering tutoring" in result.text


async def test_blocking_hides_the_tutor_from_search_and_booking(campus) -> None:
    await ready_tutor(campus)
    assert (
        "(1)"
        in (await campus.emu.slash(campus.student, campus.guild, "find", subject="calculus")).text
    )
    blocked = await campus.emu.slash(campus.student, campus.guild, "block", user=campus.tutor)
    assert "Blocked" in blocked.text
    found = await campus.emu.slash(campus.student, campus.guild, "find", subject="calculus")
    assert "(0)" in found.text
    booked = await campus.emu.slash(
        campus.student, campus.guild, "book", tutor=campus.tutor, when="in 2 days at 3pm"
    )
    assert "isn't offering tutoring" in booked.text
    await campus.emu.slash(campus.student, campus.guild, "unblock", user=campus.tutor)
    assert (
        "(1)"
        in (await campus.emu.slash(campus.student, campus.guild, "find", subject="calculus")).text
    )


async def test_paused_tutors_do_not_appear_in_search(campus) -> None:
    await ready_tutor(campus)
    await campus.emu.slash(campus.tutor, campus.guild, "tutor pause")
    found = await campus.emu.slash(campus.student, campus.guild, "find", subject="calculus")
    assert "(0)" in found.text
    assert "No tutors match yet" in found.text


async def test_find_rejects_an_unknown_subject_and_a_bad_price(campus) -> None:
    await onboard(campus, campus.student, "student", ["calculus"])
    unknown = await campus.emu.slash(campus.student, campus.guild, "find", subject="alchemy")
    assert "isn't one of the options" in unknown.text
    price = await campus.emu.slash(
        campus.student, campus.guild, "find", subject="calculus", max_price="cheap"
    )
    assert "should be a number" in price.text


async def test_cancel_shows_the_outcome_and_keep_changes_nothing(campus) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    [booking] = await live_bookings(campus, campus.student)
    preview = await campus.emu.slash(
        campus.student, campus.guild, "cancel", booking=booking.booking_id
    )
    assert "Cancel your" in preview.text
    kept = await campus.emu.click(campus.student, preview.message, label="Keep")
    assert "Kept" in kept.text
    assert len(await live_bookings(campus, campus.student)) == 1
    preview = await campus.emu.slash(
        campus.student, campus.guild, "cancel", booking=booking.booking_id
    )
    old = seen(campus, campus.tutor)
    await campus.emu.click(campus.student, preview.message, label="Confirm")
    cancelled = await dm(campus, campus.tutor, "Session cancelled", old=old)
    assert "cancelled by the student" in cancelled.text
    assert await live_bookings(campus, campus.student) == []


async def test_cancel_of_someone_elses_booking_is_refused(campus) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    [booking] = await live_bookings(campus, campus.student)
    result = await campus.emu.slash(
        campus.member, campus.guild, "cancel", booking=booking.booking_id
    )
    assert "Only the owner" in result.text or "couldn't find that booking" in result.text
    assert len(await live_bookings(campus, campus.student)) == 1


async def test_booking_autocomplete_lists_only_your_bookings(campus) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    mine = await campus.emu.autocomplete(
        campus.student, campus.guild, "cancel", focused="booking", booking=""
    )
    theirs = await campus.emu.autocomplete(
        campus.member, campus.guild, "cancel", focused="booking", booking=""
    )
    assert len(mine) == 1
    assert theirs == []


async def test_closed_dms_fall_back_to_the_fallback_channel_and_show_in_bookings(campus) -> None:
    await ready_tutor(campus)
    await campus.emu.slash(
        campus.admin, campus.guild, "admin config", setting="fallback_channel",
        value=f"<#{campus.help_desk.id}>",
    )  # fmt: skip
    campus.emu.close_dms(campus.student)
    await request_first_slot(campus)
    request = await dm(campus, campus.tutor, "New session request")
    await campus.emu.click(campus.tutor, request, label="Accept")
    fallback = await campus.emu.wait_for_message(
        campus.help_desk, lambda m: "couldn't DM you" in m.text, timeout=10
    )
    assert f"<@{campus.student.id}>" in fallback.content
    await campus.emu.wait_for(lambda: True, timeout=0.1)
    for _ in range(20):
        listing = await campus.emu.slash(campus.student, campus.guild, "bookings")
        if "DMs are closed" in listing.text:
            break
        await asyncio.sleep(0.1)
    assert "DMs are closed" in listing.text
    campus.emu.errors.clear()  # the 50007 was expected


async def test_accept_buttons_keep_working_after_a_restart(sqlite_url) -> None:
    async with running_campus(sqlite_url) as campus:
        await ready_tutor(campus)
        await request_first_slot(campus)
        request = await dm(campus, campus.tutor, "New session request")
        request_id, channel_id = request.id, request.channel_id
        emu = campus.emu
        await campus.bot.close()
        from tutorbot.bootstrap import build_bot

        bot = build_bot(campus.runtime)
        task = asyncio.create_task(bot.start("emulated-bot-token"))
        try:
            await emu.wait_until_ready()
            message = next(m for m in emu.messages(channel_id) if m.id == request_id)
            result = await emu.click(campus.tutor, message, label="Accept")
            assert "Accepted" in result.text
        finally:
            await bot.close()
            task.cancel()


async def test_reminders_reach_both_sides_two_hours_and_fifteen_minutes_before(sqlite_url) -> None:
    from tests.conftest import FixedClock

    clock = FixedClock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    async with running_campus(sqlite_url, clock=clock) as campus:
        await ready_tutor(campus)
        result = await campus.emu.slash(
            campus.student, campus.guild, "book", tutor=campus.tutor, when="2026-12-01 16:00"
        )
        assert "Request a 60-minute session" in result.text
        sent = await campus.emu.click(campus.student, result.message, label="Confirm")
        assert "Request sent" in sent.text
        request = await dm(campus, campus.tutor, "New session request")
        await campus.emu.click(campus.tutor, request, label="Accept")
        clock.set(datetime(2026, 12, 1, 13, 0, tzinfo=UTC))  # 2 h before (16:00 Berlin = 15:00 UTC)
        await campus.bot.jobs.sweep()
        for user in (campus.student, campus.tutor):
            reminder = await dm(campus, user, "Reminder")
            assert "starts" in reminder.text
        clock.set(datetime(2026, 12, 1, 14, 45, tzinfo=UTC))
        await campus.bot.jobs.sweep()
        await campus.bot.jobs.sweep()
        reminders = [m for m in campus.emu.dm_messages(campus.student) if "Reminder" in m.text]
        assert len(reminders) == 2


async def test_a_typed_booking_time_is_echoed_and_cancel_books_nothing(campus) -> None:
    await ready_tutor(campus)
    result = await campus.emu.slash(
        campus.student, campus.guild, "book", tutor=campus.tutor, when="in 2 days at 3pm"
    )
    assert "Request a 60-minute session" in result.text
    assert await live_bookings(campus, campus.student) == []
    cancelled = await campus.emu.click(campus.student, result.message, label="Cancel")
    assert "nothing changed" in cancelled.text
    assert await live_bookings(campus, campus.student) == []


async def test_reschedule_is_echoed_then_proposed_to_the_tutor(campus) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    request = await dm(campus, campus.tutor, "New session request")
    await campus.emu.click(campus.tutor, request, label="Accept")
    [booking] = await live_bookings(campus, campus.student)
    echo = await campus.emu.slash(
        campus.student,
        campus.guild,
        "reschedule",
        booking=booking.booking_id,
        when="in 3 days at 11am",
    )
    assert f"Move booking #{booking.booking_id}" in echo.text
    proposed = await campus.emu.click(campus.student, echo.message, label="Confirm")
    assert "Proposed" in proposed.text
    proposal = await dm(campus, campus.tutor, "New time proposed")
    declined = await campus.emu.click(campus.tutor, proposal, label="Decline")
    assert "Kept the original time" in declined.text
    kept = await dm(campus, campus.student, "kept the original time")
    assert kept
    [after] = await live_bookings(campus, campus.student)
    assert after.start == booking.start


async def test_the_cancel_reason_reaches_the_other_side(campus) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    [booking] = await live_bookings(campus, campus.student)
    preview = await campus.emu.slash(
        campus.student, campus.guild, "cancel", booking=booking.booking_id, reason="I'm ill, sorry"
    )
    old = seen(campus, campus.tutor)
    await campus.emu.click(campus.student, preview.message, label="Confirm")
    cancelled = await dm(campus, campus.tutor, "Session cancelled", old=old)
    assert "Reason: I'm ill, sorry" in cancelled.text.replace("**", "")


async def test_book_offers_exactly_the_guilds_durations_and_refuses_others(campus) -> None:
    c = campus
    changed = await c.emu.slash(
        c.admin, c.guild, "admin config", setting="allowed_durations_minutes", value="45, 120"
    )
    assert "`allowed_durations_minutes` is now" in changed.text, changed.text
    await ready_tutor(c)

    offered = await c.emu.autocomplete(
        c.student, c.guild, "book", focused="duration", tutor=c.tutor, when="in 2 days at 3pm"
    )
    assert [(x["name"], x["value"]) for x in offered] == [("45 minutes", 45), ("120 minutes", 120)]
    typed = await c.emu.autocomplete(
        c.student, c.guild, "book", focused="duration", duration="1", tutor=c.tutor, when="x"
    )
    assert [x["value"] for x in typed] == [120]

    refused = await c.emu.slash(
        c.student, c.guild, "book", tutor=c.tutor, when="in 2 days at 3pm", duration=60
    )
    assert "Sessions here can be 45 or 120 minutes long" in refused.text
    assert refused.message.ephemeral
    asked = await c.emu.slash(
        c.student, c.guild, "book", tutor=c.tutor, when="in 2 days at 3pm", duration=120
    )
    assert "Request a 120-minute session" in asked.text
    default = await c.emu.slash(c.student, c.guild, "book", tutor=c.tutor, when="in 2 days at 3pm")
    assert "Request a 45-minute session" in default.text, "an hour isn't offered here"

    results = await c.emu.slash(c.student, c.guild, "find", subject="calculus")
    picker = await c.emu.click(c.student, results.message, custom_id=f"find:book:{c.tutor.id}")
    assert option_values(picker.message, "book:duration") == ["45", "120"]
    assert await live_bookings(c, c.student) == []
