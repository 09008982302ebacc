"""Moving a confirmed booking: propose a new time, and the other side's answer.

The booking and its payment stay the same; only the time changes (and a move past the
card-hold window captures the payment then).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from marketplace.domain.booking import Booking, validate_booking_time
from marketplace.domain.cancellation import Party
from marketplace.domain.errors import ConflictError
from marketplace.domain.policy import GuildPolicy
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.services import payments, scheduling, series_payments
from marketplace.services.actor import OnBooking
from marketplace.services.availability import refresh_next_slot
from marketplace.services.bookings import (
    BookSession,
    ensure_free,
    ensure_not_restricted,
    owned_booking,
    start_of,
)
from marketplace.services.caps import ensure_within_caps
from marketplace.services.context import ServiceContext


@dataclass(frozen=True, slots=True)
class PreviewReschedule(OnBooking):
    """The Reschedule form of a booking, before the caller confirms the time it read."""

    when: str


async def read_time(command: PreviewReschedule, ctx: ServiceContext) -> datetime:
    """What `when` means in the caller's zone (UTC), to echo back before anything is saved.

    Refuses, before the echo, a booking that is not the caller's and a time the booking
    could not move to (past, too soon, too far ahead); `reschedule` checks all again.
    """
    actor, booking_id, when = command.actor, command.booking_id, command.when
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        booking, _ = await owned_booking(
            uow, booking_id, actor, "request_reschedule", for_update=False
        )
        policy = await uow.guilds.policy(actor.guild_id)
        start = await start_of(uow, BookSession(actor, 0, 0, when=when), policy, now)
    minutes = int((booking.end - booking.start).total_seconds() // 60)
    validate_booking_time(start, minutes, now, policy)
    return start


@dataclass(frozen=True, slots=True)
class RescheduleBooking(OnBooking):
    """The caller confirmed the new time the Reschedule form read (or typed it)."""

    when: str | datetime


async def reschedule(command: RescheduleBooking, ctx: ServiceContext) -> Booking:
    """Move a confirmed booking: at once with instant booking, else the other side answers.

    `when` is the caller's words, or the start they already confirmed. A restricted
    caller is refused: moving a session books a new time.
    """
    actor, booking_id, when = command.actor, command.booking_id, command.when
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking, by = await owned_booking(uow, booking_id, actor, "request_reschedule")
        await ensure_not_restricted(uow, booking.guild_id, (actor.user_id,), now)
        policy = await uow.guilds.policy(actor.guild_id)
        start = when if isinstance(when, datetime) else None
        cmd = BookSession(
            actor, booking.tutor_id, 0, when=None if start else str(when), start=start
        )
        new_start = await start_of(uow, cmd, policy, now)
        new_end = await check_new_time(uow, booking, new_start, policy, now)
        instant = await moves_at_once(uow, booking, by)
        booking, _ = booking.request_reschedule(new_start, new_end, by, now, instant=instant)
        await after_time_change(uow, booking, policy, now, moved=instant, proposer=by)
        await uow.commit()
    ctx.after_commit()
    return booking


async def check_new_time(
    uow: UnitOfWork, booking: Booking, new_start: datetime, policy: GuildPolicy, now: datetime
) -> datetime:
    """Every check a move to `new_start` must pass (same length); the new end."""
    minutes = int((booking.end - booking.start).total_seconds() // 60)
    new_end = validate_booking_time(new_start, minutes, now, policy)
    await ensure_free(uow, booking, start=new_start, end=new_end, policy=policy, now=now)
    exclude = booking.booking_id
    if await uow.bookings.student_clash(
        booking.guild_id, booking.student_id, new_start, new_end, exclude
    ):
        raise ConflictError("student_busy")
    await ensure_within_caps(uow, replace(booking, start=new_start, end=new_end), policy)
    return new_end


async def moves_at_once(uow: UnitOfWork, booking: Booking, by: Party) -> bool:
    """A student's move of an instant-booking tutor's session needs no answer."""
    tutor = await uow.tutors.get(booking.guild_id, booking.tutor_id)
    return by is Party.STUDENT and tutor is not None and tutor.instant_booking


@dataclass(frozen=True, slots=True)
class AnswerReschedule(OnBooking):
    """Accept or Decline on a proposed new time."""

    accepted: bool


async def answer_reschedule(command: AnswerReschedule, ctx: ServiceContext) -> Booking:
    """The other side accepts or declines a proposed new time."""
    actor, booking_id, accepted = command.actor, command.booking_id, command.accepted
    now = ctx.clock.now()
    action = "accept_reschedule" if accepted else "decline_reschedule"
    async with ctx.uow() as uow:
        booking, by = await owned_booking(uow, booking_id, actor, action)
        policy = await uow.guilds.policy(actor.guild_id)
        if not accepted:
            proposer, proposed = booking.proposed_by, booking.proposed_start
            booking, _ = booking.decline_reschedule(by, now)
            await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
            to = booking.tutor_id if proposer is Party.TUTOR else booking.student_id
            await scheduling.notify(
                uow, booking, NoticeKind.RESCHEDULE_DECLINED, to, now, about=proposed
            )
        else:
            await ensure_not_restricted(uow, booking.guild_id, (actor.user_id,), now)
            if booking.proposed_start and booking.proposed_end:
                await ensure_free(
                    uow,
                    booking,
                    start=booking.proposed_start,
                    end=booking.proposed_end,
                    policy=policy,
                    now=now,
                )
            booking, _ = booking.accept_reschedule(by, now)
            await after_time_change(uow, booking, policy, now, moved=True, proposer=None)
        await uow.commit()
    ctx.after_commit()
    return booking


async def after_time_change(
    uow: UnitOfWork,
    booking: Booking,
    policy: GuildPolicy,
    now: datetime,
    *,
    moved: bool,
    proposer: Party | None,
    tell: bool = True,
) -> None:
    """Store a move (or a proposal) and what follows from it, inside the caller's work.

    Without `tell` nobody is told: a series' move tells both once for all its weeks.
    """
    await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
    if moved:
        await scheduling.drop_booking_work(uow, booking, now)
        await scheduling.close_space_soon(uow, booking, now)
        await scheduling.schedule_reminders(uow, booking, policy)
        await payments.capture_if_far(uow, booking, policy, now)
        await series_payments.reschedule_week_work(uow, booking, policy, now)
        if tell:
            await scheduling.notify_both(uow, booking, NoticeKind.BOOKING_RESCHEDULED, now)
        await refresh_next_slot(uow, booking.guild_id, booking.tutor_id, policy, now)
    elif tell:
        other = booking.student_id if proposer is Party.TUTOR else booking.tutor_id
        await scheduling.notify(
            uow, booking, NoticeKind.RESCHEDULE_REQUESTED, other, now, about=booking.proposed_start
        )
