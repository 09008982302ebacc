"""Session spaces on the services: opening, failing, closing, the reconciler, consent, voice.

A real SQLite file and a FixedClock; the chat platform is `FakeSpaces`, an in-test
implementation of the `SessionSpaces` port that records what it was asked to do. The
world's tutor has instant booking (and holds sessions by text and voice), so a booking
is confirmed as soon as it is made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from marketplace.domain.booking import BookingState
from marketplace.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction
from marketplace.domain.spaces import SessionSpace, SpaceStatus, TextPlace
from marketplace.jobs import JobRunner
from marketplace.ports import ClosedSpace, OpenedSpace, SpacePlan, SpaceUnavailableError
from marketplace.services import attendance, bookings, groups, rescheduling, spaces
from marketplace.services.job_handlers import Handlers
from marketplace.storage.models import AttendanceRow
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import (
    GUILD,
    OTHER_GUILD,
    STUDENT_ID,
    TUTOR_ID,
    RecordingNotifier,
    actor,
    add_student,
    at,
    book_cmd,
    build_world,
    pending,
)

START = at(2, 10)  # 25 h after the world's NOW; a 60-minute session
END = START + timedelta(minutes=60)
OPENS = START - timedelta(minutes=15)  # the default policy opens 15 minutes before
CLOSES = END + timedelta(minutes=30)  # ... and closes 30 minutes after the end
SECOND = timedelta(seconds=1)
STRANGER_ID = 99
FALLBACK_CHANNEL = 5550


@dataclass
class FakeSpaces:
    """A `SessionSpaces` that makes nothing real: it hands out ids and remembers calls.

    `failures` are raised by the next `open` calls, one each, before anything is made;
    `during_open` runs while Discord is "busy" (something else happening meanwhile);
    `broken_close` bookings fail to close (Discord down), and every close reports
    `refusals` as the steps Discord refused.
    """

    opened: list[SpacePlan] = field(default_factory=list)
    closed: list[SessionSpace] = field(default_factory=list)
    speaking: list[tuple[int, int, int]] = field(default_factory=list)
    let_in_calls: list[tuple[int | None, int]] = field(default_factory=list)
    alerts: list[tuple[int, int | None, str, int]] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    broken_close: set[int] = field(default_factory=set)
    refusals: tuple[str, ...] = ()
    close_calls: int = 0
    during_open: Callable[[], Awaitable[object]] | None = None
    _next_id: int = 90_000

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    async def open(self, plan: SpacePlan) -> OpenedSpace:
        await asyncio.sleep(0.01)  # Discord takes a while: a racing opener gets its turn
        if self.during_open is not None:
            await self.during_open()
        if self.failures:
            raise self.failures.pop(0)
        self.opened.append(plan)
        voice_id = self._new_id() if plan.with_voice else None
        return OpenedSpace(TextPlace.THREAD, self._new_id(), voice_id)

    async def let_speak(self, guild_id: int, voice_id: int, user_id: int) -> None:
        self.speaking.append((guild_id, voice_id, user_id))

    async def let_in(self, space: SessionSpace, user_id: int) -> None:
        self.let_in_calls.append((space.text_id, user_id))

    async def close(self, space: SessionSpace) -> ClosedSpace:
        self.close_calls += 1
        if space.booking_id in self.broken_close:
            raise RuntimeError("Discord is down")
        self.closed.append(space)
        return ClosedSpace(self.refusals)

    async def alert_admins(
        self, guild_id: int, fallback_channel_id: int | None, reason: str, booking_id: int
    ) -> None:
        self.alerts.append((guild_id, fallback_channel_id, reason, booking_id))


@pytest.fixture
def fake():
    return FakeSpaces()


@pytest.fixture
async def world(service_context, clock):
    return await build_world(service_context, clock, instant=True)


async def _booked(world, start=START):
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, start), world.ctx)
    assert booking.state is BookingState.CONFIRMED
    return booking


async def _open(world, fake, booking, when=None):
    world.clock.set(when or booking.start - timedelta(minutes=15))
    assert await spaces.open_space(booking.booking_id, world.ctx, fake) == "opened"
    space = await spaces.live_space(booking.booking_id, world.ctx)
    assert space is not None
    return space


async def _stored(ctx, booking_id):
    async with ctx.uow(read_only=True) as uow:
        return await uow.spaces.get(booking_id)


async def _audit(ctx, action):
    async with ctx.uow(read_only=True) as uow:
        return [detail for _, detail in await uow.audit.of_action(GUILD, action, 20)]


async def _set_policy(ctx, **changes):
    async with ctx.uow() as uow:
        policy = await uow.guilds.policy(GUILD)
        await uow.guilds.save_policy(GUILD, replace(policy, **changes), ctx.clock.now())
        await uow.commit()


def _sweep_action(when):
    return ClaimedAction(
        action_id=1, kind=ActionKind.SWEEP_SPACES, guild_id=0, due_at=when, booking_id=None,
        user_id=None, payload={}, attempts=1,
    )  # fmt: skip


# --- Opening -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when",
    [OPENS - SECOND, CLOSES, CLOSES + timedelta(days=1)],
    ids=["a second early", "at the close", "a day late"],
)
async def test_a_space_is_not_opened_outside_its_window(world, fake, when):
    booking = await _booked(world)
    world.clock.set(when)

    assert await spaces.open_space(booking.booking_id, world.ctx, fake) == "not due"

    assert fake.opened == []
    assert await _stored(world.ctx, booking.booking_id) is None


async def test_a_space_opens_at_its_opening_time_with_the_plan_for_both_participants(
    world, fake, uow_factory
):
    booking = await _booked(world)

    space = await _open(world, fake, booking, when=OPENS)

    [plan] = fake.opened
    assert (plan.guild_id, plan.booking_id, plan.student_id, plan.tutor_id) == (
        GUILD, booking.booking_id, STUDENT_ID, TUTOR_ID,
    )  # fmt: skip
    assert (plan.subject, plan.start, plan.end) == ("Calculus", START, END)
    assert plan.with_voice is True
    assert (plan.sessions_channel_id, plan.moderator_role_id, plan.recording_allowed) == (
        None, None, False,
    )  # fmt: skip
    assert space.status is SpaceStatus.OPEN
    assert (space.text_place, space.opened_at, space.fallback) == (TextPlace.THREAD, OPENS, "")
    assert space.text_id is not None
    assert space.voice_id is not None
    assert await _audit(world.ctx, "space_opened") == [
        {"booking": booking.booking_id, "place": "thread", "voice": True, "fallback": ""}
    ]
    assert [r.due_at for r in await pending(uow_factory, "sweep_spaces")] == [at(2, 9, 50)]


async def test_the_plan_carries_the_guilds_channel_and_moderators_when_they_may_see_spaces(
    world, fake
):
    await _set_policy(
        world.ctx, sessions_channel=4321, moderator_role=777, moderators_see_spaces=True,
        recording_allowed=True,
    )  # fmt: skip
    booking = await _booked(world)

    await _open(world, fake, booking)

    [plan] = fake.opened
    assert (plan.sessions_channel_id, plan.moderator_role_id, plan.recording_allowed) == (
        4321, 777, True,
    )  # fmt: skip


async def test_a_request_the_tutor_has_not_accepted_gets_no_space(service_context, clock, fake):
    world = await build_world(service_context, clock, instant=False)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    assert booking.state is BookingState.REQUESTED
    clock.set(START)

    assert await spaces.open_space(booking.booking_id, service_context, fake) == "not due"
    assert fake.opened == []


async def test_a_cancelled_booking_and_an_unknown_one_get_no_space(world, fake):
    booking = await _booked(world)
    await bookings.cancel(bookings.CancelBooking(world.student, booking.booking_id), world.ctx)
    world.clock.set(OPENS)

    assert await spaces.open_space(booking.booking_id, world.ctx, fake) == "not due"
    assert await spaces.open_space(booking.booking_id + 100, world.ctx, fake) == "no booking"
    assert fake.opened == []


async def test_two_openers_racing_open_the_space_once(world, fake):
    booking = await _booked(world)
    world.clock.set(OPENS)

    results = await asyncio.wait_for(
        asyncio.gather(
            spaces.open_space(booking.booking_id, world.ctx, fake),
            spaces.open_space(booking.booking_id, world.ctx, fake),
        ),
        timeout=30,
    )

    assert sorted(results) == ["already open or opening", "opened"]
    assert len(fake.opened) == 1
    world.clock.set(START)
    assert await spaces.open_space(booking.booking_id, world.ctx, fake) == (
        "already open or opening"
    )
    assert len(fake.opened) == 1


async def test_an_unexpected_error_releases_the_claim_so_the_retry_opens(world, fake):
    booking = await _booked(world)
    fake.failures.append(RuntimeError("Discord answered 500"))
    world.clock.set(OPENS)

    with pytest.raises(RuntimeError, match="500"):
        await spaces.open_space(booking.booking_id, world.ctx, fake)

    failed = await _stored(world.ctx, booking.booking_id)
    assert (failed.status, failed.fallback) == (SpaceStatus.FAILED, "error")
    assert fake.alerts == []  # a passing hiccup is retried, not reported
    world.clock.set(OPENS + timedelta(minutes=1))
    assert await spaces.open_space(booking.booking_id, world.ctx, fake) == "opened"
    opened = await _stored(world.ctx, booking.booking_id)
    assert (opened.status, opened.fallback) == (SpaceStatus.OPEN, "")
    assert len(fake.opened) == 1


async def test_a_space_discord_refuses_is_recorded_failed_and_the_admins_told_once(world, fake):
    await _set_policy(world.ctx, fallback_channel=FALLBACK_CHANNEL)
    booking = await _booked(world)
    fake.failures += [SpaceUnavailableError("missing_permissions", "50013")] * 2
    world.clock.set(OPENS)

    first = await spaces.open_space(booking.booking_id, world.ctx, fake)
    world.clock.set(START)  # the 15-minute reminder tries again
    second = await spaces.open_space(booking.booking_id, world.ctx, fake)

    assert (first, second) == ("failed: missing_permissions", "failed: missing_permissions")
    stored = await _stored(world.ctx, booking.booking_id)
    assert (stored.status, stored.fallback) == (SpaceStatus.FAILED, "missing_permissions")
    assert fake.alerts == [(GUILD, FALLBACK_CHANNEL, "missing_permissions", booking.booking_id)]
    assert len(await _audit(world.ctx, "space_failed")) == 2
    assert fake.opened == []


async def test_a_different_reason_is_reported_on_its_own(world, fake):
    first = await _booked(world)
    other = await _booked(world, at(2, 14))
    fake.failures += [
        SpaceUnavailableError("missing_permissions"),
        SpaceUnavailableError("no_sessions_channel"),
    ]

    world.clock.set(OPENS)
    await spaces.open_space(first.booking_id, world.ctx, fake)
    world.clock.set(at(2, 13, 45))
    await spaces.open_space(other.booking_id, world.ctx, fake)

    assert [reason for _, _, reason, _ in fake.alerts] == [
        "missing_permissions", "no_sessions_channel",
    ]  # fmt: skip


async def test_while_spaces_keep_failing_the_admins_are_told_again_each_day(world, fake):
    first = await _booked(world)  # opens 2 Dec 09:45
    next_day_early = await _booked(world, at(3, 8))  # opens 3 Dec 07:45, 22 h later
    a_day_later = await _booked(world, at(3, 10))  # opens 3 Dec 09:45, 24 h after the alert
    fake.failures += [SpaceUnavailableError("missing_permissions")] * 3

    for booking in (first, next_day_early, a_day_later):
        world.clock.set(booking.start - timedelta(minutes=15))
        await spaces.open_space(booking.booking_id, world.ctx, fake)

    assert [booking_id for *_, booking_id in fake.alerts] == [
        first.booking_id, a_day_later.booking_id,
    ]  # fmt: skip


# --- Closing -------------------------------------------------------------------------------


async def test_a_space_stays_through_the_grace_period_and_closes_at_its_end(world, fake):
    booking = await _booked(world)
    space = await _open(world, fake, booking)

    world.clock.set(CLOSES - SECOND)
    assert await spaces.close_space(booking.booking_id, world.ctx, fake) == "still in use"
    assert fake.closed == []
    world.clock.set(CLOSES)
    assert await spaces.close_space(booking.booking_id, world.ctx, fake) == "closed"

    assert fake.closed == [space]
    closed = await _stored(world.ctx, booking.booking_id)
    assert (closed.status, closed.closed_at) == (SpaceStatus.CLOSED, CLOSES)
    assert await spaces.live_space(booking.booking_id, world.ctx) is None
    assert await spaces.close_space(booking.booking_id, world.ctx, fake) == "no open space"
    assert await _audit(world.ctx, "space_closed") == [{"booking": booking.booking_id}]


async def test_a_booking_without_a_space_has_nothing_to_close(world, fake):
    booking = await _booked(world)
    world.clock.set(CLOSES)

    assert await spaces.close_space(booking.booking_id, world.ctx, fake) == "no open space"
    assert fake.closed == []


async def test_cancelling_closes_the_space_at_once_through_the_scheduled_work(
    world, fake, database, clock, uow_factory
):
    booking = await _booked(world)
    await _open(world, fake, booking)
    cancelled_at = START - timedelta(minutes=5)
    clock.set(cancelled_at)

    await bookings.cancel(bookings.CancelBooking(world.student, booking.booking_id), world.ctx)

    soon = [r for r in await pending(uow_factory, "close_space") if r.due_at == cancelled_at]
    assert [r.dedupe_key for r in soon] == [f"close_space:{booking.booking_id}:1:now"]
    handlers = Handlers(world.ctx, RecordingNotifier(), fake).by_kind()
    runner = JobRunner(SqlActionQueue(database, clock=clock), handlers, clock)
    while await runner.sweep():
        pass
    assert len(fake.closed) == 1
    assert (await _stored(world.ctx, booking.booking_id)).status is SpaceStatus.CLOSED


async def test_moving_a_booking_schedules_its_space_to_close_now_and_closes_the_old_one(
    world, fake, clock, uow_factory
):
    booking = await _booked(world)
    await _open(world, fake, booking)
    moved_at = OPENS + timedelta(minutes=2)
    clock.set(moved_at)

    moved = await rescheduling.reschedule(
        rescheduling.RescheduleBooking(
            world.student, booking.booking_id, START + timedelta(days=1)
        ),
        world.ctx,
    )

    assert moved.start == START + timedelta(days=1)
    due = {r.dedupe_key: r.due_at for r in await pending(uow_factory, "close_space")}
    assert due[f"close_space:{booking.booking_id}:1:now"] == moved_at
    assert await spaces.close_space(booking.booking_id, world.ctx, fake) == "closed"
    assert len(fake.closed) == 1


async def test_a_moved_booking_gets_a_new_space_at_its_new_time(world, fake):
    booking = await _booked(world)
    old = await _open(world, fake, booking)
    await spaces.agree_to_notice(
        spaces.AgreeToNotice(world.student, booking.booking_id), world.ctx, fake
    )
    moved = await rescheduling.reschedule(
        rescheduling.RescheduleBooking(
            world.student, booking.booking_id, START + timedelta(days=1)
        ),
        world.ctx,
    )
    await spaces.close_space(booking.booking_id, world.ctx, fake)

    new = await _open(world, fake, moved)

    assert len(fake.opened) == 2
    assert fake.opened[1].start == START + timedelta(days=1)
    assert new.text_id != old.text_id
    assert (new.opened_at, new.closed_at) == (OPENS + timedelta(days=1), None)
    assert new.student_agreed_at == OPENS  # consent is the participant's, per booking


# --- The reconciler and retries ------------------------------------------------------------


def _runner(world, fake, database, *, max_attempts=5):
    """The job runner on the world's queue, retrying at once (no backoff)."""
    handlers = Handlers(world.ctx, RecordingNotifier(), fake)
    return JobRunner(
        SqlActionQueue(database, clock=world.clock), handlers.by_kind(), world.clock,
        max_attempts=max_attempts, backoff=lambda _attempts: timedelta(0),
        on_give_up=handlers.gave_up,
    )  # fmt: skip


