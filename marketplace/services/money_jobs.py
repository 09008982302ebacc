"""The durable money work: each gateway move, and each payout after the dispute window.

Every call carries an idempotency key derived from the booking, so a retry after a crash
(before or after the provider answered) moves nothing twice; what the provider then
reports is recorded through `payments.apply_observed`, which writes each ledger entry
once whichever path (job, webhook, return page) gets there first.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from marketplace.domain.errors import InvalidTransitionError
from marketplace.domain.money import Money
from marketplace.domain.payment import payout_entries
from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction, NewAction
from marketplace.domain.settlement import Settlement
from marketplace.jobs.runner import HandlerResult
from marketplace.ports import IntentState, NoticeKind, PaymentGateway, PaymentGatewayError
from marketplace.services import payments, scheduling
from marketplace.services.context import ServiceContext

log = logging.getLogger(__name__)

PAYOUT_RETRY_AFTER = timedelta(hours=24)
"""A payout waiting for the tutor to finish payout setup is tried again this much later."""

_ALREADY_DONE = frozenset(
    {"payment_intent_unexpected_state", "charge_already_refunded", "amount_too_large"}
)


def _skip(why: str) -> HandlerResult:
    return HandlerResult(ActionState.SKIPPED, why)


def _done(what: str) -> HandlerResult:
    return HandlerResult(ActionState.DONE, what)


def _gateway(ctx: ServiceContext) -> PaymentGateway | None:
    return ctx.gateway


async def _record(ctx: ServiceContext, booking_id: int, intent: IntentState) -> None:
    async with ctx.uow() as uow:
        await payments.apply_observed(uow, booking_id, intent, ctx.clock.now())
        await uow.commit()
    ctx.after_commit()


async def move_money(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """Capture, void or refund, then record what the provider reports."""
    gateway = _gateway(ctx)
    if gateway is None or action.booking_id is None:
        return _skip("payments are not configured")
    async with ctx.uow(read_only=True) as uow:
        _session, intent_id = await uow.payments.refs(action.booking_id)
    if intent_id is None:
        return _skip("nothing was paid")
    op, amount, key = (
        str(action.payload["op"]),
        int(action.payload["amount"]),
        str(action.payload["key"]),
    )
    try:
        if op == "capture":
            await gateway.capture(intent_id, amount, key)
        elif op == "void":
            await gateway.cancel(intent_id, key)
        else:
            await gateway.refund(intent_id, amount, key)
    except PaymentGatewayError as error:
        if error.retryable or error.code not in _ALREADY_DONE:
            raise
        log.info(
            "booking %s %s: %s; recording the current state", action.booking_id, op, error.code
        )
        await _record(ctx, action.booking_id, await gateway.intent(intent_id))
        return _skip(f"{op}: {error.code}")
    await _record(ctx, action.booking_id, await gateway.intent(intent_id))
    return _done(f"{op} {amount}")


async def pay_out(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:  # noqa: PLR0911
    """The dispute window closed: transfer the tutor's share and book the platform fee."""
    gateway = _gateway(ctx)
    if gateway is None or action.booking_id is None:
        return _skip("payments are not configured")
    booking_id = action.booking_id
    tutor_minor, platform_minor = int(action.payload["tutor"]), int(action.payload["platform"])
    async with ctx.uow(read_only=True) as uow:
        booking = await uow.bookings.get(booking_id)
        payment = await uow.payments.get(booking_id)
        _session, intent_id = await uow.payments.refs(booking_id)
        account = (
            await uow.payout_accounts.get(booking.guild_id, booking.tutor_id) if booking else None
        )
    if booking is None or payment is None or intent_id is None:
        return _skip("no payment")
    if payment.released or payment.fees:
        return _skip("already paid out")
    if payment.dispute_open:
        return _skip("a dispute is open: payout frozen")
    if payment.held_on_platform != tutor_minor + platform_minor:
        await _record(ctx, booking_id, await gateway.intent(intent_id))  # a capture not seen yet?
        msg = f"booking {booking_id}: {payment.held_on_platform} held, payout expects more"
        raise RuntimeError(msg)  # the runner tries again after a backoff
    currency = payment.price.total.currency
    transfer_ref = f"none-{booking_id}"
    if tutor_minor:
        if account is None or not account.payouts_enabled:
            return await _wait_for_payouts(action, ctx)
        intent = await gateway.intent(intent_id)
        transfer_ref = await gateway.transfer(
            Money(tutor_minor, currency),
            account.account_id,
            f"booking_{booking_id}",
            f"booking-{booking_id}-payout",
            source_charge_id=intent.latest_charge_id,
        )
    now = ctx.clock.now()
    settlement = Settlement(
        Money(0, currency), Money(tutor_minor, currency), Money(platform_minor, currency)
    )
    async with ctx.uow() as uow:
        current = await uow.payments.get(booking_id, for_update=True)
        if current is None or current.released or current.fees:
            return _skip("already paid out")
        try:
            paid = current.pay_out(settlement)
        except InvalidTransitionError:
            return _skip("payout no longer matches what is held")
        await uow.payments.save(paid, now)
        for entry in payout_entries(paid, transfer_ref):
            await uow.ledger.record(entry, booking.guild_id, now)
        if tutor_minor:
            await scheduling.notify(
                uow, booking, NoticeKind.PAYOUT_SENT, booking.tutor_id, now,
                extra={"amount": str(tutor_minor), "currency": currency},
            )  # fmt: skip
        await uow.commit()
    ctx.after_commit()
    return _done(f"paid out {tutor_minor} + fee {platform_minor}")


async def _wait_for_payouts(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """The tutor cannot receive money yet: ask them once, try again a day later."""
    now = ctx.clock.now()
    attempt = int(action.payload.get("waited", 0)) + 1
    async with ctx.uow() as uow:
        booking = await uow.bookings.get(action.booking_id or 0)
        if booking is None:
            return _skip("no booking")
        await uow.scheduled.schedule(
            NewAction(
                kind=ActionKind.PAY_OUT,
                dedupe_key=f"payout:{booking.booking_id}:wait{attempt}",
                guild_id=booking.guild_id,
                due_at=now + PAYOUT_RETRY_AFTER,
                booking_id=booking.booking_id,
                user_id=booking.tutor_id,
                payload={**action.payload, "waited": attempt},
            )
        )
        if attempt == 1:
            await scheduling.notify(uow, booking, NoticeKind.PAYOUTS_NEEDED, booking.tutor_id, now)
        await uow.commit()
    return _done("waiting for the tutor's payout setup")
