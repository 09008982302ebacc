"""Card disputes (chargebacks), end to end: freeze, evidence, the bank's decision.

Every path (a ``charge.dispute.*`` webhook, the payout job finding a disputed charge)
re-reads the dispute from Stripe and goes through `_apply`, inside the booking's
transaction, so events arriving twice or out of order change nothing more:

- a dispute first seen freezes the payout, tells the tutor and the admins, and stores an
  evidence draft from the session's record (`dispute_evidence.draft`);
- a dispute first seen decided books its fee and, when lost, the chargeback
  (`card_disputes.decide`); a payout already made is reversed by a durable job when the
  guild's `chargeback_reverses_payout` is on, and the tutor is told why;
- the payout is frozen while any dispute of the payment is open, and goes ahead (at its
  next check) once every one is decided.

An admin sends the draft from `/mod queue` (**Submit evidence**) before Stripe's due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.domain.booking import Booking
from marketplace.domain.card_disputes import CardDispute, decide, reversal_entries
from marketplace.domain.errors import ConflictError
from marketplace.domain.scheduled import (
    ActionKind,
    ActionState,
    ClaimedAction,
    booking_work,
)
from marketplace.jobs.runner import HandlerResult
from marketplace.ports import (
    DisputeState,
    NoticeKind,
    PaymentGateway,
    PaymentGatewayError,
    ProviderEvent,
    UnitOfWork,
)
from marketplace.ports.notice_details import (
    AmountDetails,
    CardDisputeDecidedDetails,
    PaymentDisputedDetails,
)
from marketplace.services import dispute_evidence, referral_credit, scheduling
from marketplace.services.actor import OnBooking
from marketplace.services.card_holds import alert_admins, audit_and_alert
from marketplace.services.context import SYSTEM_ACTOR, ServiceContext, in_guild
from marketplace.services.event_results import EventResult, first_time
from marketplace.services.moderation import require_moderator

DISPUTE_EVENTS = frozenset(
    {
        "charge.dispute.created",
        "charge.dispute.updated",
        "charge.dispute.closed",
        "charge.dispute.funds_withdrawn",
        "charge.dispute.funds_reinstated",
    }
)
OPENED_ACTION = "payment_disputed"
"""The audit action, and the admins' alert, for a card dispute opened."""

LOST_ACTION = "card_dispute_lost"
"""The audit action, and the admins' alert, for a card dispute lost."""


def _gateway(ctx: ServiceContext) -> PaymentGateway:
    if ctx.gateway is None:
        raise ConflictError("payment_unavailable")
    return ctx.gateway


async def handle_event(event: ProviderEvent, ctx: ServiceContext) -> EventResult:
    """A ``charge.dispute.*`` event: re-read the dispute and record it once.

    A dispute of a payment this database does not have is only recorded as seen.
    """
    gateway = _gateway(ctx)
    async with ctx.uow(read_only=True) as uow:
        if await uow.webhook_events.handled(event.event_id):
            return EventResult("duplicate")
    state = await gateway.dispute(event.object_id)
    async with ctx.uow(read_only=True) as uow:
        booking_id = await uow.payments.by_intent(state.intent_id) if state.intent_id else None
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        if not await first_time(uow, event, now):
            return EventResult("duplicate")
        if booking_id is not None:
            await _apply(uow, booking_id, state, now)
        await uow.commit()
    ctx.after_commit()
    return EventResult("applied" if booking_id is not None else "ignored", event.type)


async def sync(ctx: ServiceContext, booking_id: int, intent_id: str) -> list[CardDispute]:
    """Record every dispute Stripe has for the payment (the payout's check); return them."""
    states = await _gateway(ctx).disputes_of(intent_id)
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        for state in states:
            await _apply(uow, booking_id, state, now)
        found = await uow.card_disputes.of_booking(booking_id)
        await uow.commit()
    ctx.after_commit()
    return found