async def _run_work(runner):
    while await runner.sweep():
        pass


async def test_the_sweep_queues_the_close_of_spaces_over_their_time_and_counts_the_rest(
    world, fake, database, uow_factory
):
    early = await _booked(world)
    late = await _booked(world, at(2, 14))
    await _open(world, fake, early)
    await _open(world, fake, late)
    world.clock.set(at(2, 13, 50))

    assert await spaces.sweep(world.ctx) == (1, 1)
    assert await spaces.sweep(world.ctx) == (1, 1)  # asking again queues nothing more

    swept = [r.dedupe_key for r in await pending(uow_factory, "close_space")]
    assert [k for k in swept if ":swept:" in k] == [
        f"close_space:{early.booking_id}:swept:{int(OPENS.timestamp())}"
    ]
    await spaces.close_space(late.booking_id, world.ctx, fake)  # still in use: nothing
    await _run_work(_runner(world, fake, database))
    assert [s.booking_id for s in fake.closed] == [early.booking_id]
    assert await spaces.live_space(late.booking_id, world.ctx) is not None


async def test_a_booking_cancelled_while_its_space_was_being_made_is_closed_by_the_sweep(
    world, fake, database, uow_factory
):
    booking = await _booked(world)
    early_close = []

    async def cancel_meanwhile():
        await bookings.cancel(bookings.CancelBooking(world.student, booking.booking_id), world.ctx)
        early_close.append(await spaces.close_space(booking.booking_id, world.ctx, fake))

    fake.during_open = cancel_meanwhile
    world.clock.set(OPENS)

    assert await spaces.open_space(booking.booking_id, world.ctx, fake) == "opened"

    assert early_close == ["no open space"]  # the close job came too early to see it
    [sweep_due] = [r.due_at for r in await pending(uow_factory, "sweep_spaces")]
    world.clock.set(sweep_due)
    await _run_work(_runner(world, fake, database))
    assert [s.booking_id for s in fake.closed] == [booking.booking_id]
    assert await spaces.live_space(booking.booking_id, world.ctx) is None


