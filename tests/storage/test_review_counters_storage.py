"""A tutor's rating counts on their profile, on both backends: kept, raced, backfilled.

`tutor_profile.review_count` and `review_star_sum` must always equal what the visible
reviews of each user *as a tutor* add up to; every check compares them with that sum,
grouped from the review table itself.
"""

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from marketplace.domain.ranking import ReviewCounts
from marketplace.services import bookings, reviews, sessions
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.services.reviews import WriteReview
from marketplace.storage.migrate import downgrade, upgrade
from marketplace.storage.models import BookingRow, ReviewRow, TutorProfileRow
from tests.services.marketplace_world import (
    GUILD,
    STUDENT_ID,
    TUTOR_ID,
    actor,
    add_tutor,
    at,
    book_cmd,
    build_world,
)
from tests.storage.opened import units_of_work

STUDENT = actor(STUDENT_ID)
TUTOR = actor(TUTOR_ID)
MODERATOR = Actor(guild_id=GUILD, guild_name="Campus", user_id=50, has_manage_guild=True)
USERS = (TUTOR_ID, STUDENT_ID)


async def kept(uow_factory) -> dict[int, ReviewCounts]:
    """The counts on each profile."""
    p = TutorProfileRow
    async with uow_factory(read_only=True) as uow:
        rows = await uow.session.execute(
            select(p.user_id, p.review_count, p.review_star_sum).where(p.guild_id == GUILD)
        )
        return {user: ReviewCounts(n, stars) for user, n, stars in rows}


async def truth(uow_factory) -> dict[int, ReviewCounts]:
    """What the visible reviews of each profile's user as a tutor add up to."""
    r, b = ReviewRow, BookingRow
    async with uow_factory(read_only=True) as uow:
        rows = {
            user: ReviewCounts(n, int(stars))
            for user, n, stars in await uow.session.execute(
                select(r.reviewee_id, func.count(), func.sum(r.stars))
                .join(b, b.id == r.booking_id)
                .where(r.guild_id == GUILD, r.status == "visible", r.reviewee_id == b.tutor_id)
                .group_by(r.reviewee_id)
            )
        }
    return {user: rows.get(user, ReviewCounts()) for user in await kept(uow_factory)}


async def sessions_held(ctx: ServiceContext, clock, count: int) -> list[int]:
    """`count` completed sessions of the student with the tutor; their booking ids."""
    starts = [at(2, 8 + 2 * n) for n in range(count)]
    booked = [await bookings.book(book_cmd(STUDENT, TUTOR_ID, s), ctx) for s in starts]
    for booking in booked:
        await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), ctx)
    clock.set(starts[-1] + timedelta(minutes=5))
    return [
        (await sessions.complete(sessions.CompleteSession(STUDENT, b.booking_id), ctx)).booking_id
        for b in booked
    ]


def by_student(booking_id: int, stars: str, text: str = "") -> WriteReview:
    return WriteReview(STUDENT, booking_id, stars, ("on_time",), text)


def by_tutor(booking_id: int, stars: str) -> WriteReview:
    return WriteReview(TUTOR, booking_id, stars, ("prepared",))


async def history(ctx: ServiceContext, clock) -> None:
    """Leave, edit, hold and release reviews; the student is a tutor too (never reviewed as one).

    Ends with the tutor at 3 visible reviews (5 + 2 + 4 stars) and 1 held.
    """
    await build_world(ctx, clock)
    await add_tutor(ctx, STUDENT_ID)
    done = await sessions_held(ctx, clock, 4)
    await reviews.leave(by_student(done[0], "5"), ctx)
    await reviews.leave(by_student(done[1], "4"), ctx)
    await reviews.edit(by_student(done[1], "2"), ctx)  # stars move
    await reviews.leave(by_student(done[2], "3", "stupid"), ctx)  # held: not counted
    await reviews.leave(by_student(done[3], "5"), ctx)
    await reviews.edit(by_student(done[3], "4", "idiot"), ctx)  # held by the edit
    await reviews.edit(by_student(done[2], "4", "fine"), ctx)  # still held
    await reviews.release(
        reviews.ReleaseReviews(MODERATOR, done[2]), ctx
    )  # counted from now on, with 4 stars
    for booking_id in done:  # the tutor's reviews of the student: never a tutor rating
        await reviews.leave(by_tutor(booking_id, "1"), ctx)


EXPECTED = {TUTOR_ID: ReviewCounts(3, 11), STUDENT_ID: ReviewCounts()}


async def test_every_review_change_keeps_the_tutors_counts(service_context, clock, uow_factory):
    await history(service_context, clock)

    assert await kept(uow_factory) == await truth(uow_factory) == EXPECTED
    async with uow_factory(read_only=True) as uow:
        stats = await uow.reviews.stats_of(GUILD, USERS)
    assert set(stats) == {TUTOR_ID}
    assert (stats[TUTOR_ID].count, stats[TUTOR_ID].mean) == (3, 11 / 3)


async def test_changes_of_one_review_at_once_never_count_twice(service_context, clock, uow_factory):
    await build_world(service_context, clock)
    done = await sessions_held(service_context, clock, 2)
    await reviews.leave(by_student(done[0], "5"), service_context)
    await reviews.leave(by_student(done[1], "1", "moron"), service_context)

    results = await asyncio.wait_for(
        asyncio.gather(
            reviews.edit(by_student(done[0], "2"), service_context),
            reviews.edit(by_student(done[0], "3"), service_context),
            reviews.release(reviews.ReleaseReviews(MODERATOR, done[1]), service_context),
            reviews.release(reviews.ReleaseReviews(MODERATOR, done[1]), service_context),
            return_exceptions=True,
        ),
        timeout=30,
    )

    assert not [r for r in results[:3] if isinstance(r, BaseException)]
    counts = await kept(uow_factory)
    assert counts == await truth(uow_factory)
    assert counts[TUTOR_ID].count == 2


async def _kept_at(url: str) -> dict[int, ReviewCounts]:
    async with units_of_work(url) as factory:
        return await kept(factory)


async def test_the_migration_backfills_the_counts_the_repository_keeps(empty_database_url, clock):
    await asyncio.to_thread(upgrade, empty_database_url)
    async with units_of_work(empty_database_url) as factory:
        await history(ServiceContext(uow=factory, clock=clock), clock)
    before = await _kept_at(empty_database_url)

    await asyncio.to_thread(downgrade, empty_database_url, "0011")
    await asyncio.to_thread(upgrade, empty_database_url)

    assert before == EXPECTED
    assert await _kept_at(empty_database_url) == EXPECTED
