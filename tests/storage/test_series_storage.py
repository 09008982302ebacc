"""Weekly series through the real services, on SQLite and PostgreSQL.

One request books every week that fits; the tutor answers once for all of them; a week
that clashes is listed and skipped; the tutor's wall-clock time holds across DST.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.errors import ConflictError, InputError, NotFoundError
from marketplace.domain.series import SavedCard
from marketplace.jobs import JobRunner
from marketplace.services import bookings, series, series_moves
from marketplace.services.context import ServiceContext
from marketplace.services.job_handlers import Handlers
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import (
    TUTOR_ID,
    RecordingNotifier,
    action_rows,
    add_student,
    at,
    book_cmd,
    booking_rows,
    build_world,
    pending,
)
from tests.services.paid_world import paid_world


def _series(student, start, weeks=4, **changes) -> series.BookSeries:
    return series.BookSeries(book_cmd(student, TUTOR_ID, start, **changes), weeks)


def _notices(rows, kind: str) -> list:
    return [r for r in rows if r.payload.get("notice") == kind]


async def test_one_request_books_every_week_and_one_accept_confirms_them(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)

    plan = await series.plan(_series(world.student, at(3, 10)), service_context)
    assert [w.bookable for w in plan.weeks] == [True] * 4
    booked = await series.book(_series(world.student, at(3, 10)), service_context)

    rows = await booking_rows(uow_factory)
    assert [(r.start_at, r.state) for r in rows] == [
        (at(day, 10), "requested") for day in (3, 10, 17, 24)
    ]
    assert len({r.expires_at for r in rows}) == 1  # one answer deadline for the series
    requests = _notices(await action_rows(uow_factory, "notify"), "series_requested")
    assert [(r.user_id, r.payload["count"]) for r in requests] == [(TUTOR_ID, "4")]
    assert not _notices(await action_rows(uow_factory, "notify"), "booking_requested")
    assert len(await pending(uow_factory, "expire_request")) == 4

    accepted = await series.accept(
        series.OnSeries(world.tutor, booked.series.series_id), service_context
    )

    assert len(accepted) == 4
    assert {r.state for r in await booking_rows(uow_factory)} == {"confirmed"}
    assert len(await pending(uow_factory, "reminder")) == 4 * 2  # two offsets per week
    confirmed = _notices(await action_rows(uow_factory, "notify"), "series_confirmed")
    assert [r.user_id for r in confirmed] == [world.student.user_id]
    with pytest.raises(ConflictError, match="series_answered"):
        await series.accept(series.OnSeries(world.tutor, booked.series.series_id), service_context)


async def test_a_week_that_clashes_is_listed_then_skipped(service_context, clock, uow_factory):
    world = await build_world(service_context, clock, instant=True)
    other = await add_student(service_context, 12)
    await bookings.book(book_cmd(other, TUTOR_ID, at(10, 10)), service_context)

    plan = await series.plan(_series(world.student, at(3, 10), weeks=3), service_context)
    assert [w.bookable for w in plan.weeks] == [True, False, True]
    assert isinstance(plan.weeks[1].refusal, ConflictError)
    booked = await series.book(_series(world.student, at(3, 10), weeks=3), service_context)

    assert [b.start for b in booked.bookings] == [at(3, 10), at(17, 10)]
    assert [w.week.index for w in booked.skipped] == [1]
    assert {b.state.value for b in booked.bookings} == {"confirmed"}  # instant booking
    ours = [r for r in await booking_rows(uow_factory) if r.student_id == world.student.user_id]
    assert len(ours) == 2


async def test_declining_declines_every_week_and_tells_the_student_once(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    booked = await series.book(_series(world.student, at(3, 10), weeks=3), service_context)

    with pytest.raises(NotFoundError):  # only the tutor answers
        await series.decline(
            series.OnSeries(world.student, booked.series.series_id), service_context
        )
    declined = await series.decline(
        series.OnSeries(world.tutor, booked.series.series_id), service_context
    )

    assert len(declined) == 3
    assert {r.state for r in await booking_rows(uow_factory)} == {"declined"}
    told = _notices(await action_rows(uow_factory, "notify"), "booking_declined")
    assert [r.user_id for r in told] == [world.student.user_id]


async def test_an_unanswered_series_expires_with_one_notice_per_side(
    service_context, clock, uow_factory, database
):
    world = await build_world(service_context, clock)
    await series.book(_series(world.student, at(3, 10), weeks=3), service_context)
    (deadline,) = {r.expires_at for r in await booking_rows(uow_factory)}
    clock.set(deadline + timedelta(minutes=1))
    notifier = RecordingNotifier()
    runner = JobRunner(
        SqlActionQueue(database, clock=clock), Handlers(service_context, notifier).by_kind(), clock
    )

    while await runner.sweep():
        pass

    assert {r.state for r in await booking_rows(uow_factory)} == {"expired"}
    expired = [n.user_id for n in notifier.notices if n.kind.value == "booking_expired"]
    assert sorted(expired) == sorted([world.student.user_id, TUTOR_ID])


async def test_the_weeks_keep_the_tutors_time_across_the_autumn_clock_change(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock, now=datetime(2026, 10, 13, 9, tzinfo=UTC))
    first = datetime(2026, 10, 15, 14, tzinfo=UTC)  # Thursday 16:00 in Berlin, summer time

    await series.book(_series(world.student, first, weeks=3), service_context)

    starts = [r.start_at for r in await booking_rows(uow_factory)]
    assert starts == [first, first + timedelta(weeks=1), first + timedelta(weeks=2, hours=1)]


async def test_bad_series_are_refused_and_write_nothing(service_context, clock, uow_factory):
    world = await build_world(service_context, clock)
    with pytest.raises(InputError) as too_long:
        await series.plan(_series(world.student, at(3, 10), weeks=17), service_context)
    assert too_long.value.field == "weeks"
    with pytest.raises(ConflictError, match="self_booking"):
        await series.book(_series(world.tutor, at(3, 10)), service_context)
    with pytest.raises(ConflictError, match="not_available"):  # 23:00 Berlin, every week
        await series.book(_series(world.student, at(3, 22)), service_context)
    assert await booking_rows(uow_factory) == []


async def test_cancelling_a_week_and_the_following_leaves_the_earlier_weeks(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock, instant=True)
    booked = await series.book(_series(world.student, at(3, 10)), service_context)
    second = booked.bookings[1]

    cancelled = await series.cancel_following(
        series.CancelFollowing(world.student, second.booking_id, "New timetable"), service_context
    )

    assert [b.start for b in cancelled] == [at(10, 10), at(17, 10), at(24, 10)]
    states = [(r.start_at, r.state) for r in await booking_rows(uow_factory)]
    assert states == [
        (at(3, 10), "confirmed"),
        (at(10, 10), "cancelled"),
        (at(17, 10), "cancelled"),
        (at(24, 10), "cancelled"),
    ]
    told = _notices(await action_rows(uow_factory, "notify"), "series_cancelled")
    assert sorted(r.user_id for r in told) == sorted([world.student.user_id, TUTOR_ID])
    assert told[0].payload["reason"] == "New timetable"
    assert not _notices(await action_rows(uow_factory, "notify"), "booking_cancelled")
    single = await bookings.book(book_cmd(world.student, TUTOR_ID, at(4, 12)), service_context)
    with pytest.raises(ConflictError, match="not_a_series"):
        await series.cancel_following(
            series.CancelFollowing(world.student, single.booking_id), service_context
        )


async def test_a_paid_series_saves_the_card_once_and_holds_each_week_before_it(
    database, uow_factory, clock
):
    async with paid_world(database, uow_factory, clock) as paid:
        student = paid.world.student
        plan = await series.plan(_series(student, at(3, 10)), paid.ctx)
        assert [w.bookable for w in plan.weeks] == [True] * 4
        booked = await series.book(_series(student, at(3, 10)), paid.ctx)
        rows = await booking_rows(uow_factory)
        assert [r.state for r in rows] == ["awaiting_payment"] * 4
        first = booked.bookings[0]
        await paid.open_checkout(first)
        async with paid.ctx.uow(read_only=True) as uow:
            session_id = await uow.series.card_setup(booked.series.series_id)
        assert session_id is not None
        await paid.fake.save_card(session_id)
        await paid.deliver()
        await series.accept(series.OnSeries(paid.tutor, booked.series.series_id), paid.ctx)
        await paid.later(timedelta(hours=1))
        assert [r.state for r in await booking_rows(uow_factory)] == ["confirmed"] * 4
        assert (await paid.payment(first.booking_id)).authorized
        assert not (await paid.payment(booked.bookings[1].booking_id)).authorized
        assert (await paid.ledger()).ok


async def test_saved_cards_are_one_per_member_and_guild(database, uow_factory, clock):
    world = await build_world(ServiceContext(uow=uow_factory, clock=clock), clock)
    guild, user = world.student.guild_id, world.student.user_id
    async with uow_factory() as uow:
        await uow.saved_cards.add_customer(guild, user, "cus_1", clock.now())
        await uow.saved_cards.add_customer(guild, user, "cus_2", clock.now())
        await uow.saved_cards.save(SavedCard(guild, user, "cus_1", "pm_1", clock.now()))
        await uow.saved_cards.save(SavedCard(guild, user, "cus_1", "pm_2", clock.now()))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.saved_cards.customer(guild, user) == "cus_1"
        card = await uow.saved_cards.card(guild, user)
        assert card is not None
        assert card.payment_method_id == "pm_2"
    async with uow_factory() as uow:
        assert await uow.saved_cards.forget(guild, user) == card
        assert await uow.saved_cards.forget(guild, user) is None
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.saved_cards.card(guild, user) is None


async def _accepted_series(service_context, world, weeks=4):
    booked = await series.book(_series(world.student, at(3, 10), weeks=weeks), service_context)
    await series.accept(series.OnSeries(world.tutor, booked.series.series_id), service_context)
    return booked.bookings


async def test_moving_this_and_the_following_weeks_is_answered_once(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    weeks = await _accepted_series(service_context, world)
    other = await add_student(service_context, 12)
    await bookings.book(book_cmd(other, TUTOR_ID, at(18, 11)), service_context)
    move = series_moves.MoveFollowing(world.student, weeks[1].booking_id, at(11, 11))

    plan = await series_moves.plan(move, service_context)
    assert [p.week.start for p in plan.plan.weeks] == [at(11, 11), at(18, 11), at(25, 11)]
    assert [p.bookable for p in plan.plan.weeks] == [True, False, True]  # the 18th is taken
    proposed = await series_moves.move_following(move, service_context)
    assert [b.proposed_start for b in proposed] == [at(11, 11), at(25, 11)]
    asked = _notices(await action_rows(uow_factory, "notify"), "series_move_requested")
    assert [(r.user_id, r.payload["count"]) for r in asked] == [(TUTOR_ID, "2")]
    assert not _notices(await action_rows(uow_factory, "notify"), "reschedule_requested")

    with pytest.raises(ConflictError, match="series_answered"):  # not the proposer's to answer
        await series_moves.answer_move(
            series_moves.AnswerMove(world.student, weeks[1].booking_id, True), service_context
        )
    moved = await series_moves.answer_move(
        series_moves.AnswerMove(world.tutor, weeks[1].booking_id, True), service_context
    )

    assert [b.start for b in moved] == [at(11, 11), at(25, 11)]
    starts = [r.start_at for r in await booking_rows(uow_factory) if r.student_id == 11]
    assert starts == [at(3, 10), at(11, 11), at(17, 10), at(25, 11)]
    told = _notices(await action_rows(uow_factory, "notify"), "series_moved")
    assert sorted(r.user_id for r in told) == sorted([world.student.user_id, TUTOR_ID])
    with pytest.raises(ConflictError, match="series_answered"):
        await series_moves.answer_move(
            series_moves.AnswerMove(world.tutor, weeks[1].booking_id, True), service_context
        )


async def test_a_declined_move_keeps_every_week_and_tells_the_proposer(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    weeks = await _accepted_series(service_context, world, weeks=3)
    move = series_moves.MoveFollowing(world.tutor, weeks[0].booking_id, at(3, 12))
    await series_moves.move_following(move, service_context)
    kept = await series_moves.answer_move(
        series_moves.AnswerMove(world.student, weeks[0].booking_id, False), service_context
    )
    assert len(kept) == 3
    rows = await booking_rows(uow_factory)
    assert [r.start_at for r in rows] == [at(3, 10), at(10, 10), at(17, 10)]
    assert all(r.proposed_start is None for r in rows)
    told = _notices(await action_rows(uow_factory, "notify"), "series_move_declined")
    assert [r.user_id for r in told] == [TUTOR_ID]


async def test_an_instant_tutors_series_moves_at_once_and_a_single_booking_is_refused(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock, instant=True)
    booked = await series.book(_series(world.student, at(3, 10), weeks=2), service_context)
    move = series_moves.MoveFollowing(world.student, booked.bookings[0].booking_id, at(4, 10))
    moved = await series_moves.move_following(move, service_context)
    assert [b.start for b in moved] == [at(4, 10), at(11, 10)]
    assert len(_notices(await action_rows(uow_factory, "notify"), "series_moved")) == 2
    single = await bookings.book(book_cmd(world.student, TUTOR_ID, at(5, 12)), service_context)
    with pytest.raises(ConflictError, match="not_a_series"):
        await series_moves.plan(
            series_moves.MoveFollowing(world.student, single.booking_id, at(6, 12)),
            service_context,
        )