async def test_one_space_that_fails_to_close_does_not_stop_the_others(world, fake, database):
    first = await _booked(world)
    second = await _booked(world, at(2, 12))
    await _open(world, fake, first)
    await _open(world, fake, second)
    fake.broken_close.add(first.booking_id)
    world.clock.set(at(2, 20))

    assert await spaces.sweep(world.ctx) == (2, 0)
    await _runner(world, fake, database, max_attempts=50).sweep()

    assert [s.booking_id for s in fake.closed] == [second.booking_id]
    assert await spaces.live_space(first.booking_id, world.ctx) is not None  # to retry


async def test_a_close_that_keeps_failing_is_tried_a_bounded_number_of_times_then_reported(
    world, fake, database, uow_factory
):
    await _set_policy(world.ctx, fallback_channel=FALLBACK_CHANNEL)
    booking = await _booked(world)
    await _open(world, fake, booking)
    fake.broken_close.add(booking.booking_id)
    world.clock.set(CLOSES)
    runner = _runner(world, fake, database, max_attempts=3)

    await _run_work(runner)
    given_up_after = fake.close_calls
    for minutes in (10, 20, 30, 24 * 60):  # the reconciler keeps coming round
        world.clock.set(CLOSES + timedelta(minutes=minutes))
        await spaces.sweep(world.ctx)
        await _run_work(runner)

    # the scheduled close and the reconciler's may both try, each at most 3 times
    assert 3 <= given_up_after <= 6
    assert fake.close_calls == given_up_after, "after giving up, nobody tries again"
    stored = await _stored(world.ctx, booking.booking_id)
    assert (stored.status, stored.fallback) == (SpaceStatus.FAILED, "close_failed")
    assert fake.alerts == [(GUILD, FALLBACK_CHANNEL, "close_failed", booking.booking_id)]
    failed = await _audit(world.ctx, "job_failed")
    assert {(f["kind"], f["booking"]) for f in failed} == {("close_space", booking.booking_id)}
    assert all("Discord is down" in f["error"] for f in failed)
    assert await pending(uow_factory, "close_space") == []
    assert await spaces.sweep(world.ctx) == (0, 0)


