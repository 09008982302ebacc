"""Refunds that failed: told to the student and the moderators, then decided.

The ledger counts only refunds that succeeded (`payment.reconcile` takes back one that
failed after it was recorded). Each failed refund is stored once, from the provider's
own report, however often or in whatever order its events arrive; the student and the
guild's admins are told, and `/mod queue` lists it until a moderator either asks for the
refund again (a new refund, with its own idempotency key) or records that the money was
given back another way. While one is open the tutor's payout waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from marketplace.domain.booking import Booking
from marketplace.domain.ledger import Account, Entry
from marketplace.domain.money import Money
from marketplace.domain.refund_failures import RefundFailure, RefundFailureState
from marketplace.domain.scheduled import ActionKind, booking_work
from marketplace.ports import IntentState, NoticeKind, UnitOfWork
from marketplace.ports.notice_details import AmountDetails
from marketplace.services import scheduling
from marketplace.services.actor import OnBooking
from marketplace.services.card_holds import audit_and_alert
from marketplace.services.context import ServiceContext, in_guild
from marketplace.services.moderation import require_moderator

FAILED_ACTION = "refund_failed"
"""The audit action, and the admins' alert, for a refund Stripe reported failed."""

Decision = Literal["retry", "settled"]


async def record(uow: UnitOfWork, booking: Booking, intent: IntentState, now: datetime) -> None:
    """Store each failed refund the provider reports, once; tell the student and the admins."""
    for refund in intent.failed_refunds:
        failure = RefundFailure(
            refund_id=refund.refund_id,
            booking_id=booking.booking_id,
            guild_id=booking.guild_id,
            amount=refund.amount,
            currency=intent.currency or "",
            reason=refund.failure_reason or "unknown",
            state=RefundFailureState.OPEN,
            created_at=now,
        )
        if not await uow.refund_failures.add(failure):
            continue
        detail = {"booking": booking.booking_id, "refund": refund.refund_id,
                  "amount": refund.amount, "reason": failure.reason}  # fmt: skip
        await audit_and_alert(uow, booking, FAILED_ACTION, detail, now)
        await scheduling.notify(
            uow, booking, NoticeKind.REFUND_FAILED, booking.student_id, now, about=now,
            details=AmountDetails(str(refund.amount), failure.currency),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class DecideRefund(OnBooking):
    """A moderator's decision about a booking's failed refunds."""

    decision: Decision


async def decide(cmd: DecideRefund, ctx: ServiceContext) -> list[RefundFailure]:
    """Retry the booking's failed refunds, or record them as given back elsewhere.

    A retry is a durable job; either decision is audited. Returns the failures decided.

    Raises `PermissionDeniedError` for a non-moderator, `NotFoundError` when the booking
    (in the actor's guild) has no failed refund waiting for a decision.
    """
    actor, now = cmd.actor, ctx.clock.now()
    state = RefundFailureState.RETRIED if cmd.decision == "retry" else RefundFailureState.SETTLED
    async with ctx.uow() as uow:
        await require_moderator(uow, actor, "refund_decision")
        open_ones = await uow.refund_failures.open_for_booking(cmd.booking_id)
        waiting = in_guild(open_ones, actor, "refund_failure", cmd.booking_id)
        decided = [failure.decide(state, actor.user_id, now) for failure in waiting]
        for failure in decided:
            await uow.refund_failures.save(failure)
            if cmd.decision == "retry":
                await _schedule_retry(uow, failure, now)
            else:
                await _settle_elsewhere(uow, failure, now)
        detail = {"booking": cmd.booking_id, "decision": cmd.decision,
                  "refunds": [f.refund_id for f in decided]}  # fmt: skip
        await uow.audit.record(actor.guild_id, actor.user_id, "refund_decided", detail, now)
        await uow.commit()
    ctx.after_commit()
    return decided


async def _schedule_retry(uow: UnitOfWork, failure: RefundFailure, now: datetime) -> None:
    await uow.scheduled.schedule(
        booking_work(
            ActionKind.RETRY_REFUND,
            failure,
            f"refund-retry:{failure.refund_id}",
            now,
            payload={"refund": failure.refund_id, "amount": failure.amount},
        )
    )


async def _settle_elsewhere(uow: UnitOfWork, failure: RefundFailure, now: datetime) -> None:
    """The student got the money back outside Stripe: it leaves `held` as refunded."""
    payment = await uow.payments.get(failure.booking_id, for_update=True)
    if payment is None:
        return
    amount = min(failure.amount, payment.held_on_platform)
    if amount <= 0:
        return
    await uow.payments.save(payment.refund_elsewhere(amount), now)
    money = Money(amount, payment.price.total.currency)
    entry = Entry(
        failure.booking_id, Account.HELD, Account.REFUNDED, money,
        f"refund-elsewhere:{failure.refund_id}",
    )  # fmt: skip
    await uow.ledger.record(entry, failure.guild_id, now)
