"""Search's SQL order is the domain ranking's, so the first 100 are the best 100 (both backends).

Without `when`, `/find` ranks only the first `search.MAX_RESULTS` tutors of the
candidate query's order. These tests put more tutors than that on the subject, all with
lower ids than the one who should win, and check the winner still reaches the first page.
"""

import random
from datetime import timedelta

import pytest

from marketplace.domain.profiles import Level
from marketplace.domain.ranking import TutorCandidate, rank
from marketplace.services import bookings, reviews, search, sessions
from marketplace.services.reviews import WriteReview
from marketplace.services.search import MAX_RESULTS, FindTutors
from marketplace.storage.models import MemberRow, TutorProfileRow, TutorSubjectRow, UserRow
from tests.services.marketplace_world import (
    GUILD,
    NOW,
    STUDENT_ID,
    actor,
    add_tutor,
    at,
    book_cmd,
    build_world,
)

FIRST_FILLER = 100  # every filler's id is below the tutors the tests are about
FILLERS = MAX_RESULTS + 20
HIGH_ID = 900
STUDENT = actor(STUDENT_ID)
LEVELS = ("beginner", "intermediate", "advanced")


def _rows(p: dict) -> tuple:
    """One tutor's rows, in foreign-key order."""
    tutor_id, stamps = p["user_id"], {"created_at": NOW, "updated_at": NOW}
    columns = {"rate_minor": 2500} | {k: v for k, v in p.items() if k != "level"}
    return (
        UserRow(id=tutor_id, display_name=f"Tutor {tutor_id}", **stamps),
        MemberRow(guild_id=GUILD, user_id=tutor_id, role="tutor", started_at=NOW, updated_at=NOW),
        TutorProfileRow(guild_id=GUILD, currency="USD", formats="text", **stamps, **columns),
        TutorSubjectRow(
            guild_id=GUILD,
            user_id=tutor_id,
            subject_key="calculus",
            level=p.get("level", "advanced"),
        ),
    )


async def add_profiles(uow_factory, profiles: list[dict]) -> None:
    """Calculus tutors straight into the tables: `user_id`, `level`, any profile columns."""
    async with uow_factory() as uow:
        for table in zip(*(_rows(p) for p in profiles), strict=True):
            uow.session.add_all(table)
            await uow.session.flush()
        await uow.commit()


def fillers(**counts) -> list[dict]:
    return [{"user_id": FIRST_FILLER + n, **counts} for n in range(FILLERS)]


async def first_page(ctx) -> list[int]:
    results = await search.find(FindTutors(STUDENT, "calculus"), ctx)
    return [hit.tutor_id for hit in results.page(0)]


async def held_sessions(ctx, clock, tutor_id: int, count: int) -> list[int]:
    """`count` sessions with the tutor, accepted and completed; their booking ids."""
    starts = [at(2, 10 + 2 * n) for n in range(count)]
    booked = [await bookings.book(book_cmd(STUDENT, tutor_id, s), ctx) for s in starts]
    for booking in booked:
        await bookings.accept(bookings.AcceptBooking(actor(tutor_id), booking.booking_id), ctx)
    clock.set(starts[-1] + timedelta(minutes=5))
    return [
        (await sessions.complete(sessions.CompleteSession(STUDENT, b.booking_id), ctx)).booking_id
        for b in booked
    ]


async def test_a_well_rated_tutor_past_the_first_hundred_ids_reaches_the_first_page(
    service_context, clock, uow_factory
):
    await build_world(service_context, clock)
    # As reliable as the star, so only the rating sets the star apart.
    await add_profiles(uow_factory, fillers(sessions_held=20))
    await add_tutor(service_context, HIGH_ID)
    done = await held_sessions(service_context, clock, HIGH_ID, 3)
    for booking_id in done[:2]:
        await reviews.leave(WriteReview(STUDENT, booking_id, "5", ()), service_context)

    assert HIGH_ID not in await first_page(service_context)  # two reviews: not counted yet

    await reviews.leave(WriteReview(STUDENT, done[2], "5", ()), service_context)

    assert (await first_page(service_context))[0] == HIGH_ID


async def test_a_reliable_tutor_past_the_first_hundred_ids_reaches_the_first_page(
    service_context, clock, uow_factory
):
    await build_world(service_context, clock)
    await add_profiles(uow_factory, fillers(sessions_held=19, sessions_dropped=1))  # 95 %
    await add_tutor(service_context, HIGH_ID)

    assert HIGH_ID not in await first_page(service_context)  # unknown: a neutral 90 %

    await held_sessions(service_context, clock, HIGH_ID, 1)

    assert (await first_page(service_context))[0] == HIGH_ID


def random_profiles(rng: random.Random) -> list[dict]:
    """Fillers with small counts, so ties (and ratings like 4.25 or 4.15) are common."""
    slots = [None, NOW + timedelta(days=1), NOW + timedelta(days=2), NOW + timedelta(days=3)]
    profiles = []
    for n in range(FILLERS):
        count = rng.choice((0, 0, 1, 2, 3, 4, 5, 6, 20))
        profiles.append(
            {
                "user_id": FIRST_FILLER + n,
                "level": rng.choice(LEVELS),
                "rate_minor": rng.choice((1500, 2500, 4000)),
                "next_slot_at": rng.choice(slots),
                "penalty_until": rng.choice((None, None, None, NOW + timedelta(days=5))),
                "sessions_held": rng.choice((0, 1, 7, 19, 20)),
                "sessions_dropped": rng.choice((0, 0, 1, 3)),
                "review_count": count,
                "review_star_sum": rng.randint(count, 5 * count),
            }
        )
    return profiles


def as_ranked(candidate, wanted: Level) -> TutorCandidate:
    """What search hands the ranking for a candidate (next slots taken as they are cached)."""
    return TutorCandidate(
        tutor_id=candidate.tutor_id,
        subject_level_match=candidate.level.rank - wanted.rank,
        reviews=candidate.reviews,
        completion=candidate.completion,
        median_response_minutes=None,
        late_cancel_penalty=candidate.penalty_until is not None and candidate.penalty_until > NOW,
        rate_minor=candidate.rate_minor,
        next_slot=candidate.next_slot_at,
    )


@pytest.mark.parametrize("sort", ["best", "price", "soonest"])
async def test_the_sql_order_is_the_domain_ranking(sort, service_context, clock, uow_factory):
    await build_world(service_context, clock)
    await add_profiles(uow_factory, random_profiles(random.Random(f"search-order:{sort}")))
    wanted = Level.BEGINNER
    async with uow_factory(read_only=True) as uow:
        for min_reviews in (1, 3, 5):
            query = {"level": wanted, "max_rate_minor": None, "viewer_id": STUDENT_ID, "now": NOW}
            query |= {"min_reviews_for_rating": min_reviews, "sort": sort}
            everyone = await uow.search.candidates(GUILD, "calculus", **query)
            first = await uow.search.candidates(GUILD, "calculus", **query, limit=40)
            ranked = rank((as_ranked(c, wanted) for c in everyone), sort, min_reviews)

            assert len(everyone) > len(first) == 40
            assert [c.tutor_id for c in first] == [c.tutor_id for c in ranked[:40]]