async def test_a_close_discord_refuses_is_not_retried_and_the_admins_are_told_once_a_day(
    world, fake, database
):
    first = await _booked(world)
    second = await _booked(world, at(2, 14))
    await _open(world, fake, first)
    await _open(world, fake, second)
    fake.refusals = ("missing_permissions",)

    world.clock.set(CLOSES)
    done = await spaces.close_space(first.booking_id, world.ctx, fake)
    world.clock.set(at(2, 15, 30))
    await spaces.close_space(second.booking_id, world.ctx, fake)
    await _run_work(_runner(world, fake, database))
    assert await spaces.sweep(world.ctx) == (0, 0)

    assert done == "closed in part (missing_permissions)"
    assert len(fake.closed) == 2, "each tried once, never again"
    for booking in (first, second):
        assert (await _stored(world.ctx, booking.booking_id)).status is SpaceStatus.CLOSED
    assert fake.alerts == [(GUILD, None, "close_missing_permissions", first.booking_id)]
    assert await _audit(world.ctx, "space_close_refused") == [
        {"booking": second.booking_id, "refused": "missing_permissions"},
        {"booking": first.booking_id, "refused": "missing_permissions"},
    ]


async def test_the_sweep_job_comes_back_only_while_spaces_stay_open(
    world, fake, database, uow_factory
):
    early = await _booked(world)
    late = await _booked(world, at(2, 14))
    await _open(world, fake, early)
    await _open(world, fake, late)

    async def later_sweeps():
        now = world.clock.now()
        return [r.due_at for r in await pending(uow_factory, "sweep_spaces") if r.due_at > now]

    world.clock.set(at(2, 13, 50))
    first = await spaces.sweep_job(_sweep_action(at(2, 13, 50)), world.ctx)
    assert (first.state, first.outcome) == (ActionState.DONE, "closing 1, 1 still open")
    assert await later_sweeps() == [at(2, 14)]

    world.clock.set(at(2, 15, 30))
    await spaces.close_space(early.booking_id, world.ctx, fake)
    await spaces.close_space(late.booking_id, world.ctx, fake)
    last = await spaces.sweep_job(_sweep_action(at(2, 15, 30)), world.ctx)
    assert (last.state, last.outcome) == (ActionState.DONE, "closing 0, 0 still open")
    assert await later_sweeps() == []


