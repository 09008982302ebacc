"""What the checkout web app asks: the page for a link, Pay, the return pages, payouts.

A link token (≥ 128 random bits, expiring, one booking) is the only credential the pages
take. Pay opens the provider's hosted checkout once per booking (the idempotency key is
derived from the booking) and resumes that same session whenever the link is reopened,
so there is no way to reach the tutor around the payment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.checkout_window import checkout_expires_at
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.money import Quote
from marketplace.domain.payment import Payment, PaymentStatus
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.series import pay_by
from marketplace.ports import (
    CheckoutRequest,
    PaymentGateway,
    PaymentGatewayError,
    UnitOfWork,
)
from marketplace.services import payments, series_payments
from marketplace.services.actor import OnBooking
from marketplace.services.context import ServiceContext, guild_booking

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CheckoutPage:
    """Everything the checkout and status pages show for one booking.

    `zone` is the student's IANA zone (None: show UTC). `payable` is True while the
    booking awaits payment and the link may open the hosted checkout. `refunded_minor` is
    what went back to the student: refunds, plus any part of the hold never charged.
    """

    token: str
    booking: Booking
    tutor_name: str
    subject_name: str
    zone: str | None
    price: Quote
    fee_bps: int
    status: PaymentStatus
    refunded_minor: int
    policy: GuildPolicy
    now: datetime
    week_pay_by: datetime | None = None
    """A paid series' week its saved card did not pay: payable until then (min notice)."""
    saves_card: bool = False
    """A paid series still awaiting its card: Pay saves the card (setup mode), once."""

    @property
    def payable(self) -> bool:
        """Whether Pay may open the hosted checkout now."""
        if self.week_pay_by is not None:
            return self.now < self.week_pay_by
        return (
            self.booking.state is BookingState.AWAITING_PAYMENT
            and self.now < self.booking.expires_at
        )


def _gateway(ctx: ServiceContext) -> PaymentGateway:
    if ctx.gateway is None:
        raise ConflictError("payments_off")
    return ctx.gateway


async def _resolve(uow: UnitOfWork, token: str, now: datetime) -> Booking:
    booking_id = await uow.checkout_tokens.resolve(token, now)
    booking = await uow.bookings.get(booking_id) if booking_id is not None else None
    if booking is None:
        raise NotFoundError("checkout", "link")
    return booking


async def checkout_page(token: str, ctx: ServiceContext) -> CheckoutPage:
    """The page behind a link; `NotFoundError` for an unknown, expired or forged token."""
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        booking = await _resolve(uow, token, now)
        payment = await uow.payments.get(booking.booking_id)
        if payment is None:
            raise NotFoundError("checkout", "link")
        policy = await uow.guilds.policy(booking.guild_id)
        subject = await uow.subjects.name_of(booking.guild_id, booking.subject_key)
        return CheckoutPage(
            token=token,
            booking=booking,
            tutor_name=await uow.users.display_name(booking.tutor_id) or "your tutor",
            subject_name=subject,
            zone=await uow.users.timezone(booking.student_id),
            price=payment.price,
            fee_bps=policy.platform_fee_bps,
            status=payment.status,
            refunded_minor=_given_back(payment),
            policy=policy,
            now=now,
            week_pay_by=await _week_pay_by(uow, booking, payment, policy),
            saves_card=booking.state is BookingState.AWAITING_PAYMENT
            and await series_payments.paid_series_of(uow, booking) is not None,
        )


async def _week_pay_by(
    uow: UnitOfWork, booking: Booking, payment: Payment, policy: GuildPolicy
) -> datetime | None:
    """Until when a paid series' week still unpaid after its request may be paid by link."""
    unpaid = not (payment.authorized or payment.voided)
    if booking.state not in series_payments.HELD_WHILE or not unpaid:
        return None
    if await series_payments.paid_series_of(uow, booking) is None:
        return None
    return pay_by(booking.start, policy.min_notice_minutes)


def _given_back(payment: Payment) -> int:
    # A released hold (a void, or the rest of a partial capture) is no refund in the
    # ledger, but it is money back for the student, as `Payment.status` counts it.
    if payment.captured or (payment.voided and payment.authorized):
        return payment.price.total.minor - (payment.captured - payment.refunded)
    return payment.refunded


async def start_checkout(token: str, ctx: ServiceContext) -> str:
    """Pay: the hosted checkout's address (the same session every time).

    Raises `NotFoundError` for a bad link, `ConflictError("checkout_closed")` when the
    booking no longer awaits payment, `ConflictError("payment_unavailable")` when the
    provider cannot be reached (try again).
    """
    page = await checkout_page(token, ctx)
    if not page.payable:
        raise ConflictError("checkout_closed")
    gateway = _gateway(ctx)
    booking = page.booking
    wanted = booking.created_at + payments.CHECKOUT_SESSION_LIFETIME
    if page.week_pay_by is not None:  # a series' week, paid by link long after booking
        wanted = min(ctx.clock.now() + payments.CHECKOUT_SESSION_LIFETIME, page.week_pay_by)
    expires_at = checkout_expires_at(wanted, ctx.clock.now())
    if page.saves_card:
        return await _card_setup(page, token, expires_at, ctx)
    async with ctx.uow(read_only=True) as uow:
        session_id, _intent = await uow.payments.refs(booking.booking_id)
    try:
        if session_id is not None:
            state = await gateway.checkout(session_id)
            if state.status == "open" and state.url:
                return state.url
            await sync_booking(booking.booking_id, ctx)
            raise ConflictError("checkout_closed")
        ref = await gateway.create_checkout(
            CheckoutRequest(
                booking_id=booking.booking_id,
                guild_id=booking.guild_id,
                amount=page.price.total,
                description=_description(page),
                capture="manual",
                success_url=ctx.link(f"/checkout/{token}/done"),
                cancel_url=ctx.link(f"/checkout/{token}"),
                expires_at=expires_at,
                transfer_group=f"booking_{booking.booking_id}",
            ),
            idempotency_key=f"booking-{booking.booking_id}-checkout",
        )
    except PaymentGatewayError as error:
        log.warning("checkout for booking %s failed: %s", booking.booking_id, error.code)
        raise ConflictError("payment_unavailable") from error
    async with ctx.uow() as uow:
        await uow.payments.set_refs(booking.booking_id, ref.session_id, ref.payment_intent_id)
        await uow.commit()
    return ref.url


