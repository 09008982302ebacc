"""Paid weekly series: the card saved once, each week held on it shortly before.

Issue 15 item 1. A card hold lasts 7 days, so a series is not authorized up front. The
student's Pay on a paid series (its weeks await payment) opens one checkout in setup
mode for their provider customer in this guild; once it completes (webhook or return
page, whichever comes first, each only once) the card is stored and the series goes to
the tutor as one request. Each week then has two durable jobs (`series_jobs`): an
off-session authorization `series_authorize_days_before` days before it, and the pay-by
check at the minimum notice. `/payments forget-card` and `/privacy delete` detach the
card; later weeks then fall back to the student's Pay link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.errors import ConflictError
from marketplace.domain.payment import Payment
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.scheduled import ActionKind, NewAction, booking_work
from marketplace.domain.series import BookingSeries, SavedCard, authorize_at, pay_by
from marketplace.ports import PaymentGateway, PaymentGatewayError, ProviderEvent, UnitOfWork
from marketplace.ports.payments import CardSetupRequest
from marketplace.services import scheduling, series
from marketplace.services.actor import ByActor
from marketplace.services.context import ServiceContext
from marketplace.services.event_results import EventResult, first_time

log = logging.getLogger(__name__)

AWAITING_CARD = frozenset({BookingState.AWAITING_PAYMENT})
HELD_WHILE = frozenset({BookingState.REQUESTED, BookingState.CONFIRMED})
"""A series' week is authorized (or paid by link) while requested or confirmed."""
FORGOT_ACTION = "saved_card_forgotten"


def _gateway(ctx: ServiceContext) -> PaymentGateway:
    if ctx.gateway is None:
        raise ConflictError("payments_off")
    return ctx.gateway


async def paid_series_of(uow: UnitOfWork, booking: Booking) -> BookingSeries | None:
    """The paid series this booking is a week of (None: a single or free booking)."""
    if booking.price is None:
        return None
    membership = await uow.series.membership(booking.booking_id)
    return None if membership is None else await uow.series.get(membership.series_id)


def week_needs_paying(
    booking: Booking, payment: Payment | None, policy: GuildPolicy, now: datetime
) -> bool:
    """A paid week its saved card did not hold when due: the student may pay it by link."""
    if booking.state not in HELD_WHILE or payment is None:
        return False
    if payment.authorized or payment.voided:
        return False
    due = authorize_at(booking.start, policy.series_authorize_days_before)
    return due <= now < pay_by(booking.start, policy.min_notice_minutes)


def week_work(booking: Booking, policy: GuildPolicy, now: datetime) -> list[NewAction]:
    """A paid week's two jobs: its authorization, and the pay-by check at min notice."""
    key = f"{booking.booking_id}:{booking.sequence}"
    due = max(now, authorize_at(booking.start, policy.series_authorize_days_before))
    return [
        booking_work(ActionKind.AUTHORIZE_WEEK, booking, f"authorize:{key}", due),
        booking_work(
            ActionKind.WEEK_PAY_DEADLINE, booking, f"pay-by:{key}",
            pay_by(booking.start, policy.min_notice_minutes),
        ),
    ]  # fmt: skip


async def reschedule_week_work(
    uow: UnitOfWork, booking: Booking, policy: GuildPolicy, now: datetime
) -> None:
    """A paid series' week moved: its authorization and pay-by check follow the new time."""
    if booking.state in HELD_WHILE and await paid_series_of(uow, booking) is not None:
        await scheduling.schedule_all(uow, week_work(booking, policy, now))


async def _customer(ctx: ServiceContext, guild_id: int, user_id: int) -> str:
    """The member's provider customer in this guild, made once (its key is the member's)."""
    async with ctx.uow(read_only=True) as uow:
        found = await uow.saved_cards.customer(guild_id, user_id)
    if found is not None:
        return found
    made = await _gateway(ctx).create_customer(
        f"guild-{guild_id}-member-{user_id}", f"customer-{guild_id}-{user_id}"
    )
    async with ctx.uow() as uow:
        await uow.saved_cards.add_customer(guild_id, user_id, made, ctx.clock.now())
        stored = await uow.saved_cards.customer(guild_id, user_id)
        await uow.commit()
    return stored or made


@dataclass(frozen=True, slots=True)
class CardSetupLinks:
    """Where the card-saving checkout sends the student back to (success, cancel)."""

    success_url: str
    cancel_url: str
    expires_at: datetime
    description: str


async def start_card_setup(booking: Booking, links: CardSetupLinks, ctx: ServiceContext) -> str:
    """Pay on a paid series still awaiting its card: the card-saving checkout's address.

    The same open checkout every time; a new one once the last expired. Raises
    `ConflictError("checkout_closed")` once the card was saved.
    """
    gateway = _gateway(ctx)
    async with ctx.uow(read_only=True) as uow:
        found = await paid_series_of(uow, booking)
        if found is None:
            raise ConflictError("checkout_closed")
        session_id = await uow.series.card_setup(found.series_id)
        currency = (await uow.guilds.policy(booking.guild_id)).currency
    attempt = ""
    if session_id is not None:
        state = await gateway.card_setup(session_id)
        if state.status == "open" and state.url:
            return state.url
        if state.status == "complete":
            await card_saved(session_id, ctx)
            raise ConflictError("checkout_closed")
        attempt = f"-{session_id[-8:]}"
    customer = await _customer(ctx, booking.guild_id, booking.student_id)
    ref = await gateway.create_card_setup(
        CardSetupRequest(
            series_id=found.series_id, guild_id=booking.guild_id, customer_id=customer,
            currency=currency, description=links.description,
            success_url=links.success_url, cancel_url=links.cancel_url,
            expires_at=links.expires_at,
        ),
        idempotency_key=f"series-{found.series_id}-setup{attempt}",
    )  # fmt: skip
    async with ctx.uow() as uow:
        await uow.series.set_card_setup(found.series_id, ref.session_id, ctx.clock.now())
        await uow.commit()
    return ref.url


