"""`/find`: who shows up, filters, sorting, the `when` filter and paging."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from marketplace.domain.errors import InputError, Problem
from marketplace.domain.money import Money
from marketplace.domain.profiles import Level
from marketplace.services import bookings, profiles, safety, search
from marketplace.services.search import PAGE_SIZE, FindTutors
from marketplace.storage.models import RestrictionRow, TutorProfileRow
from tests.services.marketplace_world import (
    GUILD,
    NOW,
    STUDENT_ID,
    actor,
    add_student,
    add_tutor,
    at,
    book_cmd,
)

STUDENT = actor(STUDENT_ID)


@pytest.fixture
async def ctx(service_context, clock):
    """The clock at NOW and a beginner calculus student."""
    clock.set(NOW)
    await add_student(service_context, STUDENT_ID)
    return service_context


async def listed_tutor(ctx, user_id: int, **options):
    """A tutor with no availability (search lists them; `when` never matches them)."""
    return await add_tutor(ctx, user_id, available=(), **options)


async def find(ctx, who=STUDENT, subject="calculus", **options) -> list[int]:
    results = await search.find(FindTutors(who, subject, **options), ctx)
    return [hit.tutor_id for hit in results.hits]


async def restrict(uow_factory, user_id: int, until=None) -> None:
    async with uow_factory() as uow:
        uow.session.add(
            RestrictionRow(
                guild_id=GUILD,
                user_id=user_id,
                until=until,
                reason="test",
                created_by=1,
                created_at=NOW,
            )
        )
        await uow.commit()


# --- Who shows up --------------------------------------------------------------------------


async def test_only_active_unrestricted_unblocked_tutors_of_the_subject_show_up(ctx, uow_factory):
    await listed_tutor(ctx, 21)
    await listed_tutor(ctx, 22)
    await listed_tutor(ctx, 23)
    await listed_tutor(ctx, 24)
    await listed_tutor(ctx, 25, subjects=("physics",))
    await listed_tutor(ctx, 26, subjects=("calculus", "physics"), not_teaching="Calculus")
    await profiles.set_paused(profiles.PauseProfile(GUILD, 22, True), ctx)
    await restrict(uow_factory, 23)
    await safety.block(safety.BlockMember(STUDENT, 24), ctx)

    assert await find(ctx) == [21]
    assert await find(ctx, subject="physics") == [25, 26]


async def test_a_block_by_the_tutor_hides_them_too(ctx):
    await listed_tutor(ctx, 21)
    await listed_tutor(ctx, 22)

    await safety.block(safety.BlockMember(actor(22), STUDENT_ID), ctx)

    assert await find(ctx) == [21]


async def test_a_resumed_tutor_and_a_lapsed_restriction_show_up_again(ctx, uow_factory, clock):
    await listed_tutor(ctx, 21)
    await listed_tutor(ctx, 22)
    await profiles.set_paused(profiles.PauseProfile(GUILD, 21, True), ctx)
    await restrict(uow_factory, 22, until=NOW + timedelta(days=1))
    assert await find(ctx) == []

    await profiles.set_paused(profiles.PauseProfile(GUILD, 21, False), ctx)
    clock.set(NOW + timedelta(days=1, minutes=1))

    assert await find(ctx) == [21, 22]


async def test_the_viewer_never_finds_themselves(ctx):
    await listed_tutor(ctx, 21)
    await listed_tutor(ctx, 22)

    assert await find(ctx, who=actor(21)) == [22]


async def test_tutors_teach_at_or_above_the_wanted_level(ctx):
    await listed_tutor(ctx, 21, level=Level.BEGINNER)
    await listed_tutor(ctx, 22, level=Level.INTERMEDIATE)
    await listed_tutor(ctx, 23, level=Level.ADVANCED)

    # The closest level ranks first.
    assert await find(ctx) == [21, 22, 23]
    assert await find(ctx, level=Level.INTERMEDIATE) == [22, 23]
    assert await find(ctx, level=Level.ADVANCED) == [23]


async def test_the_students_own_level_is_the_default(ctx):
    await add_student(ctx, 12, level=Level.INTERMEDIATE)
    await listed_tutor(ctx, 21, level=Level.BEGINNER)
    await listed_tutor(ctx, 22, level=Level.ADVANCED)

    assert await find(ctx, who=actor(12)) == [22]


# --- Price and sorting ---------------------------------------------------------------------


async def test_max_price_keeps_tutors_at_or_under_it(ctx):
    await listed_tutor(ctx, 21, rate="$25")
    await listed_tutor(ctx, 22, rate="$15")
    await listed_tutor(ctx, 23, rate="$20")

    assert await find(ctx, max_price="$20") == [22, 23]
    assert await find(ctx, max_price="20.00") == [22, 23]
    assert await find(ctx, max_price="$10") == []


async def test_a_bad_max_price_is_refused(ctx):
    await add_tutor(ctx, 21, available=())

    problems = {}
    for price in ("cheap", "-5", "€20", "99999999999"):
        with pytest.raises(InputError) as refused:
            await find(ctx, max_price=price)
        problems[price] = refused.value.problem

    # parse_money reports on its own field name, "rate".
    assert problems == {
        "cheap": Problem.NOT_A_NUMBER,
        "-5": Problem.NEGATIVE,
        "€20": Problem.WRONG_CURRENCY,
        "99999999999": Problem.OUT_OF_RANGE,
    }


async def test_sort_by_price_puts_the_cheapest_first(ctx):
    await listed_tutor(ctx, 21, rate="$25")
    await listed_tutor(ctx, 22, rate="$15")
    await listed_tutor(ctx, 23, rate="$20")

    results = await search.find(FindTutors(STUDENT, "calculus", sort="price"), ctx)

    assert [(h.tutor_id, h.rate) for h in results.hits] == [
        (22, Money(1500, "USD")),
        (23, Money(2000, "USD")),
        (21, Money(2500, "USD")),
    ]


async def test_sort_by_soonest_puts_the_first_open_slot_first(ctx):
    await add_tutor(ctx, 21, available=("2026-12-05 10:00-12:00",))
    await add_tutor(ctx, 22, available=("tomorrow 15:00-17:00",))
    await add_tutor(ctx, 23, available=())

    results = await search.find(FindTutors(STUDENT, "calculus", sort="soonest"), ctx)

    assert [(h.tutor_id, h.next_slot) for h in results.hits] == [
        (22, at(2, 14)),
        (21, at(5, 9)),
        (23, None),
    ]


async def test_an_unknown_sort_is_refused(ctx):
    await listed_tutor(ctx, 21)

    with pytest.raises(InputError) as refused:
        await find(ctx, sort="random")

    assert (refused.value.field, refused.value.problem) == ("sort", Problem.UNKNOWN_CHOICE)


# --- When ----------------------------------------------------------------------------------


async def test_when_keeps_only_tutors_free_then_with_their_first_free_start(ctx):
    await add_tutor(ctx, 21)  # daily 08:00-22:00 Berlin
    await add_tutor(ctx, 22, available=("tomorrow 15:00-17:00",))
    await add_tutor(ctx, 23, available=("tomorrow 09:00-11:00",))
    await add_tutor(ctx, 24)
    await bookings.book(book_cmd(STUDENT, 24, at(2, 14)), ctx)  # 15:00-16:00 Berlin

    results = await search.find(FindTutors(STUDENT, "calculus", when="tomorrow 15:00"), ctx)

    # "tomorrow 15:00" is the hour from 15:00 Berlin: 14:00-15:00 UTC.
    assert results.window == (at(2, 14), at(2, 15))
    assert [(h.tutor_id, h.next_slot) for h in results.hits] == [
        (21, at(2, 14)),
        (22, at(2, 14)),
    ]


async def test_with_when_the_exact_checks_go_to_the_best_ranked_not_the_lowest_ids(
    ctx, uow_factory, monkeypatch
):
    monkeypatch.setattr(search, "MAX_EXACT_CHECKS", 1)
    await add_tutor(ctx, 21)
    await add_tutor(ctx, 22)
    async with uow_factory() as uow:  # 22 held all ten of their sessions, 21 dropped half
        for tutor_id, held, dropped in ((21, 5, 5), (22, 10, 0)):
            await uow.session.execute(
                update(TutorProfileRow)
                .where(TutorProfileRow.guild_id == GUILD, TutorProfileRow.user_id == tutor_id)
                .values(sessions_held=held, sessions_dropped=dropped)
            )
        await uow.commit()

    assert await find(ctx, when="tomorrow 15:00") == [22]


async def test_a_when_range_shows_each_tutors_first_free_start_in_it(ctx):
    await add_tutor(ctx, 21)
    await add_tutor(ctx, 22, available=("tomorrow 13:00-15:00",))
    await add_tutor(ctx, 23, available=("tomorrow 18:00-20:00",))

    results = await search.find(FindTutors(STUDENT, "calculus", when="tomorrow 11:00-15:00"), ctx)

    # Tutor 22 is free from 13:00 Berlin (12:00 UTC), inside the asked-for range.
    assert [(h.tutor_id, h.next_slot) for h in results.hits] == [
        (21, at(2, 10)),
        (22, at(2, 12)),
    ]


async def test_a_when_window_across_monday_00_utc_finds_a_tutor_free_past_it(ctx):
    # 18:00-21:00 in New York on Sunday is Sunday 23:00 to Monday 02:00 UTC: the search's
    # weekly ranges start again at Monday 00:00 UTC, and the window runs two hours past it.
    night_owl = await add_student(ctx, 12, zone="America/New_York")
    await add_tutor(ctx, 21, zone="UTC", available=("every Monday 01:30-03:00",))

    results = await search.find(FindTutors(night_owl, "calculus", when="Sunday 6pm-9pm"), ctx)

    assert results.window == (at(6, 23), at(7, 2))
    assert [(h.tutor_id, h.next_slot) for h in results.hits] == [(21, at(7, 1, 30))]


async def test_a_bad_when_is_refused(ctx):
    await add_tutor(ctx, 21, available=())

    problems = {}
    for when in ("whenever", "Mondays 17:00-19:00", "y" * 101):
        with pytest.raises(InputError) as refused:
            await find(ctx, when=when)
        problems[when] = (refused.value.field, refused.value.problem)

    assert problems == {
        "whenever": ("when", Problem.UNPARSEABLE),
        "Mondays 17:00-19:00": ("when", Problem.UNPARSEABLE),
        "y" * 101: ("when", Problem.TOO_LONG),
    }


# --- Subjects and pages --------------------------------------------------------------------


async def test_an_unknown_subject_is_refused(ctx):
    await add_tutor(ctx, 21, available=())

    for subject in ("astrology", "", "CALCULUS", "calculus'--"):
        with pytest.raises(InputError) as refused:
            await find(ctx, subject=subject)
        assert (refused.value.field, refused.value.problem) == (
            "subject",
            Problem.UNKNOWN_CHOICE,
        )


async def test_results_come_in_pages(ctx):
    tutor_ids = list(range(21, 21 + 2 * PAGE_SIZE + 1))
    for tutor_id in tutor_ids:
        await add_tutor(ctx, tutor_id, available=())

    results = await search.find(FindTutors(STUDENT, "calculus"), ctx)

    assert results.subject_name == "Calculus"
    assert results.pages == 3
    pages = [[hit.tutor_id for hit in results.page(n)] for n in range(4)]
    assert pages == [
        tutor_ids[:PAGE_SIZE],
        tutor_ids[PAGE_SIZE : 2 * PAGE_SIZE],
        tutor_ids[2 * PAGE_SIZE :],
        [],
    ]


async def test_no_tutors_is_one_empty_page(ctx):
    results = await search.find(FindTutors(STUDENT, "calculus"), ctx)

    assert results.hits == ()
    assert results.pages == 1
    assert results.page(0) == ()


async def test_the_next_open_slot_shown_moves_on_as_time_passes(ctx, clock):
    await add_tutor(ctx, 21)  # daily 08:00-22:00 Berlin, published at NOW
    await add_tutor(ctx, 22, available=("2026-12-10 10:00-12:00",))

    clock.set(NOW + timedelta(days=2))  # Thursday 09:00 UTC; nothing was saved since

    results = await search.find(FindTutors(STUDENT, "calculus", sort="soonest"), ctx)
    # Tutor 21 still has a slot soon; it must not look fully booked. A request leaves
    # the tutor time to answer (2 h before the start + 30 min), so the first one **Book**
    # offers is 2 h 30 min from now.
    assert [(h.tutor_id, h.next_slot) for h in results.hits] == [
        (21, at(3, 11, 30)),
        (22, at(10, 9)),
    ]


async def test_hits_carry_rate_level_verification_instant_and_next_slot(ctx):
    await add_tutor(ctx, 21, instant=True, rate="$30", level=Level.INTERMEDIATE)

    (hit,) = (await search.find(FindTutors(STUDENT, "calculus"), ctx)).hits

    assert hit.tutor_id == 21
    assert hit.rate == Money(3000, "USD")
    assert hit.level is Level.INTERMEDIATE
    assert hit.verification == "none"
    assert hit.instant_booking is True
    assert hit.next_slot == at(1, 11)
