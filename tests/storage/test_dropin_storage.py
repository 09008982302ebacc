"""Drop-in office hours through the real services, on SQLite and PostgreSQL.

A tutor opens hours, students queue, Next books the first in line a session that starts
now, Skip and Done end it; two tutors pressing Next at once call two different students.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.booking import BookingState
from marketplace.domain.dropin import VisitState
from marketplace.domain.errors import ConflictError, InputError
from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction
from marketplace.jobs import JobRunner
from marketplace.ports import NoticeKind
from marketplace.services import bookings, dropin
from marketplace.services.job_handlers import Handlers
from marketplace.storage.models import DropInVisitRow
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import (
    NOW,
    TUTOR_ID,
    RecordingNotifier,
    action_rows,
    add_student,
    add_tutor,
    at,
    book_cmd,
    booking_rows,
    build_world,
    pending,
)

CHANNEL = 9000


async def _open(ctx, tutor, **options) -> dropin.HoursOpened:
    return await dropin.open_hours(dropin.OpenHours(tutor, "calculus", CHANNEL, **options), ctx)


async def _queue(ctx, *user_ids: int) -> list:
    students = [await add_student(ctx, user_id) for user_id in user_ids]
    return [await dropin.join(dropin.JoinQueue(s, "calculus"), ctx) for s in students]


async def _visits(uow_factory) -> list[DropInVisitRow]:
    async with uow_factory(read_only=True) as uow:
        rows = await uow.session.scalars(select(DropInVisitRow).order_by(DropInVisitRow.id))
        found = list(rows)
        for row in found:
            uow.session.expunge(row)
        return found


def _claimed(row) -> ClaimedAction:
    return ClaimedAction(
        action_id=row.id, kind=ActionKind(row.kind), guild_id=row.guild_id,
        due_at=row.due_at, booking_id=row.booking_id, user_id=row.user_id,
        payload=row.payload, attempts=0,
    )  # fmt: skip


async def test_next_calls_the_first_in_line_and_books_the_two_a_session_now(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    opened = await _open(service_context, world.tutor)
    places = await _queue(service_context, 31, 32, 33)
    assert [p.position for p in places] == [1, 2, 3]
    assert [p.wait_minutes for p in places] == [10, 20, 30]  # the default 10-minute help

    called = await dropin.call_next(
        dropin.OnHours(world.tutor, opened.hours.hours_id), service_context
    )

    assert (called.visit.student_id, called.waiting) == (31, 2)
    (row,) = await booking_rows(uow_factory)
    assert (row.student_id, row.tutor_id, row.state) == (31, TUTOR_ID, "confirmed")
    assert (row.start_at, row.price_minor) == (NOW, None)
    kinds = {r.kind for r in await action_rows(uow_factory) if r.booking_id == row.id}
    assert kinds == {"open_space", "close_space", "notify"}  # no reminders, no attendance check
    (notice,) = [r for r in await action_rows(uow_factory, "notify") if r.booking_id == row.id]
    assert (notice.user_id, notice.payload["notice"]) == (31, "queue_called")


async def test_done_records_the_help_and_asks_the_student_the_survey(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    opened = await _open(service_context, world.tutor)
    await _queue(service_context, 31, 32)
    hours = dropin.OnHours(world.tutor, opened.hours.hours_id)
    called = await dropin.call_next(hours, service_context)
    clock.set(NOW + timedelta(minutes=14))

    finished = await dropin.done(hours, service_context)

    assert finished.help_minutes == 14
    (booking,) = await booking_rows(uow_factory)
    assert (booking.state, booking.end_at) == ("completed", NOW + timedelta(minutes=14))
    surveys = [
        r for r in await action_rows(uow_factory, "notify") if r.payload["notice"] == "survey"
    ]
    assert [(s.booking_id, s.user_id) for s in surveys] == [(called.booking.booking_id, 31)]
    # the next student's estimate now uses this queue's own 14-minute help
    place = await dropin.status(
        dropin.ByQueueStudent(await add_student(service_context, 32)), service_context
    )
    assert (place.position, place.wait_minutes) == (1, 14)


async def test_skip_sends_the_student_back_once_and_out_the_second_time(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    opened = await _open(service_context, world.tutor)
    await _queue(service_context, 31, 32)
    hours = dropin.OnHours(world.tutor, opened.hours.hours_id)

    await dropin.call_next(hours, service_context)  # 31
    clock.set(NOW + timedelta(minutes=1))
    back = await dropin.skip(hours, service_context)
    assert (back.state, back.skips) == (VisitState.WAITING, 1)
    second = await dropin.call_next(hours, service_context)
    assert second.visit.student_id == 32  # 31 went to the back of the line
    await dropin.done(hours, service_context)
    again = await dropin.call_next(hours, service_context)
    assert again.visit.student_id == 31
    out = await dropin.skip(hours, service_context)

    assert out.state is VisitState.SKIPPED
    states = [b.state for b in await booking_rows(uow_factory)]
    assert states == ["no_show", "completed", "no_show"]
    skipped = [
        r.payload
        for r in await action_rows(uow_factory, "notify")
        if r.payload["notice"] == "queue_skipped"
    ]
    assert [p.get("out", "") for p in skipped] == ["", "yes"]
    with pytest.raises(ConflictError, match="queue_empty"):
        await dropin.call_next(hours, service_context)


async def test_a_student_helped_recently_goes_behind_those_not_yet_helped(service_context, clock):
    world = await build_world(service_context, clock)
    opened = await _open(service_context, world.tutor)
    await _queue(service_context, 31)
    hours = dropin.OnHours(world.tutor, opened.hours.hours_id)
    await dropin.call_next(hours, service_context)
    await dropin.done(hours, service_context)

    clock.set(NOW + timedelta(minutes=5))
    again = await dropin.join(
        dropin.JoinQueue(await add_student(service_context, 31), "calculus"), service_context
    )
    clock.set(NOW + timedelta(minutes=6))
    (later,) = await _queue(service_context, 32)

    first = await add_student(service_context, 31)
    now = await dropin.status(dropin.ByQueueStudent(first), service_context)
    assert (again.position, later.position, now.position) == (1, 1, 2)  # 32 goes ahead
    called = await dropin.call_next(hours, service_context)
    assert called.visit.student_id == 32


async def test_two_tutors_pressing_next_at_once_call_two_different_students(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    other = await add_tutor(service_context, 22)
    opened = await _open(service_context, world.tutor)
    joined = await _open(service_context, other)
    assert (joined.joined, joined.hours.tutor_ids) == (True, (TUTOR_ID, 22))
    await _queue(service_context, 31, 32, 33)

    results = await asyncio.gather(
        dropin.call_next(dropin.OnHours(world.tutor, opened.hours.hours_id), service_context),
        dropin.call_next(dropin.OnHours(other, opened.hours.hours_id), service_context),
    )

    assert sorted(r.visit.student_id for r in results) == [31, 32]
    assert {r.visit.tutor_id for r in results} == {TUTOR_ID, 22}
    rows = await _visits(uow_factory)
    assert [r.state for r in rows] == ["helping", "helping", "waiting"]
    assert len(await booking_rows(uow_factory)) == 2


async def test_one_student_joining_twice_at_once_is_queued_once(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    await _open(service_context, world.tutor)
    student = await add_student(service_context, 31)

    results = await asyncio.gather(
        *(dropin.join(dropin.JoinQueue(student, "calculus"), service_context) for _ in range(5)),
        return_exceptions=True,
    )

    assert sum(isinstance(r, dropin.QueuePlace) for r in results) == 1
    assert all(
        isinstance(r, ConflictError) and r.reason == "queue_already_in"
        for r in results
        if not isinstance(r, dropin.QueuePlace)
    )
    assert len(await _visits(uow_factory)) == 1


async def test_closing_tells_those_waiting_and_offers_the_tutors_next_slot(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    opened = await _open(service_context, world.tutor)
    await _queue(service_context, 31, 32, 33)
    hours = dropin.OnHours(world.tutor, opened.hours.hours_id)
    await dropin.call_next(hours, service_context)

    with pytest.raises(ConflictError, match="queue_still_helping"):
        await dropin.close_hours(dropin.CloseHours(world.tutor), service_context)
    await dropin.done(hours, service_context)
    closed = await dropin.close_hours(dropin.CloseHours(world.tutor), service_context)

    assert (closed.ended, closed.told) == (True, 2)
    assert [r.state for r in await _visits(uow_factory)] == ["done", "closed", "closed"]
    told = [
        r for r in await action_rows(uow_factory, "notify") if r.payload["notice"] == "queue_closed"
    ]
    assert sorted(r.user_id for r in told) == [32, 33]
    assert told[0].payload["tutor"] == str(TUTOR_ID)
    assert told[0].payload["slot"]
    with pytest.raises(ConflictError, match="queue_not_open"):
        await dropin.join(
            dropin.JoinQueue(await add_student(service_context, 34), "calculus"), service_context
        )


async def test_a_second_tutor_leaving_keeps_the_hours_open(service_context, clock):
    world = await build_world(service_context, clock)
    other = await add_tutor(service_context, 22)
    await _open(service_context, world.tutor)
    await _open(service_context, other)

    left = await dropin.close_hours(dropin.CloseHours(other), service_context)

    assert (left.ended, left.told) == (False, 0)
    place = (await _queue(service_context, 31))[0]
    assert place.position == 1


async def test_the_hours_end_by_themselves_at_until_unless_extended(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    other = await add_tutor(service_context, 22)
    await _open(service_context, world.tutor)  # until NOW + 120 min (the default)
    await _queue(service_context, 31)
    clock.set(NOW + timedelta(minutes=30))
    await _open(service_context, other, until="15:00")  # 15:00 Berlin = 14:00 UTC: extends

    first, second = sorted(await pending(uow_factory, "close_hours"), key=lambda r: r.due_at)
    assert (first.due_at, second.due_at) == (NOW + timedelta(minutes=120), at(1, 14))
    clock.set(first.due_at)
    kept = await dropin.close_due(_claimed(first), service_context)
    assert kept.state is ActionState.SKIPPED
    clock.set(second.due_at)
    ended = await dropin.close_due(_claimed(second), service_context)

    assert ended.state is ActionState.DONE
    assert [r.state for r in await _visits(uow_factory)] == ["closed"]


async def test_next_refuses_when_the_tutor_has_a_booking_starting_now(service_context, clock):
    world = await build_world(service_context, clock, instant=True)
    booked = await bookings.book(
        book_cmd(world.student, TUTOR_ID, NOW + timedelta(hours=3)), service_context
    )
    assert booked.state is BookingState.CONFIRMED
    opened = await _open(service_context, world.tutor)
    await _queue(service_context, 31)
    clock.set(NOW + timedelta(hours=2, minutes=58))

    with pytest.raises(ConflictError, match="queue_tutor_busy"):
        await dropin.call_next(dropin.OnHours(world.tutor, opened.hours.hours_id), service_context)
    clock.set(NOW + timedelta(hours=2, minutes=30))  # 30 minutes free: the help ends before it
    called = await dropin.call_next(
        dropin.OnHours(world.tutor, opened.hours.hours_id), service_context
    )
    assert called.booking.end == booked.start


async def test_bad_input_is_refused_and_writes_nothing(service_context, clock, uow_factory):
    world = await build_world(service_context, clock)
    with pytest.raises(ConflictError, match="queue_subject_not_taught"):
        await dropin.open_hours(dropin.OpenHours(world.tutor, "physics", CHANNEL), service_context)
    with pytest.raises(InputError) as unknown:
        await dropin.open_hours(
            dropin.OpenHours(world.tutor, "basket-weaving", CHANNEL), service_context
        )
    assert unknown.value.field == "subject"
    with pytest.raises(ConflictError, match="queue_not_a_tutor"):
        await dropin.open_hours(
            dropin.OpenHours(world.student, "calculus", CHANNEL), service_context
        )
    for until, problem in (
        ("yesterday 3pm", "in_the_past"),
        ("2026-12-20 15:00", "too_far_ahead"),
        ("purple", "unparseable"),
    ):
        with pytest.raises(InputError) as bad:
            await _open(service_context, world.tutor, until=until)
        assert (bad.value.field, bad.value.problem) == ("until", problem), until
    with pytest.raises(ConflictError, match="queue_not_open"):
        await dropin.join(dropin.JoinQueue(world.student, "calculus"), service_context)
    opened = await _open(service_context, world.tutor)
    with pytest.raises(ConflictError, match="queue_own_hours"):
        await dropin.join(dropin.JoinQueue(world.tutor, "calculus"), service_context)
    with pytest.raises(InputError) as long_topic:
        await dropin.join(dropin.JoinQueue(world.student, "calculus", "x" * 201), service_context)
    assert long_topic.value.field == "topic"
    with pytest.raises(ConflictError, match="queue_not_your_hours"):
        await dropin.call_next(
            dropin.OnHours(world.student, opened.hours.hours_id), service_context
        )
    with pytest.raises(ConflictError, match="queue_not_in"):
        await dropin.leave(dropin.ByQueueStudent(world.student), service_context)
    assert await _visits(uow_factory) == []
    assert await booking_rows(uow_factory) == []


async def test_leaving_takes_the_student_out_and_moves_the_others_up(service_context, clock):
    world = await build_world(service_context, clock)
    await _open(service_context, world.tutor)
    await _queue(service_context, 31, 32)

    subject = await dropin.leave(
        dropin.ByQueueStudent(await add_student(service_context, 31)), service_context
    )

    assert subject == "Calculus"
    place = await dropin.status(
        dropin.ByQueueStudent(await add_student(service_context, 32)), service_context
    )
    assert place.position == 1


async def test_every_change_queues_one_refresh_of_the_queue_message(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    opened = await _open(service_context, world.tutor)
    await _queue(service_context, 31, 32)
    await dropin.call_next(dropin.OnHours(world.tutor, opened.hours.hours_id), service_context)

    shows = await action_rows(uow_factory, "show_queue")

    assert [r.payload["version"] for r in shows] == [1, 2, 3, 4]
    assert {r.payload["hours"] for r in shows} == {opened.hours.hours_id}


async def test_a_call_the_tutor_skipped_before_it_went_out_is_not_sent(
    service_context, clock, database
):
    world = await build_world(service_context, clock)
    opened = await _open(service_context, world.tutor)
    await _queue(service_context, 31, 32)
    hours = dropin.OnHours(world.tutor, opened.hours.hours_id)
    await dropin.call_next(hours, service_context)
    clock.set(NOW + timedelta(minutes=1))
    await dropin.skip(hours, service_context)  # before the runner delivered "your turn"
    await dropin.call_next(hours, service_context)  # 32, still in session
    notifier = RecordingNotifier()
    runner = JobRunner(
        SqlActionQueue(database, clock=clock), Handlers(service_context, notifier).by_kind(), clock
    )

    while await runner.sweep():
        pass

    sent = [(n.kind, n.user_id) for n in notifier.notices]
    assert (NoticeKind.QUEUE_CALLED, 32) in sent
    assert (NoticeKind.QUEUE_CALLED, 31) not in sent
    assert (NoticeKind.QUEUE_SKIPPED, 31) in sent


async def test_a_double_click_on_next_calls_one_student(service_context, clock, uow_factory):
    world = await build_world(service_context, clock)
    opened = await _open(service_context, world.tutor)
    await _queue(service_context, 31, 32)
    hours = dropin.OnHours(world.tutor, opened.hours.hours_id)

    results = await asyncio.gather(
        dropin.call_next(hours, service_context),
        dropin.call_next(hours, service_context),
        return_exceptions=True,
    )

    called = [r for r in results if isinstance(r, dropin.Called)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(called) == 1
    assert [r.reason for r in refused] == ["queue_still_helping"]
    assert [r.state for r in await _visits(uow_factory)] == ["helping", "waiting"]
    assert len(await booking_rows(uow_factory)) == 1
