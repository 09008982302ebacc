"""Referral credit: off a paid booking's fee, back with its refunds, granted, withdrawn.

The credit is taken in the booking's own transaction, from the student's balance locked
for it, so two bookings at once never spend the same credit (`take`). A settlement gives
back the same share of it as of the total (`give_back`, called by
`payments.settle_booking` and when a hold is voided); at the payout what is still used
pays its part of the fee into `held` (`money_jobs`), so the ledger records it. The
rules are in `marketplace.domain.referrals` and `marketplace.domain.payment`. A
referral's credit is granted (`change`) by `referrals.grant_due` and withdrawn here
when its first session is refunded in full (`session_refunded`), each telling the
referrer (`tell`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from marketplace.domain.booking import Booking
from marketplace.domain.money import Money, Quote
from marketplace.domain.payment import Payment
from marketplace.domain.referrals import (
    CreditAccount,
    Referral,
    ReferralStatus,
    credit_to_use,
    with_credit,
)
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.ports.notice_details import ReferralDetails
from marketplace.services import scheduling


async def take(
    uow: UnitOfWork, guild_id: int, student_id: int, price: Quote, now: datetime
) -> Quote:
    """`price` with the student's referral credit taken off its fee (and their balance).

    Inside the booking's transaction: the balance is read once without a lock (most
    students have none, and pay no extra write), then locked and read again before any
    of it is used, so a booking racing this one sees what is left after it.
    """
    currency = price.total.currency
    if (await uow.referrals.credit(guild_id, student_id, currency)).balance <= 0:
        return price
    account = await uow.referrals.lock_credit(guild_id, student_id, currency, now)
    used = credit_to_use(Money(account.balance, currency), price)
    if used.minor <= 0:
        return price
    await uow.referrals.save_credit(guild_id, student_id, currency, account.take(used.minor), now)
    return with_credit(price, used)


async def credited(
    uow: UnitOfWork, booking: Booking, price: Quote, now: datetime
) -> tuple[Booking, Quote]:
    """A new paid booking and its price with its student's credit off the fee (`take`)."""
    price = await take(uow, booking.guild_id, booking.student_id, price, now)
    return replace(booking, price=price.total), price


async def give_back(
    uow: UnitOfWork, booking: Booking, payment: Payment, refund_percent: int, now: datetime
) -> Payment:
    """Return to the student the share of the booking's credit a refund gives back.

    The share is `refund_percent` (all of it when nothing was charged); what was given
    back before counts, so a re-settlement only adds the difference. The payment is
    stored with what was given back; returned as stored.
    """
    amount = payment.credit_to_give_back(refund_percent)
    if amount <= 0:
        return payment
    currency = payment.price.total.currency
    account = await uow.referrals.lock_credit(booking.guild_id, booking.student_id, currency, now)
    await uow.referrals.save_credit(
        booking.guild_id, booking.student_id, currency, account.give_back(amount), now
    )
    updated = payment.give_back_credit(amount)
    await uow.payments.save(updated, now)
    return updated


async def session_refunded(uow: UnitOfWork, booking_id: int, now: datetime) -> None:
    """Inside a refund's transaction: the session was refunded in full.

    If it is a referral's first session, the referral is withdrawn (once): nothing is
    granted later, and a credit already granted is taken back as far as it is unused.
    """
    referral = await uow.referrals.for_booking(booking_id)
    if referral is not None:
        await withdraw(uow, referral, now)


async def withdraw(uow: UnitOfWork, referral: Referral, now: datetime) -> None:
    """Withdraw a referral whose first session was refunded in full (once).

    A credit already granted is taken back as far as it is unused (the rest is owed) and
    the referrer is told; a referral not earned yet, or decided already, is left alone.
    """
    if referral.status not in (ReferralStatus.SESSION_DONE, ReferralStatus.CREDITED):
        return
    if not await uow.referrals.move(referral.withdrawn(now), referral.status):
        return
    credit = referral.credit
    if referral.status is ReferralStatus.CREDITED and credit is not None and credit.minor > 0:
        await change(uow, referral, credit, CreditAccount.withdraw, now)
        await tell(uow, referral, NoticeKind.REFERRAL_WITHDRAWN, credit, now)


async def change(
    uow: UnitOfWork,
    referral: Referral,
    credit: Money,
    how: Callable[[CreditAccount, int], CreditAccount],
    now: datetime,
) -> None:
    """Grant (`CreditAccount.grant`) or withdraw a referral's credit, the balance locked."""
    guild_id, user_id = referral.guild_id, referral.referrer_id
    account = await uow.referrals.lock_credit(guild_id, user_id, credit.currency, now)
    updated = how(account, credit.minor)
    await uow.referrals.save_credit(guild_id, user_id, credit.currency, updated, now)


async def tell(
    uow: UnitOfWork, referral: Referral, kind: NoticeKind, credit: Money | None, now: datetime
) -> None:
    """Queue the referrer's DM about the referral's credit (None: a free guild's thanks)."""
    details = ReferralDetails(
        guild=await uow.guilds.name(referral.guild_id),
        referred=str(referral.referred_id),
        amount=str(credit.minor) if credit else "",
        currency=credit.currency if credit else "",
    )
    await scheduling.notify_user(
        uow, referral.guild_id, kind, referral.referrer_id, now,
        key=f"referral:{referral.referral_id}", details=details,
    )  # fmt: skip
