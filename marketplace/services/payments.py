"""Money inside booking changes: price a paid request, settle by outcome, reconcile.

Decisions are made inside the booking's own transaction and written as durable
``move_money`` / ``pay_out`` actions, so a crash between deciding and moving can never
lose or repeat a movement: the job runner performs each move with an idempotency key
derived from the booking, then `apply_observed` records what the provider now reports.
Webhooks, the checkout return page and the money jobs all go through `apply_observed`,
which is order-proof and repeatable (see `marketplace.domain.payment.reconcile`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.errors import ConflictError
from marketplace.domain.money import Quote
from marketplace.domain.payment import (
    Capture,
    GatewayOp,
    Observed,
    Payment,
    reconcile,
)
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.profiles import TutorProfile
from marketplace.domain.scheduled import ActionKind, booking_work
from marketplace.domain.settlement import FULL_REFUND, Settlement, session_quote, settle
from marketplace.ports import IntentState, NoticeKind, UnitOfWork
from marketplace.ports.notice_details import RequestDetails
from marketplace.services import card_holds, referral_credit, refund_failures, reviews, scheduling
from marketplace.services.context import ServiceContext

LINK_DAYS_AFTER_END = 30
"""A checkout/status link keeps working this long after the session ends."""

CHECKOUT_SESSION_LIFETIME = timedelta(hours=23)
"""The provider's checkout lives this long after the booking (Stripe allows 30 min–24 h).

Our own expiry job closes it when the booking's payment window ends; the long life only
lets a resumed link always reach the same session, and a late payment is voided.
"""


def payments_on(policy: GuildPolicy, ctx: ServiceContext) -> bool:
    """Whether this guild takes payments (a Stripe key is set and the guild wants them)."""
    return policy.payments_enabled and ctx.payments_configured


def price_of(
    tutor: TutorProfile, minutes: int, policy: GuildPolicy, ctx: ServiceContext
) -> Quote | None:
    """The session's price, fee and total; None for a free session."""
    if not payments_on(policy, ctx) or tutor.rate.minor <= 0:
        return None
    return session_quote(tutor.rate, minutes, policy.platform_fee_bps)


async def ensure_can_be_paid(uow: UnitOfWork, guild_id: int, tutor_id: int) -> None:
    """A paid session needs a tutor who can receive payouts."""
    account = await uow.payout_accounts.get(guild_id, tutor_id)
    if account is None or not account.can_receive_transfers:
        raise ConflictError("tutor_not_accepting_payments")


async def open_payment(
    uow: UnitOfWork, booking: Booking, price: Quote, policy: GuildPolicy, now: datetime
) -> None:
    """A paid request was made: its payment awaits checkout until the booking's deadline."""
    await uow.payments.add(Payment(booking.booking_id, price), booking.guild_id, "manual", now)
    await scheduling.schedule_expiry(uow, booking)


async def issue_link(uow: UnitOfWork, booking: Booking, now: datetime) -> str:
    """The token for the booking's checkout and status pages (one per booking while valid)."""
    current = await uow.checkout_tokens.current(booking.booking_id, now)
    if current is not None:
        return current
    expires = max(booking.end, now) + timedelta(days=LINK_DAYS_AFTER_END)
    return await uow.checkout_tokens.issue(booking.booking_id, expires, now)


def capture_deadline(payment_created: datetime, policy: GuildPolicy) -> datetime:
    """Until when a card hold may simply wait for the session's end.

    Counted from when the payment was opened, which is never after the authorization,
    so the hold is always captured before the card network drops it.
    """
    return payment_created + timedelta(days=policy.hold_max_days)


