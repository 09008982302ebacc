"""Referrals and referral credit in storage, on SQLite and on PostgreSQL.

The races go through the real services: bookings by one student at once, each taking
what is left of their credit (the balance is locked: `FOR UPDATE` on PostgreSQL, one
writer at a time on SQLite), and two referrals named for one member at once.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from marketplace.domain.booking import Booking
from marketplace.domain.errors import ConflictError
from marketplace.domain.money import Money
from marketplace.domain.referrals import CreditAccount, Referral, ReferralStatus, Refusal
from marketplace.domain.stats import Window
from marketplace.payments import FreeGateway
from marketplace.ports import PayoutAccount
from marketplace.services import bookings, referrals
from marketplace.services.context import ServiceContext
from tests.services.marketplace_world import (
    GUILD,
    NOW,
    TUTOR_ID,
    actor,
    add_student,
    at,
    book_cmd,
    build_world,
    failure_summary,
)

FEE = 375  # 15 % of the world tutor's $25/h
BOOKINGS = 6


def _paid(ctx: ServiceContext) -> ServiceContext:
    """The same services with payments configured (booking itself calls no gateway)."""
    return ServiceContext(uow=ctx.uow, clock=ctx.clock, gateway=FreeGateway())


async def _world_with_credit(service_context, clock, credit: int) -> ServiceContext:
    ctx = _paid(service_context)
    world = await build_world(ctx, clock)
    async with ctx.uow() as uow:
        await uow.payout_accounts.save(
            GUILD, TUTOR_ID, PayoutAccount("acct_t", True, transfers_active=True), NOW
        )
        student = world.student.user_id
        await uow.referrals.save_credit(GUILD, student, "USD", CreditAccount(credit), NOW)
        await uow.commit()
    return ctx


async def test_bookings_at_once_never_spend_the_same_credit(service_context, clock, uow_factory):
    ctx = await _world_with_credit(service_context, clock, 1_000)
    student = actor(11)
    starts = [at(2 + n, 10) for n in range(BOOKINGS)]

    results = await asyncio.wait_for(
        asyncio.gather(
            *(bookings.book(book_cmd(student, TUTOR_ID, s), ctx) for s in starts),
            return_exceptions=True,
        ),
        timeout=60,
    )

    made = [r for r in results if isinstance(r, Booking)]
    assert len(made) == BOOKINGS, failure_summary(results)
    async with uow_factory(read_only=True) as uow:
        payments = await uow.payments.of_bookings([b.booking_id for b in made])
        left = await uow.referrals.credit(GUILD, student.user_id, "USD")
    used = sorted((p.price.credit_used.minor for p in payments.values()), reverse=True)
    assert used == [FEE, FEE, 1_000 - 2 * FEE, 0, 0, 0]  # every cent once, never more
    assert left == CreditAccount(0, 0)
    for payment in payments.values():
        assert payment.price.rate.minor == 2_500  # the tutor's share untouched
        assert payment.price.total == payment.price.rate + payment.price.fee


async def test_one_referral_per_member_when_two_are_named_at_once(service_context, clock):
    await build_world(service_context, clock)
    noor = await add_student(service_context, 31)

    def naming(referrer: int) -> referrals.RecordReferral:
        return referrals.RecordReferral(
            noor, referrer, referrer_is_bot=False, referrer_is_member=True, joined_at=NOW
        )

    results = await asyncio.gather(
        referrals.record(naming(11), service_context),
        referrals.record(naming(21), service_context),
        return_exceptions=True,
    )

    recorded = [r for r in results if isinstance(r, Referral)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(recorded) == 1
    assert [e.reason for e in refused] == [Refusal.ALREADY]
    async with service_context.uow(read_only=True) as uow:
        stored = await uow.referrals.of_member(GUILD, 31)
    assert stored == recorded[0]


async def test_a_referral_moves_once_and_is_found_by_its_first_session(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, at(2, 10)), service_context)
    async with uow_factory() as uow:
        joined = await uow.referrals.add(Referral(0, GUILD, 21, 11, ReferralStatus.JOINED, NOW))
        assert joined is not None
        assert (
            await uow.referrals.add(Referral(0, GUILD, 41, 11, ReferralStatus.JOINED, NOW)) is None
        )
        earned = joined.session_held(booking.booking_id, NOW)
        assert await uow.referrals.move(earned, ReferralStatus.JOINED)
        assert not await uow.referrals.move(earned, ReferralStatus.JOINED)  # moved already
        credited = earned.credited(Money(500, "USD"), NOW + timedelta(days=2))
        assert await uow.referrals.move(credited, ReferralStatus.SESSION_DONE)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.referrals.for_booking(booking.booking_id) == credited
        assert await uow.referrals.get(joined.referral_id) == credited
        assert await uow.referrals.made_by(GUILD, 21, 10) == [credited]
        assert await uow.referrals.counts_by(GUILD, 21) == {ReferralStatus.CREDITED: 1}
        assert not await uow.referrals.had_session(GUILD, 11)  # requested, not held
        activity = await uow.stats.activity(GUILD, Window(NOW, NOW + timedelta(days=3)))
        assert (activity.referrals, activity.referrals_credited) == (1, 1)  # /admin stats
        before = await uow.stats.activity(GUILD, Window(NOW - timedelta(days=1), NOW))
        assert (before.referrals, before.referrals_credited) == (0, 0)


async def _store(uow_factory, account: CreditAccount) -> None:
    async with uow_factory() as uow:
        await uow.referrals.save_credit(GUILD, 11, "EUR", account, NOW)
        await uow.commit()


async def test_credit_balances_are_per_currency_and_never_negative(
    uow_factory, service_context, clock
):
    await build_world(service_context, clock)
    async with uow_factory() as uow:
        locked = await uow.referrals.lock_credit(GUILD, 11, "EUR", NOW)  # made empty to lock
        assert locked == CreditAccount()
        await uow.referrals.save_credit(GUILD, 11, "EUR", CreditAccount(700, 0), NOW)
        await uow.referrals.save_credit(GUILD, 11, "USD", CreditAccount(0, 25), NOW)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.referrals.credits_of(GUILD, 11) == {
            "EUR": CreditAccount(700, 0), "USD": CreditAccount(0, 25)
        }  # fmt: skip
    with pytest.raises(IntegrityError):
        await _store(uow_factory, CreditAccount(-1, 0))
    async with uow_factory(read_only=True) as uow:
        assert (await uow.referrals.credit(GUILD, 11, "EUR")).balance == 700
