"""The job handlers, driven by a real JobRunner over the scheduled_action table.

The clock is a FixedClock: a test moves it, then calls `sweep()` as the runner's tick would.
"""

from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from marketplace.domain.booking import BookingState
from marketplace.domain.scheduled import ActionKind
from marketplace.jobs import JobRunner
from marketplace.ports import DeliveryOutcome, Notice, NoticeKind
from marketplace.services import booking_views, bookings, rescheduling
from marketplace.services.job_handlers import DM_RETRY_AFTER, Handlers
from marketplace.storage.models import DmStatusRow, ScheduledActionRow
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import (
    GUILD,
    NOW,
    STUDENT_ID,
    TUTOR_ID,
    RecordingNotifier,
    action_rows,
    actor,
    add_student,
    at,
    book_cmd,
    booking_rows,
    build_world,
    delivery_rows,
)

STUDENT = actor(STUDENT_ID)
TUTOR = actor(TUTOR_ID)
START = at(2, 10)  # 25 h after NOW
BEFORE_120 = START - timedelta(minutes=120)
BEFORE_15 = START - timedelta(minutes=15)


@pytest.fixture
def notifier():
    return RecordingNotifier()


@pytest.fixture
def make_runner(database, service_context, clock, notifier):
    """Build a JobRunner (a "process") with the real handlers and the recording notifier."""

    def make(owner: str = "runner-1", **options) -> JobRunner:
        handlers = Handlers(service_context, notifier).by_kind()
        return JobRunner(
            SqlActionQueue(database, clock=clock), handlers, clock, owner=owner, **options
        )

    return make


@pytest.fixture
def runner(make_runner):
    return make_runner()


async def sweep_at(runner, clock, when) -> int:
    clock.set(when)
    return await runner.sweep()


def reminders_sent(notifier) -> list[tuple[int, int, str]]:
    """(recipient, offset, nonce) of every reminder delivered."""
    return [
        (n.user_id, n.details.offset_minutes, n.nonce) for n in notifier.of(NoticeKind.REMINDER)
    ]


async def outcomes(uow_factory, kind: str) -> list[tuple[str, str | None]]:
    return [(row.state, row.outcome) for row in await action_rows(uow_factory, kind)]


async def revive(uow_factory, kind: str) -> None:
    """Put a kind's skipped rows back to pending, as if a runner had claimed them before the
    booking changed (skip_pending no longer reaches a row once it is being handled)."""
    async with uow_factory() as uow:
        await uow.session.execute(
            update(ScheduledActionRow)
            .where(ScheduledActionRow.kind == kind, ScheduledActionRow.state == "skipped")
            .values(state="pending", finished_at=None, outcome=None)
        )
        await uow.commit()


# --- The outbox ----------------------------------------------------------------------------


async def test_a_queued_notice_is_delivered_once(
    service_context, clock, runner, notifier, uow_factory
):
    world = await build_world(service_context, clock)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)

    first = await runner.sweep()
    second = await runner.sweep()

    assert (first, second) == (1, 0)
    (notice,) = notifier.notices
    (row,) = await action_rows(uow_factory, "notify")
    assert notice.kind is NoticeKind.BOOKING_REQUESTED
    assert (notice.user_id, notice.counterpart_id, notice.try_dm) == (TUTOR_ID, STUDENT_ID, True)
    assert notice.booking.booking_id == booking.booking_id
    assert notice.nonce == f"tb{row.id}"
    assert (row.state, row.attempts) == ("done", 1)
    (delivery,) = await delivery_rows(uow_factory)
    assert (delivery.nonce, delivery.user_id, delivery.channel, delivery.kind) == (
        notice.nonce,
        TUTOR_ID,
        "dm",
        "booking_requested",
    )


@dataclass
class FlakyNotifier(RecordingNotifier):
    """Fails for the users in `failing` (one failure each), like a Discord hiccup."""

    failing: set[int] | None = None

    async def deliver(self, notice: Notice) -> DeliveryOutcome:
        if self.failing and notice.user_id in self.failing:
            self.failing.discard(notice.user_id)
            msg = "Discord 503"
            raise RuntimeError(msg)
        return await super().deliver(notice)