async def capture_if_far(
    uow: UnitOfWork,
    booking: Booking,
    policy: GuildPolicy,
    now: datetime,
    *,
    held_since: datetime | None = None,
) -> None:
    """A confirmed booking ending after the hold window is captured now and held.

    Run when the booking is confirmed and whenever it moves (rescheduling keeps the
    payment, so a move past the window captures it then). A hold that may wait is still
    captured at the window's end if the session has not been settled by then, so the
    card network never drops it. `held_since` is when a hold taken long after the
    booking was made (a paid series' week, authorized days before it) began.
    """
    payment = await uow.payments.get(booking.booking_id)
    if payment is None or payment.captured or payment.voided or not payment.authorized:
        return
    deadline = capture_deadline(held_since or booking.created_at, policy)
    if booking.end > deadline:
        await _schedule_move(uow, booking, {"capture_all": True}, "hold-window", now)
    else:
        await _schedule_move(uow, booking, {"capture_all": True}, "hold-deadline", deadline)


async def settle_booking(
    uow: UnitOfWork,
    booking: Booking,
    split: tuple[int, int],
    policy: GuildPolicy,
    now: datetime,
    *,
    tag: str = "",
    payout_key: str = "",
    payout_due: datetime | None = None,
) -> Settlement | None:
    """Settle the booking's payment by (refund %, tutor share %); None when it has none.

    Schedules the gateway moves now (`money_jobs.move_money` works out which: void,
    capture of part, or refund), and the payout of what is kept once the dispute window
    after the end has closed. A referral credit the price used comes back to the student
    in the same share as the refund (all of it when nothing was charged). `tag`
    (default: the booking's state) names the reason; `payout_key` and `payout_due` set a
    re-settlement's own payout (a dispute's decision).
    """
    payment = await uow.payments.get(booking.booking_id, for_update=True)
    if payment is None:
        return None
    payment = await referral_credit.give_back(uow, booking, payment, split[0], now)
    settlement = settle(payment.price, *split)
    if not payment.authorized or payment.voided:
        return settlement  # nothing was charged; a payment arriving later is released
    refund, share = split
    target = {"refund_percent": refund, "tutor_share_percent": share}
    await _schedule_move(uow, booking, target, tag or booking.state.value, now)
    if settlement.kept.minor:
        due = max(now, booking.end) + timedelta(hours=policy.dispute_window_hours)
        await uow.scheduled.schedule(
            booking_work(
                ActionKind.PAY_OUT,
                booking,
                payout_key or f"payout:{booking.booking_id}",
                payout_due or due,
                user_id=booking.tutor_id,
                payload={"tutor": settlement.tutor.minor, "platform": settlement.platform.minor},
            )
        )
    return settlement


async def release_hold(
    uow: UnitOfWork, booking: Booking, policy: GuildPolicy, now: datetime, *, tag: str = ""
) -> None:
    """Decline, expiry or a late payment: give everything back at no cost."""
    await settle_booking(uow, booking, FULL_REFUND, policy, now, tag=tag)


async def _schedule_move(
    uow: UnitOfWork, booking: Booking, target: Mapping[str, object], tag: str, now: datetime
) -> None:
    """Schedule the money moves that bring the payment to `target`; `tag` says why."""
    await uow.scheduled.schedule(
        booking_work(
            ActionKind.MOVE_MONEY,
            booking,
            f"money:{booking.booking_id}:{tag}",
            now,
            payload={**target, "tag": tag},
        )
    )


def moves_needed(
    payment: Payment, booking: Booking, target: Mapping[str, object], refunding: int = 0
) -> list[GatewayOp]:
    """What is still to do to reach a `move_money` target, from the payment as recorded.

    `refunding` is what refunds still pending at the provider will give back: counted as
    asked for, so a pending refund is never asked for twice.
    """
    if target.get("capture_all"):
        live = booking.state is BookingState.CONFIRMED
        waiting = payment.authorized and not (payment.captured or payment.voided)
        return [Capture(payment.authorized)] if live and waiting else []
    refund = int(str(target["refund_percent"]))
    share = int(str(target["tutor_share_percent"]))
    return payment.plan_with_pending(settle(payment.price, refund, share), refunding)


def observed(intent: IntentState) -> Observed:
    """The provider's report, as the domain reads it."""
    return Observed(
        intent_id=intent.intent_id,
        amount=intent.amount,
        held=intent.amount_capturable if intent.held else 0,
        captured=intent.amount_received,
        refunded=intent.amount_refunded,
        canceled=intent.status == "canceled",
        failed=intent.failed,
        refunding=intent.refunding,
    )