def _dispute(booking_id: int, guild_id: int, state: DisputeState, now: datetime) -> CardDispute:
    return CardDispute(
        dispute_id=state.dispute_id,
        booking_id=booking_id,
        guild_id=guild_id,
        amount=state.amount,
        currency=state.currency,
        reason=state.reason,
        status=state.status,
        due_by=state.due_by,
        withdrawn=state.withdrawn,
        fee=state.fee,
        submissions=state.submissions,
        created_at=now,
    )


async def _apply(uow: UnitOfWork, booking_id: int, state: DisputeState, now: datetime) -> None:
    """Record what Stripe reports of one dispute, and act on what is new (see the module)."""
    booking = await uow.bookings.get(booking_id, for_update=True)
    payment = await uow.payments.get(booking_id, for_update=True)
    if booking is None or payment is None:
        return
    before = await uow.card_disputes.get(state.dispute_id, for_update=True)
    dispute = _dispute(booking_id, booking.guild_id, state, before.created_at if before else now)
    await uow.card_disputes.save(dispute, now)
    if before is None:
        draft = await dispute_evidence.draft(uow, booking, payment, now)
        await uow.card_disputes.set_evidence(dispute.dispute_id, draft)
        await _opened(uow, booking, dispute, bool(payment.released), now)
    was_open = before is None or before.is_open
    if was_open and not dispute.is_open:
        policy = await uow.guilds.policy(booking.guild_id)
        decided = decide(payment, dispute, policy.chargeback_reverses_payout)
        if dispute.lost and dispute.withdrawn >= payment.captured - payment.refunded:
            # the bank gave the student everything back: as good as a full refund
            await referral_credit.session_refunded(uow, booking.booking_id, now)
        payment = decided.payment
        for entry in decided.entries:
            await uow.ledger.record(entry, booking.guild_id, now)
        await _decided(uow, booking, dispute, decided.reverse, now)
    others = await uow.card_disputes.of_booking(booking_id)
    payment = payment.with_dispute_open(any(d.is_open for d in others))
    await uow.payments.save(payment, now)


async def _opened(
    uow: UnitOfWork, booking: Booking, dispute: CardDispute, paid_out: bool, now: datetime
) -> None:
    """Audit it, alert the admins, tell the tutor (whose payout is frozen, or was made)."""
    detail = {"booking": booking.booking_id, "dispute": dispute.dispute_id,
              "amount": dispute.amount, "reason": dispute.reason}  # fmt: skip
    await audit_and_alert(uow, booking, OPENED_ACTION, detail, now)
    await scheduling.notify(
        uow, booking, NoticeKind.PAYMENT_DISPUTED, booking.tutor_id, now, about=now,
        details=PaymentDisputedDetails(paid_out),
    )  # fmt: skip