# --- Consent -------------------------------------------------------------------------------


async def test_a_participant_who_agrees_is_recorded_and_let_speak(world, fake):
    booking = await _booked(world)
    space = await _open(world, fake, booking)

    agreement = await spaces.agree_to_notice(
        spaces.AgreeToNotice(world.student, booking.booking_id), world.ctx, fake
    )

    assert agreement == spaces.Agreement(first_time=True, voice_id=space.voice_id)
    assert fake.speaking == [(GUILD, space.voice_id, STUDENT_ID)]
    stored = await _stored(world.ctx, booking.booking_id)
    assert (stored.student_agreed_at, stored.tutor_agreed_at) == (OPENS, None)
    assert await _audit(world.ctx, "space_agreed") == [
        {"booking": booking.booking_id, "user": STUDENT_ID}
    ]


async def test_pressing_i_agree_again_grants_voice_again_but_keeps_the_first_time(world, fake):
    booking = await _booked(world)
    space = await _open(world, fake, booking)
    await spaces.agree_to_notice(
        spaces.AgreeToNotice(world.tutor, booking.booking_id), world.ctx, fake
    )
    world.clock.set(START)

    again = await spaces.agree_to_notice(
        spaces.AgreeToNotice(world.tutor, booking.booking_id), world.ctx, fake
    )

    assert again == spaces.Agreement(first_time=False, voice_id=space.voice_id)
    assert fake.speaking == [(GUILD, space.voice_id, TUTOR_ID)] * 2
    assert (await _stored(world.ctx, booking.booking_id)).tutor_agreed_at == OPENS
    assert len(await _audit(world.ctx, "space_agreed")) == 1


