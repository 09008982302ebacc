"""Completion counts on the tutor's profile, on both backends: kept, searched, backfilled."""

import asyncio
from datetime import timedelta

from marketplace.domain.booking import BookingState
from marketplace.domain.profiles import Level
from marketplace.domain.ranking import CompletionCounts
from marketplace.domain.settlement import Outcome
from marketplace.services import bookings, sessions
from marketplace.services.context import ServiceContext
from marketplace.storage.migrate import downgrade, upgrade
from tests.services.marketplace_world import (
    GUILD,
    NOW,
    STUDENT_ID,
    TUTOR_ID,
    actor,
    add_tutor,
    at,
    book_cmd,
    build_world,
)
from tests.storage.opened import units_of_work

START = at(2, 10)
HOUR = timedelta(hours=1)


async def _counts(uow_factory, tutor_id: int) -> CompletionCounts:
    async with uow_factory(read_only=True) as uow:
        return await uow.search.completion_of(GUILD, tutor_id)


async def test_additions_accumulate_and_reach_the_search_candidates(
    service_context, clock, uow_factory
):
    await build_world(service_context, clock)

    for tally in (CompletionCounts(held=2), CompletionCounts(), CompletionCounts(dropped=1)):
        async with uow_factory() as uow:
            await uow.search.add_completion(GUILD, TUTOR_ID, tally)
            await uow.commit()
    async with uow_factory() as uow:  # not committed: gone
        await uow.search.add_completion(GUILD, TUTOR_ID, CompletionCounts(held=5))

    assert await _counts(uow_factory, TUTOR_ID) == CompletionCounts(held=2, dropped=1)
    assert await _counts(uow_factory, 999) == CompletionCounts()
    async with uow_factory(read_only=True) as uow:
        (candidate,) = await uow.search.candidates(
            GUILD, "calculus", level=Level.BEGINNER, max_rate_minor=None,
            viewer_id=STUDENT_ID, now=NOW, min_reviews_for_rating=3,
        )  # fmt: skip
    assert candidate.completion == CompletionCounts(held=2, dropped=1)


async def test_sessions_of_one_tutor_ending_at_once_lose_no_count(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock, instant=True)
    booked = [
        await bookings.book(
            book_cmd(world.student, TUTOR_ID, START + 2 * n * HOUR), service_context
        )
        for n in range(5)
    ]
    clock.set(START + 10 * HOUR)

    results = await asyncio.wait_for(
        asyncio.gather(
            *(
                sessions.complete(
                    sessions.CompleteSession(world.student, b.booking_id), service_context
                )
                for b in booked
            ),
            return_exceptions=True,
        ),
        timeout=30,
    )

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert await _counts(uow_factory, TUTOR_ID) == CompletionCounts(held=5)


async def _history(ctx: ServiceContext, clock) -> None:
    """Tutor 21 (instant): held 1, dropped 2; tutor 22 (requests): dropped 1; 23: nothing."""
    world = await build_world(ctx, clock, instant=True)
    await add_tutor(ctx, 22)
    await add_tutor(ctx, 23)
    tutor_22 = actor(22)
    ended = {
        outcome: await bookings.book(book_cmd(world.student, TUTOR_ID, START + 2 * n * HOUR), ctx)
        for n, outcome in enumerate(Outcome)
    }
    for canceller in (world.tutor, world.student):
        booking = await bookings.book(book_cmd(world.student, TUTOR_ID, at(3, 10)), ctx)
        await bookings.cancel(bookings.CancelBooking(canceller, booking.booking_id), ctx)
    request = await bookings.book(book_cmd(world.student, 22, at(4, 10)), ctx)
    await bookings.cancel(
        bookings.CancelBooking(tutor_22, request.booking_id), ctx
    )  # never confirmed
    accepted = await bookings.book(book_cmd(world.student, 22, at(4, 12)), ctx)
    await bookings.accept(bookings.AcceptBooking(tutor_22, accepted.booking_id), ctx)
    cancelled = await bookings.cancel(bookings.CancelBooking(tutor_22, accepted.booking_id), ctx)
    assert cancelled.state is BookingState.CANCELLED
    clock.set(START + 10 * HOUR)
    for outcome, booking in ended.items():
        await sessions.record_outcome(booking.booking_id, outcome, ctx)


EXPECTED = {
    # completed + late_start held; tutor_no_show + the confirmed booking the tutor cancelled
    TUTOR_ID: CompletionCounts(held=2, dropped=2),
    22: CompletionCounts(dropped=1),
    23: CompletionCounts(),
}


async def _all_counts(url: str) -> dict[int, CompletionCounts]:
    async with units_of_work(url) as factory:
        return {tutor: await _counts(factory, tutor) for tutor in EXPECTED}


async def test_the_migration_backfills_the_counts_the_services_keep(empty_database_url, clock):
    await asyncio.to_thread(upgrade, empty_database_url)
    async with units_of_work(empty_database_url) as factory:
        await _history(ServiceContext(uow=factory, clock=clock), clock)
    kept = await _all_counts(empty_database_url)

    await asyncio.to_thread(downgrade, empty_database_url, "0010")
    await asyncio.to_thread(upgrade, empty_database_url)

    assert kept == EXPECTED
    assert await _all_counts(empty_database_url) == EXPECTED
