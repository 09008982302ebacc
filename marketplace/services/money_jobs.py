"""The durable money work: each gateway move, and each payout after the dispute window.

Every call carries an idempotency key derived from the booking, so a retry after a crash
(before or after the provider answered) moves nothing twice; what the provider then
reports is recorded through `payments.apply_observed`, which writes each ledger entry
once whichever path (job, webhook, return page) gets there first.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta

from marketplace.domain.booking import Booking
from marketplace.domain.card_disputes import PayoutAfterLosses, payout_after_losses
from marketplace.domain.errors import InvalidTransitionError
from marketplace.domain.ledger import Account, Entry
from marketplace.domain.money import Money
from marketplace.domain.payment import (
    Capture,
    GatewayOp,
    Payment,
    Refund,
    Void,
    credit_entry,
    payout_entries,
)
from marketplace.domain.scheduled import (
    ActionKind,
    ActionState,
    ClaimedAction,
    NewAction,
    booking_work,
)
from marketplace.domain.settlement import Settlement
from marketplace.jobs.runner import HandlerResult
from marketplace.ports import (
    IntentState,
    NoticeKind,
    PaymentGateway,
    PaymentGatewayError,
    PayoutTransfer,
)
from marketplace.ports.notice_details import AmountDetails
from marketplace.services import card_disputes, card_holds, payments, scheduling
from marketplace.services.context import ServiceContext
from marketplace.services.payments import Applied

log = logging.getLogger(__name__)

PAYOUT_RETRY_AFTER = timedelta(hours=24)
"""A payout waiting for the tutor to finish payout setup is tried again this much later."""

PAYOUT_RECHECK = timedelta(hours=12)
"""A payout frozen by an open card dispute, a failed or a pending refund is checked again
this often."""

_ALREADY_DONE = frozenset(
    {"payment_intent_unexpected_state", "charge_already_refunded", "amount_too_large"}
)


def _skip(why: str) -> HandlerResult:
    return HandlerResult(ActionState.SKIPPED, why)


def _done(what: str) -> HandlerResult:
    return HandlerResult(ActionState.DONE, what)


def _gateway(ctx: ServiceContext) -> PaymentGateway | None:
    return ctx.gateway


MAX_MOVES = 3
"""A target is reached in at most two moves (capture, then refund); one spare."""


async def _record(ctx: ServiceContext, booking_id: int, intent: IntentState) -> Applied | None:
    async with ctx.uow() as uow:
        applied = await payments.apply_observed(uow, booking_id, intent, ctx.clock.now())
        await uow.commit()
    ctx.after_commit()
    return applied


async def perform(gateway: PaymentGateway, intent_id: str, op: GatewayOp, key: str) -> None:
    """Make one gateway move with its idempotency key."""
    match op:
        case Capture(amount):
            await gateway.capture(intent_id, amount, key)
        case Refund(amount):
            await gateway.refund(intent_id, amount, key)
        case Void():
            await gateway.cancel(intent_id, key)


def _name(op: GatewayOp) -> str:
    match op:
        case Capture(amount):
            return f"capture-{amount}"
        case Refund(amount):
            return f"refund-{amount}"
        case Void():
            return "void"


def move_key(booking_id: int, op: GatewayOp, tag: str) -> str:
    """The idempotency key of one move: the booking, the move and amount, and why."""
    return f"booking-{booking_id}-{_name(op)}-{tag}"


async def move_money(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """Bring the payment to the action's target: re-read, plan the next move, make it.

    The plan is made from what Stripe reports now, never from the state when the target
    was set, so moves scheduled by earlier changes (a capture at acceptance, say) that
    ran in between are taken into account. The idempotency key names the move and the
    reason, so a retry after a crash replays Stripe's first answer. A move on a card
    hold that fails while Stripe is unreachable is tried again until the hold's deadline
    (`card_holds.retry_before_deadline`), not just the job runner's few attempts.
    """
    gateway = _gateway(ctx)
    if gateway is None or action.booking_id is None:
        return _skip("payments are not configured")
    booking_id = action.booking_id
    async with ctx.uow(read_only=True) as uow:
        _session, intent_id = await uow.payments.refs(booking_id)
    if intent_id is None:
        return _skip("nothing was paid")
    try:
        return await _reach_target(action, ctx, gateway, booking_id, intent_id)
    except PaymentGatewayError as error:
        if not error.retryable:
            raise
        retry = await card_holds.retry_before_deadline(action, ctx, error)
        if retry is None:
            raise
        return retry


async def _reach_target(
    action: ClaimedAction,
    ctx: ServiceContext,
    gateway: PaymentGateway,
    booking_id: int,
    intent_id: str,
) -> HandlerResult:
    """Re-read, plan and move until the target is reached (at most `MAX_MOVES` moves).

    A move Stripe refuses because the payment is not in the state it expected (say,
    `payment_intent_unexpected_state` after the hold lapsed) is never taken as done: the
    next round re-reads the PaymentIntent and records what it really is.
    """
    tag, done = str(action.payload.get("tag", "")), list[str]()
    for _ in range(MAX_MOVES):
        intent = await gateway.intent(intent_id)
        applied = await _record(ctx, booking_id, intent)
        if applied is None:
            return _skip("no payment")
        ops = payments.moves_needed(
            applied.payment, applied.booking, action.payload, intent.refunding
        )
        if not ops:
            return (
                _done(", ".join(done) or "nothing left to move")
                if done
                else _skip("nothing left to move")
            )
        name = _name(ops[0])
        try:
            await perform(gateway, intent_id, ops[0], move_key(booking_id, ops[0], tag))
        except PaymentGatewayError as error:
            if error.retryable or error.code not in _ALREADY_DONE:
                raise
            log.info("booking %s %s: %s; re-reading", booking_id, name, error.code)
            name = f"{name} refused ({error.code})"
        done.append(name)
    msg = f"booking {booking_id}: money did not reach its target after {MAX_MOVES} moves"
    raise RuntimeError(msg)  # retried after a backoff


async def pay_out(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """The dispute window closed: transfer the tutor's share and book the platform fee.

    The payment is re-read from Stripe first, so a dispute whose webhook has not arrived
    yet still freezes the payout. The transfer is made once however late it is retried
    (the gateway finds one already made), and its id is stored in the transaction that
    books the payout: a crash between the two only repeats the lookup.
    """
    gateway = _gateway(ctx)
    if gateway is None or action.booking_id is None:
        return _skip("payments are not configured")
    planned = int(action.payload["tutor"]), int(action.payload["platform"])
    fresh = await _fresh_payment(ctx, gateway, action.booking_id)
    if fresh is None:
        return _skip("no payment")
    intent, applied = fresh
    booking, payment = applied.booking, applied.payment
    if payment.released or payment.fees:
        return _skip("already paid out")
    if frozen := await _frozen_by(ctx, payment, intent.refunding):
        return await _check_again_later(action, ctx, frozen)
    after = await _after_losses(ctx, booking, payment, planned)
    return await _transfer_and_book(
        action, ctx, gateway, intent=intent, applied=applied, after=after
    )


async def _fresh_payment(
    ctx: ServiceContext, gateway: PaymentGateway, booking_id: int
) -> tuple[IntentState, Applied] | None:
    """The payment as Stripe reports it now, recorded first (None: there is no payment).

    A dispute whose webhook has not arrived is synced before the payment is recorded
    again, so it freezes the payout like one we already knew of.
    """
    async with ctx.uow(read_only=True) as uow:
        _session, intent_id = await uow.payments.refs(booking_id)
    if intent_id is None:
        return None
    intent = await gateway.intent(intent_id)
    applied = await _record(ctx, booking_id, intent)
    if applied is not None and intent.disputed:
        await card_disputes.sync(ctx, booking_id, intent_id)
        applied = await _record(ctx, booking_id, intent)
    return None if applied is None else (intent, applied)


async def _after_losses(
    ctx: ServiceContext, booking: Booking, payment: Payment, planned: tuple[int, int]
) -> PayoutAfterLosses:
    """The planned (tutor, platform) split adjusted for charged-back money, by guild policy.

    Raises when what is held does not add up to the payout: that is a money move not made
    yet, so the runner tries again after a backoff rather than paying the wrong amount.
    """
    async with ctx.uow(read_only=True) as uow:
        policy = await uow.guilds.policy(booking.guild_id)
    after = payout_after_losses(payment, *planned, policy.chargeback_reverses_payout)
    if payment.held_on_platform + after.cover != after.tutor + after.platform:
        msg = (
            f"booking {booking.booking_id}: {payment.held_on_platform} held,"
            " not the payout's amount"
        )
        raise RuntimeError(msg)
    return after


async def _transfer_and_book(
    action: ClaimedAction,
    ctx: ServiceContext,
    gateway: PaymentGateway,
    *,
    intent: IntentState,
    applied: Applied,
    after: PayoutAfterLosses,
) -> HandlerResult:
    """Transfer the tutor's share (if any) to their payout account, then book the payout.

    A tutor whose account cannot receive transfers yet makes the job wait for them.
    """
    booking, currency = applied.booking, applied.payment.price.total.currency
    transfer_ref = f"none-{booking.booking_id}"
    if after.tutor:
        async with ctx.uow(read_only=True) as uow:
            account = await uow.payout_accounts.get(booking.guild_id, booking.tutor_id)
        if account is None or not account.can_receive_transfers:
            return await _wait_for_payouts(action, ctx)
        transfer_ref = await gateway.transfer(
            PayoutTransfer(
                Money(after.tutor, currency),
                account.account_id,
                f"booking_{booking.booking_id}",
                source_charge_id=intent.latest_charge_id,
            ),
            f"booking-{booking.booking_id}-payout",
        )
    settlement = Settlement(
        Money(0, currency), Money(after.tutor, currency), Money(after.platform, currency)
    )
    return await _book_payout(ctx, booking, settlement, transfer_ref, after.cover)


async def _book_payout(
    ctx: ServiceContext,
    booking: Booking,
    settlement: Settlement,
    transfer_ref: str,
    cover: int = 0,
) -> HandlerResult:
    """Record the payout, its ledger entries and the transfer id in one transaction.

    `cover` is what the platform puts in first from its own funds, when it bears a lost
    dispute's loss and pays the tutor in full.
    """
    now = ctx.clock.now()
    tutor = settlement.tutor
    async with ctx.uow() as uow:
        current = await uow.payments.get(booking.booking_id, for_update=True)
        if current is None or current.released or current.fees:
            return _skip("already paid out")
        entries = list[Entry]()
        if cover:
            current = current.cover(cover)
            money = Money(cover, tutor.currency)
            ref = f"cover:payout:{booking.booking_id}"
            entries.append(
                Entry(booking.booking_id, Account.PLATFORM_FUNDS, Account.HELD, money, ref)
            )
        current, settlement = _redeem_credit(current, settlement, entries)
        try:
            paid = current.pay_out(settlement)
        except InvalidTransitionError:
            return _skip("payout no longer matches what is held")
        await uow.payments.save(paid, now)
        for entry in [*entries, *payout_entries(paid, transfer_ref)]:
            await uow.ledger.record(entry, booking.guild_id, now)
        if tutor.minor:
            await uow.payments.set_transfer(booking.booking_id, transfer_ref)
            await scheduling.notify(
                uow, booking, NoticeKind.PAYOUT_SENT, booking.tutor_id, now,
                details=AmountDetails(str(tutor.minor), tutor.currency),
            )  # fmt: skip
        await uow.commit()
    ctx.after_commit()
    return _done(f"paid out {tutor.minor} + fee {settlement.platform.minor}")


def _redeem_credit(
    payment: Payment, settlement: Settlement, entries: list[Entry]
) -> tuple[Payment, Settlement]:
    """A referral credit the price still uses pays its part of the fee at the payout.

    It comes into `held` from the referral credit (one ledger entry, appended to
    `entries`), and the fee booked is the whole fee: the card paid the rest of it.
    Nothing is transferred for it, so the tutor's share is untouched.
    """
    if payment.credit_left <= 0:
        return payment, settlement
    redeemed = payment.redeem_credit()
    entries.append(credit_entry(redeemed))
    credit = Money(redeemed.credited - payment.credited, settlement.platform.currency)
    return redeemed, dataclasses.replace(settlement, platform=settlement.platform + credit)


async def _frozen_by(ctx: ServiceContext, payment: Payment, refunding: int) -> str:
    """Why the payout may not go out now ("" if it may).

    An open card dispute, a failed refund waiting for a moderator, or a refund still
    pending at the provider (`refunding`: until it succeeds or fails, what is held is not
    known; it can stay pending for days) freezes it: it is checked again later
    (`PAYOUT_RECHECK`). A platform dispute's decision schedules a fresh payout, so for
    one of those this payout is only skipped.
    """
    async with ctx.uow(read_only=True) as uow:
        dispute = await uow.disputes.for_booking(payment.booking_id)
        failed = await uow.refund_failures.open_for_booking(payment.booking_id)
    if dispute is not None and dispute.is_open:
        return PLATFORM_DISPUTE
    if payment.dispute_open:
        return "a card dispute is open: payout frozen"
    if failed:
        return "a refund failed: waiting for a moderator's decision"
    if refunding:
        return "a refund is still pending: payout waits for it"
    return ""


PLATFORM_DISPUTE = "a platform dispute is open: its decision schedules the payout"


async def _check_again_later(action: ClaimedAction, ctx: ServiceContext, why: str) -> HandlerResult:
    """A frozen payout: look again after `PAYOUT_RECHECK` (a platform dispute's is skipped)."""
    if why == PLATFORM_DISPUTE:
        return _skip(why)
    check = int(action.payload.get("frozen_check", 0)) + 1
    async with ctx.uow() as uow:
        await uow.scheduled.schedule(
            NewAction(
                kind=ActionKind.PAY_OUT,
                dedupe_key=f"payout:{action.booking_id}:frozen{check}",
                guild_id=action.guild_id,
                due_at=ctx.clock.now() + PAYOUT_RECHECK,
                booking_id=action.booking_id,
                user_id=action.user_id,
                payload={**action.payload, "frozen_check": check},
            )
        )
        await uow.commit()
    return _skip(f"{why}; checked again in {PAYOUT_RECHECK}")


async def retry_refund(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """A moderator's decision: ask for a failed refund again (its own key), then record it."""
    gateway = _gateway(ctx)
    if gateway is None or action.booking_id is None:
        return _skip("payments are not configured")
    booking_id, refund_id = action.booking_id, str(action.payload["refund"])
    async with ctx.uow(read_only=True) as uow:
        _session, intent_id = await uow.payments.refs(booking_id)
    if intent_id is None:
        return _skip("no payment")
    key = f"booking-{booking_id}-refund-retry-{refund_id}"
    new_id = await gateway.refund(intent_id, int(action.payload["amount"]), key)
    await _record(ctx, booking_id, await gateway.intent(intent_id))
    return _done(f"refund {refund_id} asked for again as {new_id}")


async def _wait_for_payouts(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """The tutor cannot receive money yet: ask them once, try again a day later."""
    now = ctx.clock.now()
    attempt = int(action.payload.get("waited", 0)) + 1
    async with ctx.uow() as uow:
        booking = await uow.bookings.get(action.booking_id or 0)
        if booking is None:
            return _skip("no booking")
        await uow.scheduled.schedule(
            booking_work(
                ActionKind.PAY_OUT,
                booking,
                f"payout:{booking.booking_id}:wait{attempt}",
                now + PAYOUT_RETRY_AFTER,
                user_id=booking.tutor_id,
                payload={**action.payload, "waited": attempt},
            )
        )
        if attempt == 1:
            await scheduling.notify(uow, booking, NoticeKind.PAYOUTS_NEEDED, booking.tutor_id, now)
        await uow.commit()
    return _done("waiting for the tutor's payout setup")
