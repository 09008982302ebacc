"""Referrals: `/start referred_by:`, the credit for a first session, and `/referrals`.

The rules are `marketplace.domain.referrals`. Recording happens at `/start` (a refusal
never stops the rest of `/start`). When the referred student's first session took place
(`sessions.end_session` calls `session_held`), the referral is earned and a durable
`grant_referral` job is due when the dispute window after that session closes, the
same wait as the tutor's payout. The job grants the credit (a paid guild:
`referral_credit_minor` in the guild's currency; a free guild: counted, no money) and
DMs the referrer, unless that session is in dispute (it looks again later) or was
refunded in full. A full refund of that session, by a dispute's decision or a refund at
the provider, withdraws the referral (`referral_credit.session_refunded`): before the
grant there is then nothing to grant; after it the unused credit is taken back and the
referrer told.

A session in which the referrer is the tutor does not count: a tutor paid for it would
earn more credit than the fee the session cost. Nor does a drop-in help (**Next** …
**Done**): it is not booked, costs nothing, and the tutor can end it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from marketplace.domain.booking import Booking
from marketplace.domain.errors import ConflictError
from marketplace.domain.money import Money
from marketplace.domain.payment import Payment
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.referrals import (
    CreditAccount,
    Newcomer,
    Nominee,
    Referral,
    ReferralStatus,
    Refusal,
    ensure_can_refer,
)
from marketplace.domain.scheduled import (
    ActionKind,
    ActionState,
    ClaimedAction,
    NewAction,
    booking_work,
)
from marketplace.domain.settlement import FULL_REFUND, Outcome, outcome_split
from marketplace.formatting import guild_locale
from marketplace.jobs.runner import HandlerResult
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.services import referral_credit
from marketplace.services.actor import ByActor
from marketplace.services.context import ServiceContext, enter_guild
from marketplace.services.payments import payments_on

RECHECK = timedelta(hours=12)
"""A credit waiting on an open dispute about its session is looked at again this often."""

LIST_CAP = 25
"""`/referrals` lists this many of the newest referrals (the counts cover them all)."""


@dataclass(frozen=True, slots=True)
class RecordReferral(ByActor):
    """`/start referred_by:`: the caller names who brought them, as Discord describes them.

    `joined_at` is when the caller joined the server (None when Discord did not say).
    """

    referrer_id: int
    referrer_is_bot: bool
    referrer_is_member: bool
    joined_at: datetime | None


async def record(cmd: RecordReferral, ctx: ServiceContext) -> Referral:
    """Record who brought the caller; `ConflictError(<Refusal>)` when it may not be.

    One transaction; a refusal writes nothing. Two at once for the same member: the
    unique key lets one in, and the other is refused as already recorded.
    """
    actor, now = cmd.actor, ctx.clock.now()
    guild_id, user_id = actor.guild_id, actor.user_id
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        policy = await uow.guilds.policy(guild_id)
        member = await uow.members.get(guild_id, user_id)
        newcomer = Newcomer(
            user_id,
            cmd.joined_at,
            member.started_at if member else None,
            await uow.referrals.had_session(guild_id, user_id),
        )
        theirs = await uow.referrals.of_member(guild_id, cmd.referrer_id)
        ensure_can_refer(
            newcomer,
            Nominee(cmd.referrer_id, cmd.referrer_is_bot, cmd.referrer_is_member),
            window_days=policy.referral_window_days,
            now=now,
            already_referred=await uow.referrals.of_member(guild_id, user_id) is not None,
            brought_by_newcomer=theirs is not None and theirs.referrer_id == user_id,
        )
        new = Referral(0, guild_id, cmd.referrer_id, user_id, ReferralStatus.JOINED, now)
        stored = await uow.referrals.add(new)
        if stored is None:
            raise ConflictError(Refusal.ALREADY)
        await uow.commit()
    return stored


def took_place(outcome: Outcome, policy: GuildPolicy) -> bool:
    """Whether a session that ended so counts as held for a referral.

    Completed, or a late start that was not refunded in full.
    """
    held = outcome in (Outcome.COMPLETED, Outcome.LATE_START)
    return held and outcome_split(outcome, policy)[0] < FULL_REFUND[0]


async def session_held(
    uow: UnitOfWork, booking: Booking, outcome: Outcome, policy: GuildPolicy, now: datetime
) -> None:
    """Inside the session's ending: a referred student's first session earns the referral.

    Schedules the `grant_referral` job for when the dispute window after the session
    closes. A session the referrer taught, or one that did not take place, changes nothing.
    """
    if not took_place(outcome, policy):
        return
    referral = await uow.referrals.of_member(booking.guild_id, booking.student_id)
    if referral is None or referral.status is not ReferralStatus.JOINED:
        return
    if referral.referrer_id == booking.tutor_id:
        return
    earned = referral.session_held(booking.booking_id, now)
    if not await uow.referrals.move(earned, ReferralStatus.JOINED):
        return
    due = max(now, booking.end) + timedelta(hours=policy.dispute_window_hours)
    await uow.scheduled.schedule(_grant_work(earned, booking, due))


def _grant_work(referral: Referral, about: Booking, due: datetime, check: int = 0) -> NewAction:
    key = f"referral:{referral.referral_id}" + (f":check{check}" if check else "")
    payload: dict[str, object] = {"referral": referral.referral_id}
    if check:
        payload["check"] = check
    return booking_work(
        ActionKind.GRANT_REFERRAL, about, key, due, user_id=referral.referrer_id, payload=payload
    )


def _refunded_in_full(payment: Payment | None) -> bool:
    """Whether everything charged for the session went back (refunds, or a chargeback)."""
    if payment is None or not payment.captured:
        return False
    return payment.captured - payment.refunded - payment.charged_back <= 0


async def _in_question(uow: UnitOfWork, booking_id: int, payment: Payment | None) -> bool:
    """An open platform or card dispute about the session: its refund is not known yet."""
    dispute = await uow.disputes.for_booking(booking_id)
    return (dispute is not None and dispute.is_open) or (
        payment is not None and payment.dispute_open
    )


def _skip(why: str) -> HandlerResult:
    return HandlerResult(ActionState.SKIPPED, why)


async def grant_due(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """The dispute window after a referral's first session closed: grant its credit.

    Skipped unless the referral still waits for it; waits while a dispute about the
    session is open (a new job `RECHECK` later); withdrawn instead if the session was
    refunded in full by now. In a paid guild the referrer's balance grows by
    `referral_credit_minor`; in a free guild nothing is added. Either way they are DMed.
    """
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        referral = await uow.referrals.get(int(action.payload.get("referral", 0)))
        if referral is None or referral.status is not ReferralStatus.SESSION_DONE:
            return _skip("referral no longer waiting for its credit")
        booking = await uow.bookings.get(referral.booking_id or 0)
        if booking is None:
            return _skip("its session is gone")
        payment = await uow.payments.get(booking.booking_id)
        if _refunded_in_full(payment):
            await referral_credit.withdraw(uow, referral, now)
            await uow.commit()
            return HandlerResult(ActionState.DONE, "withdrawn: the session was refunded in full")
        if await _in_question(uow, booking.booking_id, payment):
            check = int(action.payload.get("check", 0)) + 1
            await uow.scheduled.schedule(_grant_work(referral, booking, now + RECHECK, check))
            await uow.commit()
            return _skip(f"a dispute about the session is open; checked again in {RECHECK}")
        granted = await _grant(uow, referral, ctx, now)
        await uow.commit()
    ctx.after_commit()
    return HandlerResult(ActionState.DONE, granted)


def reward(policy: GuildPolicy, ctx: ServiceContext) -> Money | None:
    """What a referral earns in this guild now: `referral_credit_minor` if it is paid.

    None in a free guild (or with the credit set to 0): the referral is only thanked.
    """
    amount = policy.referral_credit_minor if payments_on(policy, ctx) else 0
    return Money(amount, policy.currency) if amount > 0 else None


async def _grant(uow: UnitOfWork, referral: Referral, ctx: ServiceContext, now: datetime) -> str:
    """Credit the referrer (a free guild: no money) and queue their DM."""
    guild_id = referral.guild_id
    policy = await uow.guilds.policy(guild_id)
    credit = reward(policy, ctx)
    if not await uow.referrals.move(referral.credited(credit, now), ReferralStatus.SESSION_DONE):
        return "already credited"
    if credit is not None:
        await referral_credit.change(uow, referral, credit, CreditAccount.grant, now)
    await referral_credit.tell(uow, referral, NoticeKind.REFERRAL_CREDITED, credit, now)
    return f"credited {credit.minor} {credit.currency}" if credit else "counted (free guild)"


@dataclass(frozen=True, slots=True)
class ReferralOverview:
    """What `/referrals` shows: your referrals (newest first), their counts, your credit.

    `credit` is the unused balance per currency (only those with some); `referred_by`
    who brought you, if anyone; `reward` what a referral earns here now (None in a free
    guild, where it is counted and thanked); `window_days` and `wait_hours` the guild's
    `referral_window_days` and `dispute_window_hours`; `locale` the one amounts are
    read in here.
    """

    referrals: list[Referral]
    counts: dict[ReferralStatus, int]
    credit: list[Money]
    referred_by: int | None
    reward: Money | None
    window_days: int
    wait_hours: int
    locale: str

    @property
    def total(self) -> int:
        """How many referrals you made in all."""
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class ViewReferrals(ByActor):
    """`/referrals`: who you brought, and your credit."""


async def overview(cmd: ViewReferrals, ctx: ServiceContext) -> ReferralOverview:
    """The caller's referrals and unused credit in this guild, in one read."""
    guild_id, user_id = cmd.actor.guild_id, cmd.actor.user_id
    async with ctx.uow(read_only=True) as uow:
        made = await uow.referrals.made_by(guild_id, user_id, LIST_CAP)
        counts = await uow.referrals.counts_by(guild_id, user_id)
        accounts = await uow.referrals.credits_of(guild_id, user_id)
        mine = await uow.referrals.of_member(guild_id, user_id)
        policy = await uow.guilds.policy(guild_id)
    credit = [Money(a.balance, currency) for currency, a in accounts.items() if a.balance > 0]
    return ReferralOverview(
        referrals=made,
        counts=counts,
        credit=credit,
        referred_by=mine.referrer_id if mine else None,
        reward=reward(policy, ctx),
        window_days=policy.referral_window_days,
        wait_hours=policy.dispute_window_hours,
        locale=guild_locale(policy.languages),
    )