@dataclass(frozen=True, slots=True)
class Applied:
    """The booking and its payment once the provider's state is recorded."""

    booking: Booking
    payment: Payment


async def apply_observed(
    uow: UnitOfWork,
    booking_id: int,
    intent: IntentState,
    now: datetime,
    *,
    session_id: str | None = None,
) -> Applied | None:
    """Record the provider's current state of a booking's payment, inside `uow`.

    Writes the ledger entries for what moved; a payment newly held sends the request to
    the tutor (or confirms it with instant booking); a payment held for a booking that is
    already over (expired, declined, cancelled) is released again; a hold Stripe let
    lapse uncaptured leaves the session unpaid (`card_holds.hold_lapsed`). The hold's
    deadline (`capture_before`) is stored. None when the booking has no payment.
    """
    booking = await uow.bookings.get(booking_id, for_update=True)
    payment = await uow.payments.get(booking_id, for_update=True)
    if booking is None or payment is None:
        return None
    await uow.payments.set_refs(booking_id, session_id, intent.intent_id)
    await uow.payments.set_capture_before(booking_id, intent.capture_before)
    was_held = bool(payment.authorized)
    updated, entries = reconcile(payment, observed(intent))
    if updated != payment:
        await uow.payments.save(updated, now)
    for entry in entries:
        await uow.ledger.record(entry, booking.guild_id, now)
    updated = await _credit_follows(uow, booking, payment, updated, now)
    newly_held = bool(updated.authorized) and not was_held
    await refund_failures.record(uow, booking, intent, now)
    policy = await uow.guilds.policy(booking.guild_id)
    if intent.lapsed and updated.voided and not payment.voided:
        booking = await card_holds.hold_lapsed(uow, booking, policy, now)
    if newly_held and booking.state is BookingState.AWAITING_PAYMENT:
        booking = await _payment_arrived(uow, booking, policy, now, intent.capture_before)
    elif newly_held and booking.state is BookingState.CONFIRMED:  # a paid series' week
        await capture_if_far(uow, booking, policy, now, held_since=now)
    elif newly_held and booking.terminal:  # paid after it expired or was cancelled
        await release_hold(uow, booking, policy, now, tag="late-payment")
        to = booking.student_id
        await scheduling.notify(uow, booking, NoticeKind.PAYMENT_RELEASED, to, now)
    return Applied(booking, updated)


async def _credit_follows(
    uow: UnitOfWork, booking: Booking, before: Payment, after: Payment, now: datetime
) -> Payment:
    """What the provider just reported, for referral credit.

    A hold voided means nothing was charged: the price's credit goes back to the
    student. A payment now refunded in full (a refund at the provider, say from the
    dashboard) withdraws a referral whose first session it was.
    """
    if after.voided and not before.voided:
        after = await referral_credit.give_back(uow, booking, after, 100, now)
    kept = after.captured - after.refunded
    if after.refunded > before.refunded and after.captured and kept <= 0:
        await referral_credit.session_refunded(uow, booking.booking_id, now)
    return after


async def _payment_arrived(
    uow: UnitOfWork,
    booking: Booking,
    policy: GuildPolicy,
    now: datetime,
    capture_before: datetime | None,
) -> Booking:
    booking, _ = booking.pay(now, policy)
    booking = card_holds.request_deadline(booking, capture_before)
    await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
    await scheduling.drop_booking_work(uow, booking, now)
    if booking.state is BookingState.CONFIRMED:
        await scheduling.notify_both(uow, booking, NoticeKind.BOOKING_CONFIRMED, now)
        await scheduling.schedule_reminders(uow, booking, policy)
        await capture_if_far(uow, booking, policy, now)
    else:
        standing = RequestDetails.from_fields(await reviews.student_standing(uow, booking, policy))
        await scheduling.notify(
            uow, booking, NoticeKind.BOOKING_REQUESTED, booking.tutor_id, now, details=standing
        )
        await scheduling.schedule_expiry(uow, booking)
    return booking