async def test_someone_outside_the_session_cannot_agree(world, fake):
    booking = await _booked(world)
    await _open(world, fake, booking)
    stranger = await add_student(world.ctx, STRANGER_ID)

    with pytest.raises(PermissionDeniedError):
        await spaces.agree_to_notice(
            spaces.AgreeToNotice(stranger, booking.booking_id), world.ctx, fake
        )
    with pytest.raises(NotFoundError):
        await spaces.agree_to_notice(
            spaces.AgreeToNotice(actor(STUDENT_ID, OTHER_GUILD), booking.booking_id),
            world.ctx,
            fake,
        )
    assert fake.speaking == []


async def test_agreeing_in_a_closed_space_is_refused(world, fake):
    booking = await _booked(world)
    await _open(world, fake, booking)
    world.clock.set(CLOSES)
    await spaces.close_space(booking.booking_id, world.ctx, fake)

    with pytest.raises(ConflictError) as refused:
        await spaces.agree_to_notice(
            spaces.AgreeToNotice(world.student, booking.booking_id), world.ctx, fake
        )
    with pytest.raises(PermissionDeniedError):
        await spaces.agree_to_notice(
            spaces.AgreeToNotice(actor(STRANGER_ID), booking.booking_id), world.ctx, fake
        )

    assert refused.value.reason == "space_closed"
    assert fake.speaking == []