async def test_a_failed_delivery_is_retried_later_and_sent_once(
    service_context, clock, database, uow_factory
):
    world = await build_world(service_context, clock)
    await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    flaky = FlakyNotifier(failing={TUTOR_ID})
    runner = JobRunner(
        SqlActionQueue(database, clock=clock),
        Handlers(service_context, flaky).by_kind(),
        clock,
        owner="flaky",
    )

    await runner.sweep()
    assert flaky.notices == []
    (row,) = await action_rows(uow_factory, "notify")
    assert (row.state, row.due_at) == ("pending", NOW + timedelta(seconds=30))

    await sweep_at(runner, clock, NOW + timedelta(seconds=30))
    await runner.sweep()

    assert [n.kind for n in flaky.notices] == [NoticeKind.BOOKING_REQUESTED]
    (row,) = await action_rows(uow_factory, "notify")
    assert (row.state, row.attempts) == ("done", 2)


class BrokenNotifier(RecordingNotifier):
    async def deliver(self, notice):
        msg = "Discord 503"
        raise RuntimeError(msg)


async def test_work_that_fails_its_last_attempt_is_put_in_the_audit_log(
    service_context, clock, database, uow_factory
):
    world = await build_world(service_context, clock)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    handlers = Handlers(service_context, BrokenNotifier())
    runner = JobRunner(
        SqlActionQueue(database, clock=clock),
        handlers.by_kind(),
        clock,
        owner="broken",
        max_attempts=2,
        on_give_up=handlers.gave_up,
    )
    await runner.sweep()
    async with uow_factory(read_only=True) as uow:
        assert await uow.audit.of_action(GUILD, "job_failed", 5) == []
    await sweep_at(runner, clock, NOW + timedelta(minutes=1))

    (row,) = await action_rows(uow_factory, "notify")
    assert (row.state, row.attempts) == ("failed", 2)
    async with uow_factory(read_only=True) as uow:
        [(_at, detail)] = await uow.audit.of_action(GUILD, "job_failed", 5)
    assert detail["kind"] == "notify"
    assert detail["booking"] == booking.booking_id
    assert "Discord 503" in detail["error"]


async def test_a_reminder_retried_after_one_side_failed_is_not_sent_twice_to_the_other(
    service_context, clock, database, uow_factory
):
    world = await build_world(service_context, clock, instant=True)
    await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    flaky = FlakyNotifier()
    runner = JobRunner(
        SqlActionQueue(database, clock=clock),
        Handlers(service_context, flaky).by_kind(),
        clock,
        owner="flaky",
    )
    await runner.sweep()  # the confirmations
    flaky.clear()
    flaky.failing = {TUTOR_ID}

    await sweep_at(runner, clock, BEFORE_120)  # the student's reminder goes, the tutor's fails
    await sweep_at(runner, clock, BEFORE_120 + timedelta(minutes=5))  # past Discord's nonce window

    # The delivery log already holds the student's nonce: the retry must not send it again.
    assert [(n.user_id, n.details.offset_minutes) for n in flaky.notices] == [
        (STUDENT_ID, 120),
        (TUTOR_ID, 120),
    ]
    (row,) = [r for r in await action_rows(uow_factory, "reminder") if r.state == "done"]
    assert row.attempts == 2


# --- Request expiry ------------------------------------------------------------------------


async def test_an_unanswered_request_expires_at_its_deadline_and_both_are_told(
    service_context, clock, runner, notifier, uow_factory
):
    world = await build_world(service_context, clock)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    assert booking.expires_at == at(2, 8)
    await runner.sweep()
    notifier.clear()

    await sweep_at(runner, clock, booking.expires_at - timedelta(seconds=1))
    assert notifier.notices == []
    await sweep_at(runner, clock, booking.expires_at)
    await runner.sweep()  # the notices the expiry queued

    (row,) = await booking_rows(uow_factory)
    assert row.state == BookingState.EXPIRED
    assert row.live is False
    assert notifier.sent(NoticeKind.BOOKING_EXPIRED) == {STUDENT_ID: 1, TUTOR_ID: 1}
    assert await outcomes(uow_factory, "expire_request") == [("done", "expired")]
    async with uow_factory(read_only=True) as uow:  # the time is free again
        assert (
            await uow.bookings.tutor_busy(booking.guild_id, TUTOR_ID, START, at(2, 11), None) == []
        )


