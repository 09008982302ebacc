"""`/tutor availability add|list|remove` through the service, on a real SQLite database."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.availability import DayOff, OneOffWindow, WeeklyRule
from marketplace.domain.errors import (
    AmbiguousTimeError,
    ConflictError,
    InputError,
    NonexistentTimeError,
    NotFoundError,
    Problem,
)
from marketplace.services import availability, bookings, profiles
from marketplace.storage.models import TutorProfileRow
from tests.services.marketplace_world import (
    GUILD,
    NOW,
    TUTOR_ID,
    ZONE,
    actor,
    add_student,
    add_tutor,
    at,
    book_cmd,
    publish,
)

TUTOR = actor(TUTOR_ID)
OTHER_TUTOR_ID = 22


@pytest.fixture
async def tutor(service_context, clock):
    """A tutor with a profile and a zone, but no availability yet; the clock at NOW."""
    clock.set(NOW)
    return await add_tutor(service_context, TUTOR_ID, available=())


async def next_slot_at(uow_factory, tutor_id: int = TUTOR_ID):
    async with uow_factory(read_only=True) as uow:
        return await uow.session.scalar(
            select(TutorProfileRow.next_slot_at).where(
                TutorProfileRow.guild_id == GUILD, TutorProfileRow.user_id == tutor_id
            )
        )


# --- Reading is not saving ---------------------------------------------------------------


async def test_reading_availability_echoes_it_back_and_saves_nothing(tutor, service_context):
    draft = await availability.read(
        availability.ReadAvailability(tutor, "Mondays 17:00-19:00"), service_context
    )

    assert draft.zone == ZONE
    assert draft.rules == (WeeklyRule(0, time(17), time(19), ZONE),)
    assert draft.window is None
    assert draft.day_off is None
    assert await availability.entries(availability.ViewAvailability(tutor), service_context) == []


async def test_a_weekly_pattern_saves_one_rule_per_weekday(tutor, service_context):
    ids = await publish(service_context, tutor, "weekdays 9-11am")

    entries = await availability.entries(availability.ViewAvailability(tutor), service_context)
    assert [e.entry_id for e in entries] == ids
    assert len(ids) == 5
    assert [(e.rule.weekday, e.rule.start, e.rule.end, e.rule.zone) for e in entries] == [
        (day, time(9), time(11), ZONE) for day in range(5)
    ]
    assert all(e.window is None and e.day_off is None for e in entries)


async def test_a_one_off_range_is_a_window_in_utc(tutor, service_context):
    draft = await availability.read(
        availability.ReadAvailability(tutor, "tomorrow 3pm-5pm"), service_context
    )

    # Berlin is UTC+1 in December: 15:00-17:00 local is 14:00-16:00 UTC.
    assert draft.window == OneOffWindow(at(2, 14), at(2, 16))
    assert draft.rules == ()
    ids = await availability.save(availability.SaveAvailability(tutor, draft), service_context)
    (entry,) = await availability.entries(availability.ViewAvailability(tutor), service_context)
    assert entry.entry_id == ids[0]
    assert entry.entry_id.startswith("w")
    assert (entry.window.start, entry.window.end) == (at(2, 14), at(2, 16))


async def test_repeat_weekly_turns_a_one_off_range_into_a_weekly_rule(tutor, service_context):
    draft = await availability.read(
        availability.ReadAvailability(
            tutor, "tomorrow 3pm-5pm", repeat="weekly", until="2027-01-15"
        ),
        service_context,
    )

    # Tomorrow is Wednesday 2026-12-02.
    assert draft.rules == (WeeklyRule(2, time(15), time(17), ZONE, None, date(2027, 1, 15)),)
    assert draft.window is None


async def test_a_day_off_is_a_local_date(tutor, service_context):
    draft = await availability.read(
        availability.ReadAvailability(tutor, "2026-12-24", day_off=True), service_context
    )

    assert draft.day_off == DayOff(date(2026, 12, 24), ZONE)
    assert draft.rules == ()
    assert draft.window is None
    (entry_id,) = await availability.save(
        availability.SaveAvailability(tutor, draft), service_context
    )
    (entry,) = await availability.entries(availability.ViewAvailability(tutor), service_context)
    assert (entry.entry_id, entry.day_off) == (entry_id, DayOff(date(2026, 12, 24), ZONE))


async def test_a_day_off_removes_that_days_slots(tutor, service_context, uow_factory):
    await publish(service_context, tutor, "daily 08:00-22:00")
    assert await next_slot_at(uow_factory) == at(1, 11)  # two hours' notice from 09:00 UTC

    await publish(service_context, tutor, "today", day_off=True)

    # Tomorrow 08:00 Berlin is 07:00 UTC.
    assert await next_slot_at(uow_factory) == at(2, 7)
    student = await add_student(service_context, 11)
    with pytest.raises(ConflictError) as refused:
        await bookings.book(book_cmd(student, TUTOR_ID, at(1, 14)), service_context)
    assert refused.value.reason == "not_available"


# --- Who may publish -----------------------------------------------------------------------


async def test_someone_without_a_tutor_profile_cannot_publish_availability(service_context, clock):
    clock.set(NOW)
    student = await add_student(service_context, 11)

    with pytest.raises(NotFoundError) as missing:
        await availability.read(
            availability.ReadAvailability(student, "Mondays 17:00-19:00"), service_context
        )
    assert missing.value.entity == "tutor_profile"


async def test_a_tutor_without_a_time_zone_is_asked_for_one_first(service_context, clock):
    clock.set(NOW)
    no_zone = await add_tutor(service_context, 23, zone=None, available=())

    with pytest.raises(NotFoundError) as missing:
        await availability.read(
            availability.ReadAvailability(no_zone, "Mondays 17:00-19:00"), service_context
        )
    assert missing.value.entity == "timezone"


# --- Bad input -----------------------------------------------------------------------------


BAD_TEXT = {
    "purple monkey dishwasher": Problem.UNPARSEABLE,
    "x" * 101: Problem.TOO_LONG,
    "   ": Problem.EMPTY,
    "today 07:00-09:00": Problem.IN_THE_PAST,  # local now is 10:00
    "2027-03-01 10:00-12:00": Problem.TOO_FAR_AHEAD,  # beyond the 60-day horizon
    "tomorrow 17:00-15:00": Problem.END_BEFORE_START,
    "Mondays 17:00": Problem.MISSING_END,
    "tomorrow 3pm": Problem.MISSING_END,
    "Mondays 17:00-17:00": Problem.ZERO_LENGTH,
}


async def test_bad_availability_text_is_refused_with_a_reason(tutor, service_context):
    problems = {}
    for when in BAD_TEXT:
        with pytest.raises(InputError) as refused:
            await availability.read(availability.ReadAvailability(tutor, when), service_context)
        problems[when] = (refused.value.field, refused.value.problem)

    assert problems == {when: ("when", problem) for when, problem in BAD_TEXT.items()}
    assert await availability.entries(availability.ViewAvailability(tutor), service_context) == []


async def test_a_time_skipped_by_spring_forward_is_questioned_not_guessed(service_context, clock):
    clock.set(at(20, 9, month=3))
    tutor = await add_tutor(service_context, TUTOR_ID, available=())

    with pytest.raises(NonexistentTimeError) as gap:
        await availability.read(
            availability.ReadAvailability(tutor, "2026-03-29 02:30-04:00"), service_context
        )

    assert gap.value.problem == Problem.NONEXISTENT_TIME
    assert gap.value.zone == ZONE
    assert await availability.entries(availability.ViewAvailability(tutor), service_context) == []


async def test_a_time_repeated_by_fall_back_is_questioned_not_guessed(service_context, clock):
    clock.set(at(20, 9, month=10))
    tutor = await add_tutor(service_context, TUTOR_ID, available=())

    with pytest.raises(AmbiguousTimeError) as fold:
        await availability.read(
            availability.ReadAvailability(tutor, "2026-10-25 02:30-04:00"), service_context
        )

    # 02:30 CEST (00:30 UTC) or 02:30 CET (01:30 UTC): the tutor must say which.
    assert (fold.value.earlier_utc, fold.value.later_utc) == (
        at(25, 0, 30, month=10),
        at(25, 1, 30, month=10),
    )
    assert await availability.entries(availability.ViewAvailability(tutor), service_context) == []


async def test_a_weekly_rule_ending_in_the_past_is_refused(tutor, service_context):
    # A rule that can never open a window is a time in the past, not a silent no-op.
    with pytest.raises(InputError) as refused:
        await availability.read(
            availability.ReadAvailability(tutor, "Mondays 17:00-19:00", until="2026-11-01"),
            service_context,
        )

    assert refused.value.problem == Problem.IN_THE_PAST


async def test_a_day_off_in_the_past_is_refused(tutor, service_context):
    with pytest.raises(InputError) as refused:
        await availability.read(
            availability.ReadAvailability(tutor, "2026-11-20", day_off=True), service_context
        )

    assert refused.value.problem == Problem.IN_THE_PAST


# --- Removing ------------------------------------------------------------------------------


async def test_a_tutor_removes_their_own_entry(tutor, service_context):
    first, *_ = await publish(service_context, tutor, "Mondays 17:00-19:00")
    window = (await publish(service_context, tutor, "tomorrow 3pm-5pm"))[0]

    await availability.remove(availability.RemoveAvailability(tutor, window), service_context)

    assert [
        e.entry_id
        for e in await availability.entries(availability.ViewAvailability(tutor), service_context)
    ] == [first]


async def test_nobody_removes_another_tutors_entry(tutor, service_context):
    other = await add_tutor(service_context, OTHER_TUTOR_ID, available=())
    (entry_id,) = await publish(service_context, tutor, "Mondays 17:00-19:00")

    with pytest.raises(NotFoundError):
        await availability.remove(availability.RemoveAvailability(other, entry_id), service_context)

    assert [
        e.entry_id
        for e in await availability.entries(availability.ViewAvailability(tutor), service_context)
    ] == [entry_id]


async def test_removing_an_unknown_entry_is_not_found(tutor, service_context):
    await publish(service_context, tutor, "Mondays 17:00-19:00")

    for entry_id in ("", "r", "x1", "r999999", "w-1", "d1", "1; DROP TABLE x"):
        with pytest.raises(NotFoundError):
            await availability.remove(
                availability.RemoveAvailability(tutor, entry_id), service_context
            )

    assert (
        len(await availability.entries(availability.ViewAvailability(tutor), service_context)) == 1
    )


@pytest.mark.parametrize("entry_id", ["r" + "9" * 40, "w²", "r١٢"])
async def test_a_hostile_entry_id_is_not_found_rather_than_a_crash(
    tutor, service_context, entry_id
):
    await publish(service_context, tutor, "Mondays 17:00-19:00")

    with pytest.raises(NotFoundError):
        await availability.remove(availability.RemoveAvailability(tutor, entry_id), service_context)

    assert (
        len(await availability.entries(availability.ViewAvailability(tutor), service_context)) == 1
    )


# --- The cached next open slot --------------------------------------------------------------


async def test_saving_and_removing_refresh_the_next_open_slot(tutor, service_context, uow_factory):
    assert await next_slot_at(uow_factory) is None

    (window,) = await publish(service_context, tutor, "tomorrow 3pm-5pm")
    assert await next_slot_at(uow_factory) == at(2, 14)

    (rule_id,) = await publish(service_context, tutor, "Tuesdays 14:00-16:00")
    # Today is Tuesday: 14:00 Berlin (13:00 UTC) is more than two hours away.
    assert await next_slot_at(uow_factory) == at(1, 13)

    await availability.remove(availability.RemoveAvailability(tutor, rule_id), service_context)
    assert await next_slot_at(uow_factory) == at(2, 14)

    await availability.remove(availability.RemoveAvailability(tutor, window), service_context)
    assert await next_slot_at(uow_factory) is None


async def test_the_next_open_slot_honours_minimum_notice(tutor, service_context, uow_factory):
    await publish(service_context, tutor, "today 10:15-14:00")  # 09:15-13:00 UTC

    # Now is 09:00 UTC; the first start two hours ahead on the window's 30-minute grid.
    assert await next_slot_at(uow_factory) == at(1, 11, 15)


async def test_a_paused_tutor_keeps_their_entries(tutor, service_context):
    await publish(service_context, tutor, "Mondays 17:00-19:00")
    await profiles.set_paused(profiles.PauseProfile(GUILD, TUTOR_ID, True), service_context)

    assert (
        len(await availability.entries(availability.ViewAvailability(tutor), service_context)) == 1
    )


async def test_expired_one_off_windows_drop_out_of_the_list(tutor, service_context, clock):
    await publish(service_context, tutor, "tomorrow 3pm-5pm")

    clock.set(at(2, 16) + timedelta(minutes=1))

    assert await availability.entries(availability.ViewAvailability(tutor), service_context) == []