async def _card_setup(
    page: CheckoutPage, token: str, expires_at: datetime, ctx: ServiceContext
) -> str:
    """A paid series awaiting its card: the checkout that saves it (setup mode)."""
    links = series_payments.CardSetupLinks(
        success_url=ctx.link(f"/checkout/{token}/done"),
        cancel_url=ctx.link(f"/checkout/{token}"),
        expires_at=expires_at,
        description=f"Weekly sessions: {_description(page)}",
    )
    try:
        return await series_payments.start_card_setup(page.booking, links, ctx)
    except PaymentGatewayError as error:
        log.warning("card setup for booking %s failed: %s", page.booking.booking_id, error.code)
        raise ConflictError("payment_unavailable") from error


def _description(page: CheckoutPage) -> str:
    minutes = int((page.booking.end - page.booking.start) / timedelta(minutes=1))
    return f"{page.subject_name} with {page.tutor_name}, {minutes} min"


async def sync_booking(booking_id: int, ctx: ServiceContext) -> None:
    """Re-read the booking's payment from the provider and record it (idempotent)."""
    gateway = _gateway(ctx)
    async with ctx.uow(read_only=True) as uow:
        session_id, intent_id = await uow.payments.refs(booking_id)
    if intent_id is None and session_id is not None:
        intent_id = (await gateway.checkout(session_id)).payment_intent_id
    if intent_id is None:
        return
    intent = await gateway.intent(intent_id)
    async with ctx.uow() as uow:
        await payments.apply_observed(uow, booking_id, intent, ctx.clock.now())
        await uow.commit()
    ctx.after_commit()


async def paid_before_closing(
    booking_id: int, ctx: ServiceContext, states: frozenset[BookingState]
) -> bool:
    """Close the booking's open checkout before giving up on its payment; True: it was paid.

    Only while the booking is in one of `states`; a checkout found complete is recorded.
    """
    gateway = ctx.gateway
    async with ctx.uow(read_only=True) as uow:
        booking = await uow.bookings.get(booking_id)
        session_id, _intent = await uow.payments.refs(booking_id)
    if gateway is None or session_id is None or booking is None:
        return False
    if booking.state not in states:
        return False
    state = await gateway.expire_checkout(session_id)
    if state.status != "complete":
        return False
    await sync_booking(booking_id, ctx)
    return True


async def returned(token: str, ctx: ServiceContext) -> CheckoutPage:
    """The success page: record the payment at once (webhooks may lag), then show it."""
    page = await checkout_page(token, ctx)
    try:
        await sync_booking(page.booking.booking_id, ctx)
        await series_payments.sync_card_setup(page.booking, ctx)
    except PaymentGatewayError as error:
        log.warning("sync after checkout failed: %s", error.code)
        return page
    return await checkout_page(token, ctx)


async def payout_returned(account_id: str, ctx: ServiceContext) -> bool:
    """The tutor came back from payout onboarding: re-read and record the account.

    Returns whether payouts are enabled. `NotFoundError` for an account no tutor owns.
    """
    gateway = _gateway(ctx)
    async with ctx.uow(read_only=True) as uow:
        owner = await uow.payout_accounts.by_account(account_id)
    if owner is None:
        raise NotFoundError("payout_account", "link")
    try:
        account = await gateway.payout_account(account_id)
    except PaymentGatewayError as error:
        raise ConflictError("payment_unavailable") from error
    async with ctx.uow() as uow:
        await uow.payout_accounts.save(*owner, account, ctx.clock.now())
        await uow.commit()
    return account.can_receive_transfers


@dataclass(frozen=True, slots=True)
class CheckoutLink(OnBooking):
    """`/pay` (or Pay on `/bookings`): the student's way to the checkout page."""


async def link_for(command: CheckoutLink, ctx: ServiceContext) -> str:
    """The caller's link to their booking's checkout (or, once paid, its status) page.

    Only the student of a paid booking gets one; anyone else gets `NotFoundError`.
    """
    actor, booking_id = command.actor, command.booking_id
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking = await guild_booking(uow, actor, booking_id)
        if booking.student_id != actor.user_id or await uow.payments.get(booking_id) is None:
            raise NotFoundError("booking", str(booking_id))
        token = await payments.issue_link(uow, booking, now)
        await uow.commit()
    return ctx.link(f"/checkout/{token}")
