"""Card holds and their deadline: capture before the hold lapses, or handle the lapse.

Stripe reports when a card authorization lapses (the charge's
``payment_method_details.card.capture_before``, stored with the payment). A move on a
hold that fails for a passing reason (Stripe down, the network) is tried again with
backoff until shortly before that deadline, not a fixed number of times; the admins are
told when it is getting close and still failing. A hold that lapsed anyway was voided by
Stripe, so nothing was charged: a session still ahead is cancelled, and both sides, the
admins and `/mod queue` are told.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.cancellation import Party
from marketplace.domain.payment import Payment
from marketplace.domain.policy import CARD_HOLD_DAYS, HOLD_MARGIN_DAYS, GuildPolicy
from marketplace.domain.scheduled import (
    ActionKind,
    ActionState,
    ClaimedAction,
    NewAction,
    booking_work,
)
from marketplace.jobs.runner import HandlerResult
from marketplace.ports import NoticeKind, PaymentGatewayError, UnitOfWork
from marketplace.services import scheduling
from marketplace.services.availability import refresh_next_slot
from marketplace.services.context import SYSTEM_ACTOR, ServiceContext

RETRY_FIRST = timedelta(minutes=1)
RETRY_LONGEST = timedelta(hours=1)
LAST_TRY_BEFORE = timedelta(minutes=5)
"""The last try is made this long before the deadline (Stripe's clock may run ahead)."""

ALERT_WITHIN = timedelta(hours=12)
"""Still failing this close to the deadline: the admins are told (once per hold)."""

AT_RISK_ACTION = "capture_at_risk"
LAPSED_ACTION = "capture_lapsed"
FAILED_WORK_ACTION = "job_failed"  # what `/mod queue` lists as work that needs a person
LOST_WHILE = frozenset(
    {BookingState.REQUESTED, BookingState.CONFIRMED, BookingState.COMPLETED, BookingState.NO_SHOW}
)
"""Booking states whose hold was still meant to be captured (or answered) when it lapsed."""


def holding(payment: Payment) -> bool:
    """An authorization that is neither captured nor voided yet."""
    return bool(payment.authorized) and not (payment.captured or payment.voided)


def hold_deadline(stored: datetime | None, booking: Booking) -> datetime:
    """When the hold lapses: Stripe's `capture_before`, else 7 days from the booking.

    The booking is made before its card is authorized, so the fallback is never late.
    """
    return stored or booking.created_at + timedelta(days=CARD_HOLD_DAYS)


def next_try(attempt: int, now: datetime, deadline: datetime) -> datetime | None:
    """When to try a failed hold move again (after `attempt` failures); None: too late.

    1 minute after the first failure, doubling up to an hour, never past the last try.
    """
    last = deadline - LAST_TRY_BEFORE
    if now >= last:
        return None
    delay = min(RETRY_FIRST * (1 << min(attempt - 1, 12)), RETRY_LONGEST)
    return min(now + delay, last)


def request_deadline(booking: Booking, capture_before: datetime | None) -> Booking:
    """A request answered no later than a day before its hold lapses (else it expires)."""
    if capture_before is None or booking.state is not BookingState.REQUESTED:
        return booking
    latest = capture_before - timedelta(days=HOLD_MARGIN_DAYS)
    return replace(booking, expires_at=min(booking.expires_at, latest))


async def retry_before_deadline(
    action: ClaimedAction, ctx: ServiceContext, error: PaymentGatewayError
) -> HandlerResult | None:
    """Schedule another try of a failed hold move before the hold lapses.

    None when the payment holds nothing to capture or no time is left: the error then
    goes to the job runner as usual. Past `ALERT_WITHIN` the admins are told, once.
    """
    booking_id = action.booking_id or 0
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking = await uow.bookings.get(booking_id)
        payment = await uow.payments.get(booking_id)
        if booking is None or payment is None or not holding(payment):
            return None
        deadline = hold_deadline(await uow.payments.capture_before(booking_id), booking)
        attempt = int(str(action.payload.get("hold_try", 0))) + 1
        when = next_try(attempt, now, deadline)
        if when is None:
            return None
        alert = deadline - now <= ALERT_WITHIN and not action.payload.get("alerted")
        await uow.scheduled.schedule(
            NewAction(
                kind=ActionKind.MOVE_MONEY,
                dedupe_key=f"money:{booking_id}:{action.payload.get('tag', '')}:try{attempt}",
                guild_id=action.guild_id,
                due_at=when,
                booking_id=booking_id,
                payload={**action.payload, "hold_try": attempt,
                         "alerted": bool(alert or action.payload.get("alerted"))},
            )
        )  # fmt: skip
        if alert:
            detail = {"booking": booking_id, "deadline": deadline.isoformat(),
                      "error": error.code, "attempts": attempt}  # fmt: skip
            await audit_and_alert(uow, booking, AT_RISK_ACTION, detail, now)
        await uow.commit()
    ctx.after_commit()
    return HandlerResult(
        ActionState.DONE, f"hold move failed ({error.code}); next try {when.isoformat()}"
    )


async def alert_admins(uow: UnitOfWork, booking: Booking, reason: str, now: datetime) -> None:
    """Queue an alert to the guild's admins about this booking's money (durable)."""
    await uow.scheduled.schedule(
        booking_work(
            ActionKind.ALERT_ADMINS,
            booking,
            f"alert:{booking.booking_id}:{reason}",
            now,
            payload={"reason": reason},
        )
    )


async def audit_and_alert(
    uow: UnitOfWork, booking: Booking, action: str, detail: dict[str, Any], now: datetime
) -> None:
    """A money event: audited as TutorBot's, and the guild's admins alerted about it."""
    await uow.audit.record(booking.guild_id, SYSTEM_ACTOR, action, detail, now)
    await alert_admins(uow, booking, action, now)


async def hold_lapsed(
    uow: UnitOfWork, booking: Booking, policy: GuildPolicy, now: datetime
) -> Booking:
    """Stripe voided a hold that was still needed: the session is unpaid, nothing charged.

    A request or a session still ahead is cancelled (by TutorBot); a session already
    held is left as it is, with no payout, for the admins to settle. Both sides, the
    admins and `/mod queue` are told. Returns the booking as it is now.
    """
    if booking.state not in LOST_WHILE:
        return booking  # it was being released anyway
    if booking.state in (BookingState.REQUESTED, BookingState.CONFIRMED):
        booking, _ = booking.cancel(Party.SYSTEM, now, policy)
        await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
        await scheduling.drop_booking_work(uow, booking, now)
        await refresh_next_slot(uow, booking.guild_id, booking.tutor_id, policy, now)
    detail = {"booking": booking.booking_id, "state": booking.state.value}
    await uow.audit.record(booking.guild_id, SYSTEM_ACTOR, LAPSED_ACTION, detail, now)
    failed = {"kind": LAPSED_ACTION, "booking": booking.booking_id, "error": "hold lapsed"}
    await uow.audit.record(booking.guild_id, SYSTEM_ACTOR, FAILED_WORK_ACTION, failed, now)
    await scheduling.notify_both(uow, booking, NoticeKind.PAYMENT_LAPSED, now)
    await alert_admins(uow, booking, LAPSED_ACTION, now)
    return booking
