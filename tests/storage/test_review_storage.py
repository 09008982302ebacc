"""Reviews: round trip, one per booking per side, grouped stats, held list, on both backends."""

from datetime import timedelta

import pytest

from marketplace.domain.booking import Party
from marketplace.domain.errors import ConflictError
from marketplace.domain.reviews import Aspect, Review, ReviewContent, ReviewStatus, add_reply
from marketplace.services import bookings
from tests.services.marketplace_world import (
    GUILD,
    NOW,
    STUDENT_ID,
    TUTOR_ID,
    add_tutor,
    at,
    book_cmd,
    build_world,
)

BIG_SNOWFLAKE = 2**63 - 1


@pytest.fixture
async def booking_ids(service_context, clock):
    world = await build_world(service_context, clock)
    await add_tutor(service_context, 22)
    ids = []
    for tutor_id, start in ((TUTOR_ID, at(2, 10)), (TUTOR_ID, at(2, 12)), (22, at(2, 14))):
        booked = await bookings.book(book_cmd(world.student, tutor_id, start), service_context)
        ids.append(booked.booking_id)
    return ids


def _review(booking_id, stars=5, reviewee=TUTOR_ID, status=ReviewStatus.VISIBLE, at=NOW):
    content = ReviewContent(stars, frozenset({Aspect.ON_TIME, Aspect.HELPED_UNDERSTAND}), "Nice")
    return Review(0, GUILD, booking_id, STUDENT_ID, reviewee, Party.TUTOR, content, status, at)


def _of_student(booking_id, stars=2, tutor=TUTOR_ID):
    content = ReviewContent(stars, frozenset({Aspect.PREPARED, Aspect.WOULD_TEACH_AGAIN}), "Ok")
    return Review(
        0, GUILD, booking_id, tutor, STUDENT_ID, Party.STUDENT, content, ReviewStatus.VISIBLE, NOW
    )


async def _add(uow_factory, review):
    async with uow_factory() as uow:
        stored = await uow.reviews.add(review)
        await uow.commit()
    return stored


async def test_a_review_round_trips_with_its_ratings_reply_and_aware_times(
    uow_factory, booking_ids
):
    stored = await _add(uow_factory, _review(booking_ids[0]))
    answered = add_reply(stored, TUTOR_ID, "Thanks!", NOW + timedelta(hours=1))
    async with uow_factory() as uow:
        await uow.reviews.save(answered)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        got = await uow.reviews.of_booking(booking_ids[0], STUDENT_ID)
        same = await uow.reviews.get(GUILD, stored.review_id)
        assert await uow.reviews.get(GUILD + 1, stored.review_id) is None
        assert await uow.reviews.of_booking(booking_ids[0], TUTOR_ID) is None
    assert got == answered == same
    assert got.content.yes == {Aspect.ON_TIME, Aspect.HELPED_UNDERSTAND}
    assert got.replied_at is not None
    assert got.replied_at.tzinfo is not None


async def test_a_second_review_of_the_same_booking_by_the_same_side_is_a_conflict(
    uow_factory, booking_ids
):
    await _add(uow_factory, _review(booking_ids[0]))
    async with uow_factory() as uow:
        with pytest.raises(ConflictError, match="already_reviewed"):
            await uow.reviews.add(_review(booking_ids[0], stars=1))
        # the transaction is still usable after the refused insert
        other = await uow.reviews.add(_review(booking_ids[1], stars=3))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert (await uow.reviews.of_booking(other.booking_id, STUDENT_ID)) == other
        reviewed = await uow.reviews.reviewed_among(STUDENT_ID, booking_ids)
    assert reviewed == {booking_ids[0], booking_ids[1]}


async def test_stats_are_grouped_per_tutor_and_skip_held_reviews(uow_factory, booking_ids):
    await _add(uow_factory, _review(booking_ids[0], stars=5))
    await _add(uow_factory, _review(booking_ids[1], stars=2))
    await _add(uow_factory, _review(booking_ids[2], reviewee=22, status=ReviewStatus.HELD))
    async with uow_factory(read_only=True) as uow:
        stats = await uow.reviews.stats_of(GUILD, [TUTOR_ID, 22, BIG_SNOWFLAKE])
        held = await uow.reviews.held(GUILD, 5)
        assert await uow.reviews.stats_of(GUILD, []) == {}
    assert set(stats) == {TUTOR_ID}
    assert stats[TUTOR_ID].count == 2
    assert stats[TUTOR_ID].mean == pytest.approx(3.5)
    assert [r.booking_id for r in held] == [booking_ids[2]]


async def test_the_tutors_review_of_the_student_keeps_its_own_ratings_and_side(
    uow_factory, booking_ids
):
    stored = await _add(uow_factory, _of_student(booking_ids[0]))
    await _add(uow_factory, _review(booking_ids[0], stars=4))
    async with uow_factory(read_only=True) as uow:
        got = await uow.reviews.of_booking(booking_ids[0], TUTOR_ID)
        held = await uow.reviews.held(GUILD, 5)
    assert got == stored
    assert got.about is Party.STUDENT
    assert got.content.yes == {Aspect.PREPARED, Aspect.WOULD_TEACH_AGAIN}
    assert held == []


async def test_stats_count_each_side_apart(uow_factory, booking_ids):
    await _add(uow_factory, _review(booking_ids[0], stars=5))
    await _add(uow_factory, _of_student(booking_ids[0], stars=1))
    await _add(uow_factory, _of_student(booking_ids[2], stars=3, tutor=22))
    async with uow_factory(read_only=True) as uow:
        as_tutor = await uow.reviews.stats_of(GUILD, [TUTOR_ID, STUDENT_ID])
        as_student = await uow.reviews.stats_of(GUILD, [TUTOR_ID, STUDENT_ID], about=Party.STUDENT)
    assert {k: (v.count, v.mean) for k, v in as_tutor.items()} == {TUTOR_ID: (1, 5.0)}
    assert set(as_student) == {STUDENT_ID}
    assert as_student[STUDENT_ID].count == 2
    assert as_student[STUDENT_ID].mean == pytest.approx(2.0)
