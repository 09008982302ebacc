"""How a session that was on ends: completed (maybe with a late start) or a no-show.

Each outcome settles the money by SPEC.md "Attendance" (see
`marketplace.domain.settlement.outcome_split`): the capture or refund happens now, the
tutor's payout once the dispute window after the end has closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from marketplace.domain.attendance import Attendance, completion_outcome
from marketplace.domain.booking import Booking
from marketplace.domain.errors import NotFoundError
from marketplace.domain.ranking import session_tally
from marketplace.domain.settlement import Outcome, outcome_split
from marketplace.ports import UnitOfWork
from marketplace.services import payments, referrals, survey
from marketplace.services.actor import OnBooking
from marketplace.services.context import ServiceContext, seat_booking


@dataclass(frozen=True, slots=True)
class FindCounterpart(OnBooking):
    """Report on a session: whom the caller would report."""


async def counterpart(command: FindCounterpart, ctx: ServiceContext) -> int:
    """The other participant of the actor's session (`PermissionDeniedError` if not theirs)."""
    actor, booking_id = command.actor, command.booking_id
    async with ctx.uow(read_only=True) as uow:
        booking = await seat_booking(uow, actor, booking_id)
    booking.party_of(actor.user_id, "report")
    return booking.tutor_id if actor.user_id == booking.student_id else booking.student_id


@dataclass(frozen=True, slots=True)
class CompleteSession(OnBooking):
    """The Mark complete button on a session."""


async def complete(command: CompleteSession, ctx: ServiceContext) -> Booking:
    """Mark complete: either side, once the session has started.

    A tutor who checked in after the no-show limit makes it a late start.
    """
    actor, booking_id = command.actor, command.booking_id
    async with ctx.uow(read_only=True) as uow:
        booking = await seat_booking(uow, actor, booking_id)
        booking.party_of(actor.user_id, "complete")
        policy = await uow.guilds.policy(booking.guild_id)
        attendance = Attendance.of(booking, await uow.attendance.check_ins(booking.booking_id))
    outcome = completion_outcome(booking, attendance, policy)
    return await record_outcome(booking.booking_id, outcome, ctx)


async def record_outcome(booking_id: int, outcome: Outcome, ctx: ServiceContext) -> Booking:
    """The system records how the session ended and settles its money."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking = await uow.bookings.get(booking_id, for_update=True)
        if booking is None:
            raise NotFoundError("booking", str(booking_id))
        booking = await end_session(uow, booking, outcome, now)
        await uow.commit()
    ctx.after_commit()
    return booking


async def end_session(
    uow: UnitOfWork, booking: Booking, outcome: Outcome, now: datetime
) -> Booking:
    """Inside the caller's transaction: end the session with `outcome` and settle its money.

    A session that took place (completed, or a late start) also queues the survey to both,
    and a referred student's first one earns their referrer's credit (`referrals`).
    The tutor's completion counts take the outcome in the same transaction, once: a second
    end of the same session is refused by the booking's state machine before any of this.
    """
    policy = await uow.guilds.policy(booking.guild_id)
    booking, _ = booking.end_session(outcome, now)
    await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
    await payments.settle_booking(uow, booking, outcome_split(outcome, policy), policy, now)
    if outcome in (Outcome.COMPLETED, Outcome.LATE_START):
        await survey.schedule_surveys(uow, booking, now)
    await referrals.session_held(uow, booking, outcome, policy, now)
    await uow.search.add_completion(booking.guild_id, booking.tutor_id, session_tally(outcome))
    return booking