async def test_expiry_leaves_a_request_the_tutor_accepted_first_alone(
    service_context, clock, runner, notifier, uow_factory
):
    world = await build_world(service_context, clock)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), service_context)

    await sweep_at(runner, clock, booking.expires_at + timedelta(minutes=1))

    (row,) = await booking_rows(uow_factory)
    assert row.state == BookingState.CONFIRMED
    assert notifier.of(NoticeKind.BOOKING_EXPIRED) == []
    assert [state for state, _ in await outcomes(uow_factory, "expire_request")] == ["skipped"]


async def test_an_expiry_claimed_before_the_tutor_accepted_is_skipped_by_the_handler(
    service_context, clock, runner, notifier, uow_factory
):
    world = await build_world(service_context, clock)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), service_context)
    await revive(uow_factory, "expire_request")

    await sweep_at(runner, clock, booking.expires_at)

    assert await outcomes(uow_factory, "expire_request") == [("skipped", "no longer requested")]
    (row,) = await booking_rows(uow_factory)
    assert row.state == BookingState.CONFIRMED
    assert notifier.of(NoticeKind.BOOKING_EXPIRED) == []


# --- Reminders -----------------------------------------------------------------------------


async def test_reminders_go_to_both_sides_2_hours_and_15_minutes_before_once(
    service_context, clock, runner, notifier, uow_factory
):
    world = await build_world(service_context, clock, instant=True)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    await runner.sweep()
    assert notifier.sent(NoticeKind.BOOKING_CONFIRMED) == {STUDENT_ID: 1, TUTOR_ID: 1}

    await sweep_at(runner, clock, BEFORE_120 - timedelta(seconds=1))
    assert reminders_sent(notifier) == []
    await sweep_at(runner, clock, BEFORE_120)
    await runner.sweep()
    await sweep_at(runner, clock, BEFORE_15)
    await runner.sweep()
    await sweep_at(runner, clock, START)

    rows = await action_rows(uow_factory, "reminder")
    nonces = {row.payload["offset_minutes"]: f"tb{row.id}" for row in rows}
    assert reminders_sent(notifier) == [
        (STUDENT_ID, 120, nonces[120] + "s"),
        (TUTOR_ID, 120, nonces[120] + "t"),
        (STUDENT_ID, 15, nonces[15] + "s"),
        (TUTOR_ID, 15, nonces[15] + "t"),
    ]
    assert all(n.booking.booking_id == booking.booking_id for n in notifier.notices)
    assert [(row.state, row.outcome) for row in rows] == [("done", "reminded both")] * 2


async def test_only_the_last_reminder_of_the_guilds_offsets_carries_check_in(
    service_context, clock, runner, notifier
):
    world = await build_world(service_context, clock, instant=True)
    async with service_context.uow() as uow:
        policy = await uow.guilds.policy(GUILD)
        custom = replace(policy, reminder_offsets_minutes=(240, 45))
        await uow.guilds.save_policy(GUILD, custom, clock.now())
        await uow.commit()
    await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)

    for offset in (240, 45):
        await sweep_at(runner, clock, START - timedelta(minutes=offset))
        await runner.sweep()

    sent = [(n.details.offset_minutes, n.details.check_in) for n in notifier.notices
            if n.kind is NoticeKind.REMINDER]  # fmt: skip
    assert sent == [(240, False), (240, False), (45, True), (45, True)]


