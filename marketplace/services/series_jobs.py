"""The durable jobs of a paid series' week: its off-session hold, and its pay-by check.

`authorize_week` runs `series_authorize_days_before` days before the week: it holds the
week's total on the student's saved card (manual capture, off-session). A decline, a
card that needs the student (SCA), or no saved card sends the student a DM with **Pay**
for that week instead. `week_pay_deadline` runs at the minimum notice: a week still not
paid is cancelled by TutorBot and both sides are told. Each acts only while the week is
still requested or confirmed and unpaid, so a cancelled series stops both; a week that
moved is checked against its new time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from marketplace.domain.booking import Booking
from marketplace.domain.cancellation import Party
from marketplace.domain.payment import Payment
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.scheduled import ActionState, ClaimedAction
from marketplace.domain.series import authorize_at, pay_by
from marketplace.jobs.runner import HandlerResult
from marketplace.ports import NoticeKind, PaymentGatewayError
from marketplace.ports.notice_details import SeriesPaymentDetails
from marketplace.ports.payments import SavedCardCharge
from marketplace.services import bookings, checkout, payments, scheduling, series_payments
from marketplace.services.availability import refresh_next_slot
from marketplace.services.context import ServiceContext

EARLY_TOLERANCE = timedelta(minutes=1)
NEEDS_STUDENT = {"authentication_required": "authentication"}
"""Card error codes that need the student themselves (SCA); any other is a decline."""


def _skip(why: str) -> HandlerResult:
    return HandlerResult(ActionState.SKIPPED, why)


def _done(what: str) -> HandlerResult:
    return HandlerResult(ActionState.DONE, what)


async def _unpaid_week(
    action: ClaimedAction, ctx: ServiceContext
) -> tuple[Booking, Payment, GuildPolicy] | str:
    """The week, its payment and policy while it still waits for money; else why not."""
    async with ctx.uow(read_only=True) as uow:
        booking = await uow.bookings.get(action.booking_id or 0)
        payment = await uow.payments.get(action.booking_id or 0)
        if booking is None or payment is None:
            return "no such paid week"
        if booking.state not in series_payments.HELD_WHILE:
            return f"week is {booking.state.value}"
        if payment.authorized or payment.voided:
            return "already paid"
        return booking, payment, await uow.guilds.policy(booking.guild_id)


async def _reschedule(booking: Booking, policy: GuildPolicy, ctx: ServiceContext) -> None:
    """The week moved later: its jobs again, at its new time."""
    async with ctx.uow() as uow:
        work = series_payments.week_work(booking, policy, ctx.clock.now())
        await scheduling.schedule_all(uow, work)
        await uow.commit()


async def authorize_week(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """Hold the week's total on the saved card, off-session; else ask the student to pay."""
    gateway = ctx.gateway
    found = await _unpaid_week(action, ctx)
    if gateway is None or isinstance(found, str):
        return _skip("payments are not configured" if gateway is None else str(found))
    booking, payment, policy = found
    now = ctx.clock.now()
    if now + EARLY_TOLERANCE < authorize_at(booking.start, policy.series_authorize_days_before):
        await _reschedule(booking, policy, ctx)
        return _skip("the week moved later")
    async with ctx.uow(read_only=True) as uow:
        card = await uow.saved_cards.card(booking.guild_id, booking.student_id)
    if card is None:
        return await _ask_student(booking, policy, "no_card", ctx)
    charge = SavedCardCharge(
        booking_id=booking.booking_id, guild_id=booking.guild_id, amount=payment.price.total,
        customer_id=card.customer_id, payment_method_id=card.payment_method_id,
        description=f"Weekly session #{booking.booking_id}",
        transfer_group=f"booking_{booking.booking_id}",
    )  # fmt: skip
    key = f"booking-{booking.booking_id}-offsession-{booking.sequence}"
    try:
        intent = await gateway.authorize_saved_card(charge, key)
    except PaymentGatewayError as error:
        if error.retryable:
            raise  # the runner tries again; the same key replays Stripe's first answer
        return await _ask_student(booking, policy, NEEDS_STUDENT.get(error.code, "declined"), ctx)
    if not intent.held:  # e.g. `requires_action` (localstripe's answer for an SCA card)
        reason = "authentication" if intent.status == "requires_action" else "declined"
        return await _ask_student(booking, policy, reason, ctx)
    async with ctx.uow() as uow:
        await payments.apply_observed(uow, booking.booking_id, intent, now)
        await uow.commit()
    ctx.after_commit()
    return _done("held on the saved card")


async def _ask_student(
    booking: Booking, policy: GuildPolicy, reason: str, ctx: ServiceContext
) -> HandlerResult:
    """DM the student a **Pay** for this week, payable until the minimum notice."""
    deadline = pay_by(booking.start, policy.min_notice_minutes)
    details = SeriesPaymentDetails(reason=reason, pay_by=str(int(deadline.timestamp())))
    async with ctx.uow() as uow:
        await scheduling.notify(
            uow, booking, NoticeKind.SERIES_PAYMENT_NEEDED, booking.student_id,
            ctx.clock.now(), details=details,
        )  # fmt: skip
        await uow.commit()
    ctx.after_commit()
    return _done(f"the student was asked to pay ({reason})")


async def week_pay_deadline(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """The minimum notice: a week still unpaid is cancelled (free), both are told."""
    found = await _unpaid_week(action, ctx)
    if isinstance(found, str):
        return _skip(found)
    booking, _payment, policy = found
    now = ctx.clock.now()
    if now + EARLY_TOLERANCE < pay_by(booking.start, policy.min_notice_minutes):
        await _reschedule(booking, policy, ctx)
        return _skip("the week moved later")
    if await checkout.paid_before_closing(booking.booking_id, ctx, series_payments.HELD_WHILE):
        return _skip("paid just in time")
    return await _cancel_unpaid(booking.booking_id, ctx, now)


async def _cancel_unpaid(booking_id: int, ctx: ServiceContext, now: datetime) -> HandlerResult:
    async with ctx.uow() as uow:
        booking = await uow.bookings.get(booking_id, for_update=True)
        payment = await uow.payments.get(booking_id, for_update=True)
        if booking is None or payment is None or booking.state not in series_payments.HELD_WHILE:
            return _skip("no longer waiting")
        if payment.authorized:
            return _skip("paid just in time")
        policy = await uow.guilds.policy(booking.guild_id)
        cancelled = await bookings.cancel_in(uow, booking, Party.SYSTEM, policy, now)
        await scheduling.notify_both(uow, cancelled, NoticeKind.SERIES_WEEK_UNPAID, now)
        await refresh_next_slot(uow, booking.guild_id, booking.tutor_id, policy, now)
        await uow.commit()
    ctx.after_commit()
    return _done("unpaid at the minimum notice: cancelled")