async def sync_card_setup(booking: Booking, ctx: ServiceContext) -> None:
    """The return page of a paid series' card setup: record it at once (webhooks may lag)."""
    if booking.state not in AWAITING_CARD:
        return
    async with ctx.uow(read_only=True) as uow:
        found = await paid_series_of(uow, booking)
        session_id = await uow.series.card_setup(found.series_id) if found else None
    if session_id is not None:
        await card_saved(session_id, ctx)


async def card_saved(
    session_id: str, ctx: ServiceContext, event: ProviderEvent | None = None
) -> EventResult:
    """A card-saving checkout completed: store the card, send the series to the tutor.

    Re-reads the session from the provider (the event is only a hint). Idempotent: the
    weeks move on only while they still await the card, and an `event` is recorded once.
    """
    state = await _gateway(ctx).card_setup(session_id)
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        if event is not None and not await first_time(uow, event, now):
            return EventResult("duplicate")
        series_id = await uow.series.series_of_setup(session_id)
        if series_id is None and event is not None:
            series_id = await _claimed_series(uow, event, session_id, now)
        found = await uow.series.get(series_id) if series_id is not None else None
        if found is None or state.status != "complete" or state.payment_method_id is None:
            await uow.commit()  # the event is recorded: a redelivery changes nothing
            return EventResult("ignored", "not a completed card setup of ours")
        customer = state.customer_id or await uow.saved_cards.customer(
            found.guild_id, found.student_id
        )
        card = SavedCard(
            found.guild_id, found.student_id, customer or "", state.payment_method_id, now
        )
        await uow.saved_cards.save(card)
        moved = await _send_to_tutor(uow, found, now)
        await uow.commit()
    ctx.after_commit()
    if not moved:
        return EventResult("ignored", "the card was recorded already")
    return EventResult("applied", f"card saved; {moved} week(s) sent to the tutor")


async def _claimed_series(
    uow: UnitOfWork, event: ProviderEvent, session_id: str, now: datetime
) -> int | None:
    """The series a setup session's metadata names, when the session was never stored.

    A crash between opening the checkout and storing it leaves only the metadata; the
    series must exist in the guild the metadata names.
    """
    metadata = event.data.get("metadata")
    if not isinstance(metadata, dict):
        return None
    try:
        series_id, guild_id = int(metadata["series_id"]), int(metadata["guild_id"])
    except (KeyError, TypeError, ValueError):
        return None
    found = await uow.series.get(series_id)
    if found is None or found.guild_id != guild_id:
        return None
    await uow.series.set_card_setup(series_id, session_id, now)
    return series_id


async def _send_to_tutor(uow: UnitOfWork, found: BookingSeries, now: datetime) -> int:
    """Every week still awaiting the card becomes a request (or is confirmed, if instant)."""
    policy = await uow.guilds.policy(found.guild_id)
    waiting: list[Booking] = []
    for booking_id in await uow.series.booking_ids(found.series_id):
        booking = await uow.bookings.get(booking_id, for_update=True)
        if booking is not None and booking.state in AWAITING_CARD and now < booking.expires_at:
            waiting.append(booking.pay(now, policy)[0])
    if not waiting:
        return 0
    deadline = min(booking.expires_at for booking in waiting)
    buffer = timedelta(minutes=policy.buffer_minutes)
    moved = []
    for booking in waiting:
        week = replace(booking, expires_at=deadline)
        await uow.bookings.save(week, buffer, now)
        await scheduling.drop_booking_work(uow, week, now)
        await scheduling.schedule_all(uow, week_work(week, policy, now))
        moved.append(week)
    await series.announce(uow, found, moved, policy, now)
    return len(moved)


@dataclass(frozen=True, slots=True)
class ForgetCard(ByActor):
    """`/payments forget-card`: remove the caller's saved card in this guild."""


async def forget_card(cmd: ForgetCard, ctx: ServiceContext) -> bool:
    """Detach the caller's saved card at the provider and forget it; False: none saved.

    Later weeks of a paid series then fall back to the student's Pay link.
    """
    actor = cmd.actor
    async with ctx.uow(read_only=True) as uow:
        card = await uow.saved_cards.card(actor.guild_id, actor.user_id)
    if card is None:
        return False
    if ctx.gateway is not None:
        try:
            await ctx.gateway.forget_card(card.payment_method_id)
        except PaymentGatewayError as error:
            log.warning("detaching a saved card failed: %s", error.code)
            raise ConflictError("payment_unavailable") from error
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        await uow.saved_cards.forget(actor.guild_id, actor.user_id)
        detail = {"user": actor.user_id}
        await uow.audit.record(actor.guild_id, actor.user_id, FORGOT_ACTION, detail, now)
        await uow.commit()
    return True