async def test_a_moved_booking_is_reminded_at_its_new_time_only(
    service_context, clock, runner, notifier, uow_factory
):
    world = await build_world(service_context, clock, instant=True)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    await rescheduling.reschedule(
        rescheduling.RescheduleBooking(STUDENT, booking.booking_id, "2026-12-03 12:00"),
        service_context,
    )
    new_start = at(3, 11)

    await sweep_at(runner, clock, BEFORE_120)
    await sweep_at(runner, clock, BEFORE_15)
    assert reminders_sent(notifier) == []

    await sweep_at(runner, clock, new_start - timedelta(minutes=120))
    await sweep_at(runner, clock, new_start - timedelta(minutes=15))

    assert [(user, offset) for user, offset, _ in reminders_sent(notifier)] == [
        (STUDENT_ID, 120),
        (TUTOR_ID, 120),
        (STUDENT_ID, 15),
        (TUTOR_ID, 15),
    ]
    assert {n.booking.sequence for n in notifier.of(NoticeKind.REMINDER)} == {1}


async def test_a_reminder_for_an_older_time_of_the_booking_is_skipped(
    service_context, clock, runner, notifier, uow_factory
):
    world = await build_world(service_context, clock, instant=True)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    await rescheduling.reschedule(
        rescheduling.RescheduleBooking(STUDENT, booking.booking_id, "2026-12-03 12:00"),
        service_context,
    )
    await revive(uow_factory, "reminder")  # the sequence-0 reminders

    await sweep_at(runner, clock, BEFORE_120)
    await sweep_at(runner, clock, BEFORE_15)

    assert reminders_sent(notifier) == []
    stale = [
        (row.payload["sequence"], row.state, row.outcome)
        for row in await action_rows(uow_factory, "reminder")
        if row.payload["sequence"] == 0
    ]
    assert stale == [(0, "skipped", "booking moved")] * 2


async def test_a_reminder_for_a_cancelled_booking_is_skipped(
    service_context, clock, runner, notifier, uow_factory
):
    world = await build_world(service_context, clock, instant=True)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    await bookings.cancel(bookings.CancelBooking(STUDENT, booking.booking_id), service_context)
    await runner.sweep()
    assert notifier.sent(NoticeKind.BOOKING_CANCELLED) == {STUDENT_ID: 1, TUTOR_ID: 1}
    await revive(uow_factory, "reminder")

    await sweep_at(runner, clock, BEFORE_120)
    await sweep_at(runner, clock, BEFORE_15)

    assert reminders_sent(notifier) == []
    assert await outcomes(uow_factory, "reminder") == [
        ("skipped", "booking not confirmed"),
        ("skipped", "booking not confirmed"),
    ]


async def test_after_downtime_only_the_reminder_still_useful_is_sent(
    service_context, clock, runner, notifier, uow_factory
):
    world = await build_world(service_context, clock, instant=True)
    await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    await runner.sweep()

    # The bot was down from before the 2-hour reminder until 10 minutes before the start.
    await sweep_at(runner, clock, START - timedelta(minutes=10))
    await runner.sweep()

    assert [(user, offset) for user, offset, _ in reminders_sent(notifier)] == [
        (STUDENT_ID, 15),
        (TUTOR_ID, 15),
    ]
    by_offset = {
        row.payload["offset_minutes"]: (row.state, row.outcome)
        for row in await action_rows(uow_factory, "reminder")
    }
    assert by_offset == {
        120: ("skipped", "too late to be useful"),
        15: ("done", "reminded both"),
    }


async def test_a_reminder_due_after_the_start_is_not_sent(
    service_context, clock, runner, notifier, uow_factory
):
    world = await build_world(service_context, clock, instant=True)
    await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)

    await sweep_at(runner, clock, START + timedelta(minutes=1))

    assert reminders_sent(notifier) == []
    assert {state for state, _ in await outcomes(uow_factory, "reminder")} == {"skipped"}