async def test_agreeing_before_the_space_exists_is_refused_as_closed(world, fake):
    booking = await _booked(world)

    with pytest.raises(ConflictError) as refused:
        await spaces.agree_to_notice(
            spaces.AgreeToNotice(world.student, booking.booking_id), world.ctx, fake
        )

    assert refused.value.reason == "space_closed"


# --- Voice presence ------------------------------------------------------------------------


async def _voice_check_ins(uow_factory, booking_id):
    async with uow_factory(read_only=True) as uow:
        rows = await uow.session.execute(
            select(AttendanceRow.user_id, AttendanceRow.checked_in_at, AttendanceRow.via)
            .where(AttendanceRow.booking_id == booking_id)
            .order_by(AttendanceRow.user_id)
        )
        return [tuple(row) for row in rows]


async def test_a_participant_joining_the_sessions_voice_channel_checks_in(world, fake, uow_factory):
    booking = await _booked(world)
    space = await _open(world, fake, booking)
    world.clock.set(START + timedelta(minutes=2))

    student = await spaces.voice_joined(GUILD, space.voice_id, STUDENT_ID, world.ctx)
    again = await spaces.voice_joined(GUILD, space.voice_id, STUDENT_ID, world.ctx)
    tutor = await spaces.voice_joined(GUILD, space.voice_id, TUTOR_ID, world.ctx)

    assert (student, again, tutor) == (True, False, True)
    assert await _voice_check_ins(uow_factory, booking.booking_id) == [
        (STUDENT_ID, START + timedelta(minutes=2), "voice"),
        (TUTOR_ID, START + timedelta(minutes=2), "voice"),
    ]


