"""Provider webhooks: find what an event is about, re-read it, record it once.

An event is only a hint. Its id is stored in the same transaction as the change it
causes, so a duplicate changes nothing (and a redelivery of a handled event is answered
before any call to the provider); the state itself is re-read from the provider, so
the order events arrive in does not matter. An event about a booking this database does
not have yet raises `NotReadyError` (the web layer answers 5xx and the provider retries).
"""

from __future__ import annotations

import logging
from typing import Any

from marketplace.ports import IntentState, PaymentGateway, ProviderEvent
from marketplace.services import card_disputes, payments, series_payments
from marketplace.services.context import ServiceContext
from marketplace.services.event_results import EventResult, first_time

PAYMENT_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.expired",
        "payment_intent.amount_capturable_updated",
        "payment_intent.succeeded",
        "payment_intent.canceled",
        "payment_intent.payment_failed",
        "charge.refunded",
        "refund.created",
        "refund.updated",
        "refund.failed",
        "charge.refund.updated",
    }
)
ACCOUNT_EVENTS = frozenset({"account.updated"})

log = logging.getLogger(__name__)


class NotReadyError(Exception):
    """The event is about a booking or payment this database does not know yet."""


def _gateway(ctx: ServiceContext) -> PaymentGateway:
    if ctx.gateway is None:
        raise NotReadyError("payments are not configured")
    return ctx.gateway


def _intent_of(event: ProviderEvent) -> str | None:
    data = event.data
    if event.object_type == "payment_intent":
        return event.object_id
    value: Any = data.get("payment_intent")
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value else None


def _metadata_booking(data: dict[str, Any]) -> int | None:
    metadata = data.get("metadata")
    raw = metadata.get("booking_id") if isinstance(metadata, dict) else None
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


async def handle_event(event: ProviderEvent, ctx: ServiceContext) -> EventResult:
    """Handle one verified event (see the module docstring).

    An event of a type we do not act on (``balance.available``, ``payout.*``,
    ``person.*``, ...) is only recorded and answered ``ignored``, whatever its object.
    """
    if event.account and event.type not in ACCOUNT_EVENTS:
        # From a connected account (a Connect endpoint gets their payouts, balance,
        # persons, ...): our charges, refunds and disputes are all on the platform
        # (separate charges and transfers), so nothing there is ours to re-read.
        return await _only_record(event, ctx, "a connected account's own event")
    handled = event.type in ACCOUNT_EVENTS or event.type in PAYMENT_EVENTS
    if (handled or event.type in card_disputes.DISPUTE_EVENTS) and not event.object_id:
        # One we act on, but its object has no id to re-read it by. Answered 2xx, not
        # 5xx: Stripe would redeliver the very same payload, so a retry cannot help;
        # the state it hints at is re-read from Stripe at the next event about it (and
        # by the payout's checks), so acknowledging loses nothing.
        log.warning("webhook %s (%s) has no object id; ignored", event.event_id, event.type)
        return await _only_record(event, ctx, "no object id")
    if event.type in ACCOUNT_EVENTS:
        return await _account_updated(event, ctx)
    if event.type in card_disputes.DISPUTE_EVENTS:
        _gateway(ctx)
        return await card_disputes.handle_event(event, ctx)
    if event.type not in PAYMENT_EVENTS:
        return await _only_record(event, ctx, "not an event we act on")
    return await _payment_event(event, ctx)


async def _card_setup_event(event: ProviderEvent, ctx: ServiceContext) -> EventResult:
    """A card-saving checkout (a paid series) completed or expired: re-read it once."""
    _gateway(ctx)
    async with ctx.uow(read_only=True) as uow:
        if await uow.webhook_events.handled(event.event_id):
            return EventResult("duplicate")
    if event.type != "checkout.session.completed":
        return await _only_record(event, ctx, "a card setup that did not complete")
    return await series_payments.card_saved(event.object_id, ctx, event)


async def _only_record(event: ProviderEvent, ctx: ServiceContext, why: str) -> EventResult:
    async with ctx.uow() as uow:
        first = await uow.webhook_events.first_time(
            event.event_id, event.type, event.object_id or None, ctx.clock.now()
        )
        await uow.commit()
    return EventResult("ignored" if first else "duplicate", why)


async def _booking_for(event: ProviderEvent, ctx: ServiceContext) -> tuple[int | None, str | None]:
    """The booking an event is about, and its checkout session id when the event says."""
    session_id = event.object_id if event.object_type == "checkout.session" else None
    intent_id = _intent_of(event)
    async with ctx.uow(read_only=True) as uow:
        booking_id = None
        if session_id is not None:
            booking_id = await uow.payments.by_session(session_id)
        if booking_id is None and intent_id is not None:
            booking_id = await uow.payments.by_intent(intent_id)
        if booking_id is None:
            claimed = _metadata_booking(event.data)
            if claimed is not None and await uow.payments.get(claimed) is not None:
                booking_id = claimed
    return booking_id, session_id


async def _payment_event(event: ProviderEvent, ctx: ServiceContext) -> EventResult:
    if event.object_type == "checkout.session" and event.data.get("mode") == "setup":
        return await _card_setup_event(event, ctx)
    gateway = _gateway(ctx)
    async with ctx.uow(read_only=True) as uow:
        if await uow.webhook_events.handled(event.event_id):
            return EventResult("duplicate")  # a redelivery: no need to ask the provider again
    booking_id, session_id = await _booking_for(event, ctx)
    if booking_id is None:
        if _metadata_booking(event.data) is not None:
            raise NotReadyError(f"booking for {event.type} not stored yet")
        return await _only_record(event, ctx, "not one of our payments")
    intent_id = _intent_of(event)
    if intent_id is None and session_id is not None:
        intent_id = (await gateway.checkout(session_id)).payment_intent_id
    if intent_id is None:
        async with ctx.uow(read_only=True) as uow:
            _session, intent_id = await uow.payments.refs(booking_id)
    intent = await gateway.intent(intent_id) if intent_id else None
    return await _apply(event, ctx, booking_id, intent, session_id)


async def _apply(
    event: ProviderEvent,
    ctx: ServiceContext,
    booking_id: int,
    intent: IntentState | None,
    session_id: str | None,
) -> EventResult:
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        if not await first_time(uow, event, now):
            return EventResult("duplicate")
        if intent is not None:
            await payments.apply_observed(uow, booking_id, intent, now, session_id=session_id)
        elif session_id is not None:
            await uow.payments.set_refs(booking_id, session_id, None)
        await uow.commit()
    ctx.after_commit()
    return EventResult("applied", event.type)


async def _account_updated(event: ProviderEvent, ctx: ServiceContext) -> EventResult:
    """A tutor's payout account changed: re-read whether it can receive payouts."""
    gateway = _gateway(ctx)
    async with ctx.uow(read_only=True) as uow:
        owner = await uow.payout_accounts.by_account(event.object_id)
    if owner is None:
        return await _only_record(event, ctx, "not a tutor's account")
    account = await gateway.payout_account(event.object_id)
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        if not await first_time(uow, event, now):
            return EventResult("duplicate")
        await uow.payout_accounts.save(*owner, account, now)
        await uow.commit()
    return EventResult("applied", event.type)