async def test_overdue_work_runs_once_after_a_restart(
    service_context, clock, database, make_runner, notifier
):
    world = await build_world(service_context, clock, instant=True)
    await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    clock.set(BEFORE_120)
    crashed = SqlActionQueue(database, clock=clock)
    claimed = await crashed.claim_due(clock.now(), "crashed-process", timedelta(minutes=2), 20)
    booking_work = [c for c in claimed if c.kind is not ActionKind.REFRESH_NEXT_SLOT]
    assert len(booking_work) == 3  # two confirmations and the 2-hour reminder, never finished

    restarted = make_runner(owner="restarted-process")
    await sweep_at(restarted, clock, BEFORE_120 + timedelta(minutes=1))
    assert notifier.notices == []  # still leased by the crashed process
    await sweep_at(restarted, clock, BEFORE_120 + timedelta(minutes=3))
    await restarted.sweep()
    await make_runner(owner="another-restart").sweep()

    assert notifier.sent(NoticeKind.BOOKING_CONFIRMED) == {STUDENT_ID: 1, TUTOR_ID: 1}
    assert [(user, offset) for user, offset, _ in reminders_sent(notifier)] == [
        (STUDENT_ID, 120),
        (TUTOR_ID, 120),
    ]
    done = [
        row
        for row in await action_rows(service_context.uow)
        if row.state == "done" and row.kind != ActionKind.REFRESH_NEXT_SLOT
    ]
    assert sorted((row.kind, row.attempts) for row in done) == [
        ("notify", 2),
        ("notify", 2),
        ("reminder", 2),
    ]


# --- Closed DMs ----------------------------------------------------------------------------


async def test_closed_dms_fall_back_and_the_next_notice_skips_the_dm(
    service_context, clock, runner, notifier, uow_factory
):
    world = await build_world(service_context, clock, instant=True)
    notifier.closed_dms.add(STUDENT_ID)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)

    await runner.sweep()

    channels = {(d.user_id, d.kind): d.channel for d in await delivery_rows(uow_factory)}
    assert channels == {
        (STUDENT_ID, "booking_confirmed"): "fallback",
        (TUTOR_ID, "booking_confirmed"): "dm",
    }
    async with uow_factory(read_only=True) as uow:
        status = await uow.session.get(DmStatusRow, STUDENT_ID)
        assert (status.closed_at, status.retry_after) == (NOW, NOW + DM_RETRY_AFTER)
        assert await uow.session.get(DmStatusRow, TUTOR_ID) is None
    listed = await booking_views.list_for(booking_views.ListBookings(STUDENT), service_context)
    assert listed.fallback_notices == [("booking_confirmed", booking.booking_id, NOW)]

    notifier.clear()
    await sweep_at(runner, clock, BEFORE_120)  # 23 h later: still within the day's pause

    assert {n.user_id: n.try_dm for n in notifier.of(NoticeKind.REMINDER)} == {
        STUDENT_ID: False,
        TUTOR_ID: True,
    }

    notifier.clear()
    await sweep_at(runner, clock, BEFORE_15)  # 24 h 45 min later: DMs are tried again

    assert {n.user_id: n.try_dm for n in notifier.of(NoticeKind.REMINDER)} == {
        STUDENT_ID: True,
        TUTOR_ID: True,
    }


# --- The 7-day nudge -----------------------------------------------------------------------


async def test_the_7_day_nudge_goes_only_to_students_who_have_not_booked(
    service_context, clock, runner, notifier, uow_factory
):
    world = await build_world(service_context, clock)
    await add_student(service_context, 12)
    await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)

    await sweep_at(runner, clock, NOW + timedelta(days=7) - timedelta(seconds=1))
    assert notifier.of(NoticeKind.NUDGE) == []
    await sweep_at(runner, clock, NOW + timedelta(days=7))
    await runner.sweep()

    (nudge,) = notifier.of(NoticeKind.NUDGE)
    assert (nudge.user_id, nudge.booking) == (12, None)
    by_user = {
        row.user_id: (row.state, row.outcome) for row in await action_rows(uow_factory, "nudge")
    }
    assert by_user == {
        STUDENT_ID: ("skipped", "already booked"),
        12: ("done", "nudged via dm"),
    }


async def test_a_second_start_does_not_schedule_a_second_nudge(service_context, clock, uow_factory):
    clock.set(NOW)
    await add_student(service_context, 12)
    clock.set(NOW + timedelta(days=2))
    await add_student(service_context, 12)

    (row,) = await action_rows(uow_factory, "nudge")
    assert row.due_at == NOW + timedelta(days=7)
    async with uow_factory(read_only=True) as uow:
        count = len((await uow.session.scalars(select(ScheduledActionRow.id))).all())
    assert count == 1