async def _decided(
    uow: UnitOfWork, booking: Booking, dispute: CardDispute, reverse: int, now: datetime
) -> None:
    """Tell the tutor the bank's decision; a lost one also reaches the admins."""
    outcome = "lost" if dispute.lost else "won"
    detail = {"booking": booking.booking_id, "dispute": dispute.dispute_id, "outcome": outcome,
              "withdrawn": dispute.withdrawn, "fee": dispute.fee, "reverse": reverse}  # fmt: skip
    await uow.audit.record(booking.guild_id, SYSTEM_ACTOR, "card_dispute_decided", detail, now)
    if dispute.lost:
        await alert_admins(uow, booking, LOST_ACTION, now)
    if reverse:
        await uow.scheduled.schedule(
            booking_work(
                ActionKind.REVERSE_PAYOUT,
                booking,
                f"reverse:{dispute.dispute_id}",
                now,
                user_id=booking.tutor_id,
                payload={"dispute": dispute.dispute_id, "amount": reverse},
            )
        )
        return  # the tutor hears once the reversal is made
    await scheduling.notify(
        uow, booking, NoticeKind.CARD_DISPUTE_DECIDED, booking.tutor_id, now, about=now,
        details=CardDisputeDecidedDetails(outcome),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class SubmitEvidence(OnBooking):
    """An admin sends the evidence draft of a booking's card dispute to the bank."""


async def submit_evidence(cmd: SubmitEvidence, ctx: ServiceContext) -> CardDispute:
    """Send the stored draft of the booking's dispute awaiting evidence, ``submit=true``.

    Audited. Raises `PermissionDeniedError` for a non-moderator, `NotFoundError` when the
    booking (in the actor's guild) has no card dispute, `ConflictError("evidence_closed")`
    when none of them can take evidence any more (submitted, decided or past Stripe's due
    date), and `ConflictError("payment_unavailable")` when Stripe cannot be reached.
    """
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        await require_moderator(uow, actor, "submit_evidence")
        of_booking = await uow.card_disputes.of_booking(cmd.booking_id)
        found = in_guild(of_booking, actor, "card_dispute", cmd.booking_id)
        awaiting = [d for d in found if d.can_take_evidence(now)]
        if not awaiting:
            raise ConflictError("evidence_closed")
        dispute = awaiting[0]
        draft = await uow.card_disputes.evidence(dispute.dispute_id)
    evidence = {key: str(value) for key, value in draft.items() if value}
    try:
        state = await _gateway(ctx).submit_evidence(
            dispute.dispute_id, evidence, f"dispute-{dispute.dispute_id}-evidence"
        )
    except PaymentGatewayError as error:
        if error.kind == "invalid_request":
            raise ConflictError("evidence_closed") from error
        raise ConflictError("payment_unavailable") from error
    async with ctx.uow() as uow:
        await _apply(uow, dispute.booking_id, state, now)
        await uow.card_disputes.set_submitted_by(dispute.dispute_id, actor.user_id)
        detail = {"booking": dispute.booking_id, "dispute": dispute.dispute_id,
                  "fields": sorted(evidence)}  # fmt: skip
        await uow.audit.record(actor.guild_id, actor.user_id, "evidence_submitted", detail, now)
        stored = await uow.card_disputes.get(dispute.dispute_id)
        await uow.commit()
    ctx.after_commit()
    return stored or dispute


async def reverse_payout(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """The job: take the tutor's share of a lost dispute back, once, and book it.

    The reversal's idempotency key names the dispute, so a retry after a crash replays
    Stripe's first answer; the reversal id is stored with its ledger entries.
    """
    gateway = ctx.gateway
    if gateway is None or action.booking_id is None:
        return HandlerResult(ActionState.SKIPPED, "payments are not configured")
    booking_id, dispute_id = action.booking_id, str(action.payload["dispute"])
    amount = int(action.payload["amount"])
    async with ctx.uow(read_only=True) as uow:
        if await uow.card_disputes.reversal_of(dispute_id) is not None:
            return HandlerResult(ActionState.SKIPPED, "already reversed")
        transfer_id = await uow.payments.transfer_of(booking_id)
    if transfer_id is None:
        return HandlerResult(ActionState.SKIPPED, "no transfer to reverse")
    reversal_id = await gateway.reverse_transfer(
        transfer_id, amount, f"booking-{booking_id}-reversal-{dispute_id}", dispute_id
    )
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking = await uow.bookings.get(booking_id, for_update=True)
        payment = await uow.payments.get(booking_id, for_update=True)
        if booking is None or payment is None:
            return HandlerResult(ActionState.SKIPPED, "no payment")
        await uow.card_disputes.set_reversal(dispute_id, reversal_id)
        reversed_payment = payment.reverse_payout(amount).charge_back(amount)
        await uow.payments.save(reversed_payment, now)
        for entry in reversal_entries(payment, amount, reversal_id):
            await uow.ledger.record(entry, booking.guild_id, now)
        await scheduling.notify(
            uow, booking, NoticeKind.PAYOUT_REVERSED, booking.tutor_id, now, about=now,
            details=AmountDetails(str(amount), payment.price.total.currency),
        )  # fmt: skip
        await uow.commit()
    ctx.after_commit()
    return HandlerResult(ActionState.DONE, f"reversed {amount} of {transfer_id} ({reversal_id})")