@pytest.mark.parametrize(
    "joining",
    [
        pytest.param((GUILD, STRANGER_ID, 0, 2), id="a stranger"),
        pytest.param((GUILD, STUDENT_ID, 1, 2), id="another channel"),
        pytest.param((OTHER_GUILD, STUDENT_ID, 0, 2), id="another guild"),
        pytest.param((GUILD, STUDENT_ID, 0, 60), id="after the end, in the grace period"),
    ],
)
async def test_joining_voice_checks_in_only_a_participant_in_the_sessions_channel_in_time(
    world, fake, uow_factory, joining
):
    guild_id, user_id, channel_offset, minutes_after_start = joining
    booking = await _booked(world)
    space = await _open(world, fake, booking)
    world.clock.set(START + timedelta(minutes=minutes_after_start))

    joined = await spaces.voice_joined(
        guild_id, space.voice_id + channel_offset, user_id, world.ctx
    )

    assert joined is False
    assert await _voice_check_ins(uow_factory, booking.booking_id) == []


async def test_joining_the_voice_channel_of_a_closed_space_checks_nobody_in(
    world, fake, uow_factory
):
    booking = await _booked(world)
    space = await _open(world, fake, booking)
    await bookings.cancel(bookings.CancelBooking(world.student, booking.booking_id), world.ctx)
    await spaces.close_space(booking.booking_id, world.ctx, fake)

    assert await spaces.voice_joined(GUILD, space.voice_id, STUDENT_ID, world.ctx) is False
    assert await _voice_check_ins(uow_factory, booking.booking_id) == []


# --- A group's one space --------------------------------------------------------------------


async def _group_seats(world, seats=2):
    when = (START + timedelta(hours=1)).astimezone(ZoneInfo("Europe/Berlin"))
    published = await groups.create(
        groups.CreateGroup(world.tutor, "calculus", when.strftime("%Y-%m-%d %H:%M"), seats, 60),
        world.ctx,
    )
    group = published.group
    students = [world.student, *[await add_student(world.ctx, 60 + n) for n in range(seats - 1)]]
    return group, [
        (await groups.join(groups.OnGroup(who, group.group_id), world.ctx)).booking
        for who in students
    ]


async def test_a_groups_seats_share_one_space_that_the_last_seat_closes(world, fake):
    group, seats = await _group_seats(world)
    first, second = seats
    world.clock.set(group.start - timedelta(minutes=15))

    assert await spaces.open_space(first.booking_id, world.ctx, fake) == "opened"
    assert await spaces.open_space(second.booking_id, world.ctx, fake) == "joined the group's space"

    [plan] = fake.opened
    assert set(plan.students) == {first.student_id, second.student_id}
    shared = await _stored(world.ctx, first.booking_id)
    assert (await _stored(world.ctx, second.booking_id)).text_id == shared.text_id
    assert fake.let_in_calls == [(shared.text_id, second.student_id)]
    world.clock.set(group.start + timedelta(minutes=1))
    pressed_on_first = attendance.CheckIn(actor(second.student_id), first.booking_id)
    assert await attendance.check_in(pressed_on_first, world.ctx)
    await attendance.check_in(attendance.CheckIn(world.tutor, first.booking_id), world.ctx)
    async with world.ctx.uow(read_only=True) as uow:
        assert set(await uow.attendance.check_ins(second.booking_id)) == {
            second.student_id,
            TUTOR_ID,
        }
        assert set(await uow.attendance.check_ins(first.booking_id)) == {TUTOR_ID}

    world.clock.set(group.end + timedelta(minutes=30))
    assert await spaces.close_space(first.booking_id, world.ctx, fake) == "left the group's space"
    assert fake.closed == []
    assert await spaces.close_space(second.booking_id, world.ctx, fake) == "closed"
    assert [space.text_id for space in fake.closed] == [shared.text_id]
