"""Attendance: Check in, the no-show check after the start, and completion at the end.

SPEC.md "Attendance". Each check-in is stored with its time; each absence found by the
check is written to the audit log with its time, so a dispute has the evidence. The money
moves through `sessions.end_session` (the same path as Mark complete). Voice presence is
counted too (`spaces.voice_joined`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from marketplace.domain.attendance import (
    Attendance,
    both_present,
    can_check_in,
    completion_outcome,
    ensure_check_in_allowed,
    no_show_verdict,
)
from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.cancellation import Party
from marketplace.domain.scheduled import ActionState, ClaimedAction
from marketplace.domain.settlement import Outcome
from marketplace.jobs.runner import HandlerResult
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.ports.notice_details import NoShowDetails
from marketplace.services import scheduling, sessions
from marketplace.services.actor import OnBooking
from marketplace.services.context import SYSTEM_ACTOR, ServiceContext, seat_booking

log = logging.getLogger(__name__)

ABSENT_PARTY = {Outcome.TUTOR_NO_SHOW: "tutor", Outcome.STUDENT_NO_SHOW: "student"}


@dataclass(frozen=True, slots=True)
class CheckIn(OnBooking):
    """The Check in button on a session."""


async def check_in(command: CheckIn, ctx: ServiceContext) -> bool:
    """Check the actor in to their session; False if they already were.

    Refuses anyone but the two participants (`PermissionDeniedError`), a booking that is
    not confirmed (`InvalidTransitionError`) and a time outside the window (`ConflictError`
    "check_in_too_early" / "check_in_closed").
    """
    actor, booking_id = command.actor, command.booking_id
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking = await seat_booking(uow, actor, booking_id)
        party = booking.party_of(actor.user_id, "check_in")
        ensure_check_in_allowed(booking, await uow.guilds.policy(booking.guild_id), now)
        recorded = await record_check_in(uow, booking, party, now)
        await uow.commit()
    return recorded


async def record_check_in(
    uow: UnitOfWork, booking: Booking, party: Party, now: datetime, via: str = "button"
) -> bool:
    """Check `party` in to the booking; a group's tutor is checked in to every seat at once.

    False if they already were.
    """
    user = booking.tutor_id if party is Party.TUTOR else booking.student_id
    recorded = await uow.attendance.check_in(booking.booking_id, user, now, via=via)
    if party is Party.TUTOR and booking.group_id is not None:
        for seat in await uow.groups.seats(booking.group_id):
            if seat.booking_id != booking.booking_id:
                await uow.attendance.check_in(seat.booking_id, user, now, via=via)
    return recorded


async def check_in_open(bookings: list[Booking], guild_id: int, ctx: ServiceContext) -> set[int]:
    """Which of these bookings (of one guild) take check-ins right now."""
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        policy = await uow.guilds.policy(guild_id)
    return {b.booking_id for b in bookings if can_check_in(b, policy, now)}


_NOT_CONFIRMED = HandlerResult(ActionState.SKIPPED, "booking not confirmed at this time")


async def _current(uow: UnitOfWork, action: ClaimedAction) -> tuple[Booking, Attendance] | None:
    """The booking, locked, and its check-ins, if it is still confirmed as the check expects."""
    if action.booking_id is None:
        return None
    booking = await uow.bookings.get(action.booking_id, for_update=True)
    if booking is None or booking.state is not BookingState.CONFIRMED:
        return None
    if action.payload.get("sequence") != booking.sequence:
        return None
    return booking, Attendance.of(booking, await uow.attendance.check_ins(booking.booking_id))


async def _record_absences(
    uow: UnitOfWork, booking: Booking, attendance: Attendance, now: datetime
) -> None:
    for role, user, at in (
        ("tutor", booking.tutor_id, attendance.tutor_at),
        ("student", booking.student_id, attendance.student_at),
    ):
        if at is None:
            detail = {"booking": booking.booking_id, "user": user, "role": role,
                      "checked_at": now.isoformat()}  # fmt: skip
            await uow.audit.record(booking.guild_id, SYSTEM_ACTOR, "absence", detail, now)


async def check_attendance(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """At start + the no-show limit: record a no-show when exactly one side is missing."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        if (current := await _current(uow, action)) is None:
            return _NOT_CONFIRMED
        booking, attendance = current
        await _record_absences(uow, booking, attendance, now)
        verdict = no_show_verdict(attendance)
        if verdict is not None:
            booking = await sessions.end_session(uow, booking, verdict, now)
            absent = NoShowDetails(ABSENT_PARTY[verdict])
            await scheduling.notify_both(
                uow, booking, NoticeKind.NO_SHOW_RECORDED, now, details=absent
            )
        elif not both_present(attendance):
            log.info("booking %s: nobody checked in; left to the participants", booking.booking_id)
        await uow.commit()
    ctx.after_commit()
    return HandlerResult(ActionState.DONE, str(verdict or "no no-show"))


async def auto_complete(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """At the end: complete a session both sides checked in to (late start if so).

    Nobody may have objected: an open report about the booking leaves it to the moderators.
    """
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        if (current := await _current(uow, action)) is None:
            return _NOT_CONFIRMED
        booking, attendance = current
        if not both_present(attendance):
            return HandlerResult(ActionState.SKIPPED, "not both checked in")
        if await uow.cases.open_about_booking(booking.booking_id):
            return HandlerResult(ActionState.SKIPPED, "reported: left to the moderators")
        policy = await uow.guilds.policy(booking.guild_id)
        outcome = completion_outcome(booking, attendance, policy)
        await sessions.end_session(uow, booking, outcome, now)
        await uow.commit()
    ctx.after_commit()
    return HandlerResult(ActionState.DONE, str(outcome))
