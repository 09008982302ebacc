"""Group sessions through the real services, on SQLite and PostgreSQL.

A group holds the tutor's time; each seat is a booking; a full group has a waitlist whose
first member is offered a freed seat for a while; too few seats call it off with refunds.
No seat is sold twice, however many students race for the last one.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.errors import ConflictError, InputError
from marketplace.domain.money import Money
from marketplace.jobs import JobRunner
from marketplace.services import bookings, checkout, groups, guild_admin, search, sessions
from marketplace.services.job_handlers import Handlers
from marketplace.storage.models import GroupSessionRow, GroupWaitlistRow
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import (
    TUTOR_ID,
    RecordingNotifier,
    action_rows,
    actor,
    add_student,
    at,
    book_cmd,
    booking_rows,
    build_world,
    failure_summary,
)
from tests.services.paid_world import paid_world

START = "December 4 2026 17:00"  # Friday 17:00 Berlin = 16:00 UTC
START_UTC = at(4, 16)


def _create(world, seats=3, **changes) -> groups.CreateGroup:
    options = {"subject_key": "calculus", "when": START, "seats": seats, "duration_minutes": 60}
    return groups.CreateGroup(world.tutor, **(options | changes))


async def _students(ctx, count, first=100):
    return [await add_student(ctx, first + n) for n in range(count)]


def _runner(ctx, database, clock, notifier=None):
    handlers = Handlers(ctx, notifier or RecordingNotifier()).by_kind()
    return JobRunner(SqlActionQueue(database, clock=clock), handlers, clock)


async def _sweep(runner):
    while await runner.sweep():
        pass


async def _waitlist(uow_factory):
    async with uow_factory(read_only=True) as uow:
        rows = await uow.session.scalars(select(GroupWaitlistRow).order_by(GroupWaitlistRow.id))
        return [(row.user_id, row.state) for row in rows]


def _notices(rows, kind):
    return [row.user_id for row in rows if row.payload.get("notice") == kind]


async def test_a_group_holds_the_tutors_time_and_each_seat_is_a_confirmed_booking(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    group = (await groups.create(_create(world), service_context)).group
    assert (group.start, group.end, group.seats, group.price) == (
        START_UTC,
        START_UTC + timedelta(hours=1),
        3,
        None,
    )

    seat = await groups.join(groups.OnGroup(world.student, group.group_id), service_context)

    assert seat.booking.state.value == "confirmed"
    assert seat.booking.group_id == group.group_id
    (listed,) = await groups.listed(groups.ListGroups(world.student), service_context)
    assert (listed.seats.taken, listed.seats.free) == (1, 2)
    other = await add_student(service_context, 12)
    with pytest.raises(ConflictError, match="slot_taken"):  # the group holds this hour
        await bookings.book(book_cmd(other, TUTOR_ID, START_UTC), service_context)
    with pytest.raises(ConflictError, match="slot_taken"):  # and one group is enough
        await groups.create(_create(world), service_context)
    with pytest.raises(ConflictError, match="group_already_seated"):
        await groups.join(groups.OnGroup(world.student, group.group_id), service_context)
    reminders = await action_rows(uow_factory, "reminder")
    assert {row.booking_id for row in reminders} == {seat.booking.booking_id}


async def test_a_group_cannot_take_time_the_tutor_has_booked(service_context, clock):
    world = await build_world(service_context, clock, instant=True)
    await bookings.book(book_cmd(world.student, TUTOR_ID, START_UTC), service_context)

    with pytest.raises(ConflictError, match="slot_taken"):
        await groups.create(_create(world), service_context)


async def test_bad_input_is_refused_and_nothing_is_written(service_context, clock, uow_factory):
    world = await build_world(service_context, clock)

    with pytest.raises(InputError, match="seats"):
        await groups.create(_create(world, seats=1), service_context)
    with pytest.raises(InputError, match="seats"):
        await groups.create(_create(world, seats=26), service_context)
    with pytest.raises(InputError, match="when"):
        await groups.create(_create(world, when="yesterday 5pm"), service_context)
    with pytest.raises(ConflictError, match="group_not_a_tutor"):
        await groups.create(
            groups.CreateGroup(world.student, "calculus", START, 3, 60), service_context
        )
    with pytest.raises(ConflictError, match="group_subject_not_taught"):
        await groups.create(_create(world, subject_key="physics"), service_context)
    with pytest.raises(ConflictError, match="group_price_unpaid_server"):
        await groups.create(_create(world, price="$10"), service_context)
    async with uow_factory(read_only=True) as uow:
        assert not (await uow.session.scalars(select(GroupSessionRow))).all()


async def test_a_freed_seat_is_offered_to_the_first_in_line_then_passes_on(
    service_context, clock, uow_factory, database
):
    world = await build_world(service_context, clock)
    group = (await groups.create(_create(world, seats=2), service_context)).group
    seated = await _students(service_context, 2)
    first_seat = await groups.join(groups.OnGroup(seated[0], group.group_id), service_context)
    await groups.join(groups.OnGroup(seated[1], group.group_id), service_context)
    waiting = await _students(service_context, 2, first=200)
    with pytest.raises(ConflictError, match="group_full"):
        await groups.join(groups.OnGroup(waiting[0], group.group_id), service_context)
    spots = [
        await groups.join_waitlist(groups.OnGroup(who, group.group_id), service_context)
        for who in waiting
    ]
    assert [spot.position for spot in spots] == [1, 2]

    await bookings.cancel(
        bookings.CancelBooking(seated[0], first_seat.booking.booking_id), service_context
    )

    offered = _notices(await action_rows(uow_factory, "notify"), "seat_offered")
    assert offered == [waiting[0].user_id]
    latecomer = await add_student(service_context, 300)
    with pytest.raises(ConflictError, match="group_full"):  # the seat is held for the offer
        await groups.join(groups.OnGroup(latecomer, group.group_id), service_context)
    with pytest.raises(ConflictError, match="seat_offer_gone"):  # not theirs to claim
        await groups.claim(groups.OnGroup(waiting[1], group.group_id), service_context)

    clock.advance(timedelta(minutes=31))  # waitlist_claim_minutes is 30
    await _sweep(_runner(service_context, database, clock))

    assert await _waitlist(uow_factory) == [
        (waiting[0].user_id, "passed"),
        (waiting[1].user_id, "offered"),
    ]
    with pytest.raises(ConflictError, match="seat_offer_gone"):
        await groups.claim(groups.OnGroup(waiting[0], group.group_id), service_context)
    seat = await groups.claim(groups.OnGroup(waiting[1], group.group_id), service_context)
    assert seat.booking.state.value == "confirmed"
    assert (await _waitlist(uow_factory))[1] == (waiting[1].user_id, "claimed")


async def test_too_few_seats_a_day_before_calls_it_off_for_everyone(
    service_context, clock, uow_factory, database
):
    world = await build_world(service_context, clock)
    await service_context_setting(service_context, world, "min_seats", "2")
    group = (await groups.create(_create(world), service_context)).group
    seat = await groups.join(groups.OnGroup(world.student, group.group_id), service_context)

    clock.set(START_UTC - timedelta(hours=24))
    await _sweep(_runner(service_context, database, clock))

    rows = {row.id: row for row in await booking_rows(uow_factory)}
    assert rows[seat.booking.booking_id].state == "cancelled"
    assert rows[seat.booking.booking_id].cancelled_by == "system"
    told = _notices(await action_rows(uow_factory, "notify"), "group_cancelled")
    assert sorted(told) == sorted([world.student.user_id, TUTOR_ID])
    with pytest.raises(ConflictError, match="group_cancelled"):
        await groups.join(groups.OnGroup(world.student, group.group_id), service_context)
    other = await add_student(service_context, 12)  # the tutor's hour is free again
    clock.set(START_UTC - timedelta(hours=26))
    booked = await bookings.book(book_cmd(other, TUTOR_ID, START_UTC), service_context)
    assert booked.state.value == "requested"


async def test_enough_seats_lets_it_go_ahead(service_context, clock, uow_factory, database):
    world = await build_world(service_context, clock)
    group = (await groups.create(_create(world), service_context)).group
    await groups.join(groups.OnGroup(world.student, group.group_id), service_context)

    clock.set(START_UTC - timedelta(hours=24))
    await _sweep(_runner(service_context, database, clock))

    assert {row.state for row in await booking_rows(uow_factory)} == {"confirmed"}


async def test_the_tutor_leaving_calls_it_off_and_a_student_leaving_gives_their_seat(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    group = (await groups.create(_create(world), service_context)).group
    seat = await groups.join(groups.OnGroup(world.student, group.group_id), service_context)

    left = await groups.leave(groups.OnGroup(world.student, group.group_id), service_context)
    assert (left.what, left.seat.booking_id) == ("seat", seat.booking.booking_id)
    stranger = await add_student(service_context, 12)
    with pytest.raises(ConflictError, match="group_not_member"):
        await groups.leave(groups.OnGroup(stranger, group.group_id), service_context)

    called_off = await groups.leave(groups.OnGroup(world.tutor, group.group_id), service_context)

    assert (called_off.what, called_off.told) == ("called_off", 1)
    (row,) = await booking_rows(uow_factory)
    assert (row.state, row.cancelled_by) == ("cancelled", "tutor")
    told = _notices(await action_rows(uow_factory, "notify"), "group_cancelled")
    assert told == [world.student.user_id]


async def test_fifty_students_racing_for_the_last_seat_get_exactly_one(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    group = (await groups.create(_create(world, seats=3), service_context)).group
    for who in await _students(service_context, 2):
        await groups.join(groups.OnGroup(who, group.group_id), service_context)

    racers = [
        groups.join(groups.OnGroup(actor(1000 + n), group.group_id), service_context)
        for n in range(50)
    ]
    results = await asyncio.wait_for(asyncio.gather(*racers, return_exceptions=True), 60)

    assert len([r for r in results if isinstance(r, groups.Seat)]) == 1
    assert failure_summary(results) == {"ConflictError: group_full": 49}
    live = [row for row in await booking_rows(uow_factory) if row.live]
    assert len(live) == 3


async def test_a_group_and_a_booking_racing_for_the_tutors_hour_leave_one_winner(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock, instant=True)
    students = await _students(service_context, 10)

    attempts = [groups.create(_create(world), service_context)] + [
        bookings.book(book_cmd(who, TUTOR_ID, START_UTC), service_context) for who in students
    ]
    results = await asyncio.wait_for(asyncio.gather(*attempts, return_exceptions=True), 60)

    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert failure_summary(results) == {"ConflictError: slot_taken": 10}
    async with uow_factory(read_only=True) as uow:
        live_groups = (await uow.session.scalars(select(GroupSessionRow))).all()
    live_bookings = [row for row in await booking_rows(uow_factory) if row.live]
    assert len(live_groups) + len(live_bookings) == 1


async def service_context_setting(ctx, world, key, value):
    admin = replace(actor(900), has_manage_guild=True)
    await guild_admin.change_setting(guild_admin.ChangeSetting(admin, key, value), ctx)


async def _pay_seat(paid, who, seat):
    link = await checkout.link_for(checkout.CheckoutLink(who, seat.booking.booking_id), paid.ctx)
    await checkout.start_checkout(link.rsplit("/", 1)[1], paid.ctx)
    await paid.fake.pay(await paid.session_id(seat.booking), "4242424242424242")
    await paid.deliver()
    await paid.sweep()


async def test_paid_seats_are_each_held_then_paid_out_together_after_the_dispute_window(
    database, uow_factory, clock
):
    async with paid_world(database, uow_factory, clock) as paid:
        published = await groups.create(
            groups.CreateGroup(paid.tutor, "calculus", "2026-12-03 17:00", 3, 60, price="12"),
            paid.ctx,
        )
        group = published.group
        assert group.price == Money(1200, "USD")
        second = await add_student(paid.ctx, 12)
        seats = []
        for who in (paid.student, second):
            seat = await groups.join(groups.OnGroup(who, group.group_id), paid.ctx)
            assert seat.booking.state.value == "awaiting_payment"
            assert seat.price.rate == Money(1200, "USD")
            await _pay_seat(paid, who, seat)
            assert (await paid.booking(seat.booking.booking_id)).state.value == "confirmed"
            seats.append(seat)
        unpaid = await groups.join(
            groups.OnGroup(await add_student(paid.ctx, 13), group.group_id), paid.ctx
        )
        await paid.later(timedelta(minutes=31))  # its checkout expired: the seat is free again
        assert (await paid.booking(unpaid.booking.booking_id)).state.value == "expired"

        paid.clock.set(group.end + timedelta(minutes=1))
        for who, seat in zip((paid.student, second), seats, strict=True):
            await sessions.complete(
                sessions.CompleteSession(who, seat.booking.booking_id), paid.ctx
            )
        await paid.sweep()
        await paid.later(timedelta(hours=49))

        transfers = [o for o in paid.fake.store.objects.values() if o.get("object") == "transfer"]
        assert sorted(t["amount"] for t in transfers) == [1200, 1200]
        report = await paid.ledger()
        assert report.ok, report.summary()


async def test_a_called_off_paid_group_refunds_every_seat_in_full(database, uow_factory, clock):
    async with paid_world(database, uow_factory, clock) as paid:
        published = await groups.create(
            groups.CreateGroup(paid.tutor, "calculus", "2026-12-03 17:00", 3, 60), paid.ctx
        )
        group = published.group
        assert group.price == Money(2500, "USD")  # the tutor's hourly rate, for an hour
        seat = await groups.join(groups.OnGroup(paid.student, group.group_id), paid.ctx)
        await _pay_seat(paid, paid.student, seat)

        await groups.leave(groups.OnGroup(paid.tutor, group.group_id), paid.ctx)
        await paid.sweep()
        await paid.deliver()

        payment = await paid.payment(seat.booking.booking_id)
        assert payment.captured == 0
        assert (await paid.intent(seat.booking.booking_id))["status"] == "canceled"
        report = await paid.ledger()
        assert report.ok, report.summary()


async def test_search_for_the_groups_hour_leaves_out_its_tutor(service_context, clock):
    world = await build_world(service_context, clock)
    await groups.create(_create(world), service_context)

    busy = await search.find(
        search.FindTutors(world.student, "calculus", None, START, None, "best"), service_context
    )
    free = await search.find(
        search.FindTutors(world.student, "calculus", None, "December 4 2026 11:00", None, "best"),
        service_context,
    )

    assert [hit.tutor_id for hit in busy.hits] == []
    assert [hit.tutor_id for hit in free.hits] == [TUTOR_ID]


async def test_the_member_an_offer_holds_a_seat_for_may_take_it_with_join_too(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    group = (await groups.create(_create(world, seats=2), service_context)).group
    seated = await _students(service_context, 2)
    first = await groups.join(groups.OnGroup(seated[0], group.group_id), service_context)
    await groups.join(groups.OnGroup(seated[1], group.group_id), service_context)
    waiting = await add_student(service_context, 200)
    await groups.join_waitlist(groups.OnGroup(waiting, group.group_id), service_context)
    await bookings.cancel(
        bookings.CancelBooking(seated[0], first.booking.booking_id), service_context
    )

    seat = await groups.join(groups.OnGroup(waiting, group.group_id), service_context)

    assert seat.booking.state.value == "confirmed"
    assert await _waitlist(uow_factory) == [(waiting.user_id, "claimed")]
