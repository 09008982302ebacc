"""Referral credits on the services, in a paid guild against the Stripe fake, and a free one.

Maya (the world's student, user 11) brought Noor (user 31): Noor names her with
`/start referred_by:`. Noor's first session earns Maya `referral_credit_minor` ($5.00)
once the 48-hour dispute window after it has closed; Maya's next paid bookings with Theo
($25/h, fee 15 % = $3.75) take it off their platform fee, never off Theo's rate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from marketplace.domain.booking import Booking
from marketplace.domain.errors import ConflictError
from marketplace.domain.referrals import CreditAccount, Referral, ReferralStatus, Refusal
from marketplace.jobs import JobRunner
from marketplace.ports import NoticeKind
from marketplace.services import bookings, checkout, disputes, privacy, referrals, sessions
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.services.job_handlers import Handlers
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import (
    GUILD,
    NOW,
    TUTOR_ID,
    RecordingNotifier,
    add_student,
    at,
    book_cmd,
    build_world,
)
from tests.services.paid_world import FEE_MINOR, RATE_MINOR, TOTAL_MINOR, PaidWorld, paid_world

NOOR = 31
CREDIT = 500  # the default referral_credit_minor: $5.00
FIRST = at(2, 10)  # Noor's first session, Wednesday 10:00 UTC
LATER = at(5, 10)  # Maya's own bookings, after the credit is granted
MODERATOR = Actor(guild_id=GUILD, guild_name="Campus", user_id=900, has_manage_guild=True)


@pytest.fixture
async def paid(database, uow_factory, clock) -> AsyncIterator[PaidWorld]:
    async with paid_world(database, uow_factory, clock) as world:
        world.fake.add_balance(10_000)  # other payments' money: a dispute fee can be paid
        yield world


def _naming(who: Actor, referrer: int, **facts: object) -> referrals.RecordReferral:
    described: dict[str, object] = {
        "referrer_is_bot": False,
        "referrer_is_member": True,
        "joined_at": NOW,
    }
    return referrals.RecordReferral(who, referrer, **{**described, **facts})  # type: ignore[arg-type]


async def _noor_names(ctx: ServiceContext, referrer: int = 11, **facts: object) -> Actor:
    noor = await add_student(ctx, NOOR)
    await referrals.record(_naming(noor, referrer, **facts), ctx)
    return noor


async def _referral(ctx: ServiceContext, user_id: int = NOOR) -> Referral | None:
    async with ctx.uow(read_only=True) as uow:
        return await uow.referrals.of_member(GUILD, user_id)


async def _credit(ctx: ServiceContext, user_id: int = 11) -> CreditAccount:
    async with ctx.uow(read_only=True) as uow:
        return await uow.referrals.credit(GUILD, user_id, "USD")


async def _give_credit(ctx: ServiceContext, amount: int, user_id: int = 11) -> None:
    async with ctx.uow() as uow:
        await uow.referrals.save_credit(GUILD, user_id, "USD", CreditAccount(amount), NOW)
        await uow.commit()


async def _pay_as(paid: PaidWorld, who: Actor, booking: Booking) -> None:
    link = await checkout.link_for(checkout.CheckoutLink(who, booking.booking_id), paid.ctx)
    await checkout.start_checkout(link.rsplit("/", 1)[1], paid.ctx)
    await paid.fake.pay(await paid.session_id(booking), "4242424242424242")
    await paid.deliver()
    await paid.sweep()


async def _confirmed(paid: PaidWorld, who: Actor, start: datetime) -> Booking:
    booking = await bookings.book(book_cmd(who, TUTOR_ID, start), paid.ctx)
    await _pay_as(paid, who, booking)
    await bookings.accept(bookings.AcceptBooking(paid.tutor, booking.booking_id), paid.ctx)
    await paid.sweep()
    return booking


async def _held(paid: PaidWorld, who: Actor, start: datetime) -> Booking:
    """Booked, paid, accepted and marked complete just after its end."""
    booking = await _confirmed(paid, who, start)
    paid.clock.set(start + timedelta(minutes=61))
    await sessions.complete(sessions.CompleteSession(who, booking.booking_id), paid.ctx)
    await paid.sweep()
    await paid.deliver()
    return booking


async def _credited(paid: PaidWorld) -> Booking:
    noor = await _noor_names(paid.ctx)
    first = await _held(paid, noor, FIRST)
    await paid.later(timedelta(hours=49))
    await paid.deliver()
    return first


# --- recording: at /start --------------------------------------------------------------


async def test_a_member_has_one_referrer_and_the_first_one_named_stays(paid):
    noor = await _noor_names(paid.ctx, referrer=11)

    with pytest.raises(ConflictError) as twice:
        await referrals.record(_naming(noor, 41), paid.ctx)

    assert twice.value.reason == Refusal.ALREADY
    referral = await _referral(paid.ctx)
    assert referral is not None
    assert (referral.referrer_id, referral.status) == (11, ReferralStatus.JOINED)


@pytest.mark.parametrize(
    ("referrer", "facts", "reason"),
    [
        (NOOR, {}, Refusal.SELF),
        (41, {"referrer_is_bot": True}, Refusal.BOT),
        (41, {"referrer_is_member": False}, Refusal.NOT_MEMBER),
        (41, {"joined_at": NOW - timedelta(days=15)}, Refusal.TOO_LATE),
    ],
    ids=["yourself", "a bot", "not a member", "joined 15 days ago"],
)
async def test_a_refused_referral_writes_nothing(paid, referrer, facts, reason):
    noor = await add_student(paid.ctx, NOOR)

    with pytest.raises(ConflictError) as refused:
        await referrals.record(_naming(noor, referrer, **facts), paid.ctx)

    assert refused.value.reason == reason
    assert await _referral(paid.ctx) is None


async def test_a_member_who_started_longer_ago_than_the_window_cannot_name_anyone(paid):
    noor = await add_student(paid.ctx, NOOR)
    paid.clock.set(NOW + timedelta(days=15))  # Noor's /start was 15 days ago

    with pytest.raises(ConflictError) as refused:
        await referrals.record(_naming(noor, 11, joined_at=None), paid.ctx)

    assert refused.value.reason == Refusal.TOO_LATE


async def test_naming_back_the_member_you_brought_is_refused(paid):
    await _noor_names(paid.ctx, referrer=11)

    with pytest.raises(ConflictError) as refused:
        await referrals.record(_naming(paid.student, NOOR), paid.ctx)

    assert refused.value.reason == Refusal.CIRCULAR


async def test_a_member_whose_session_already_took_place_is_not_new(paid):
    noor = await add_student(paid.ctx, NOOR)
    await _held(paid, noor, FIRST)

    with pytest.raises(ConflictError) as refused:
        await referrals.record(_naming(noor, 11, joined_at=None), paid.ctx)

    assert refused.value.reason == Refusal.NOT_NEW


# --- earning: the first session, then the dispute window --------------------------------


async def test_the_first_completed_session_credits_the_referrer_after_the_dispute_window(paid):
    noor = await _noor_names(paid.ctx)
    first = await _held(paid, noor, FIRST)
    referral = await _referral(paid.ctx)
    assert referral is not None
    assert (referral.status, referral.booking_id) == (
        ReferralStatus.SESSION_DONE, first.booking_id
    )  # fmt: skip

    await paid.later(timedelta(hours=47))  # the window is still open
    assert (await _credit(paid.ctx)).balance == 0
    assert paid.notifier.of(NoticeKind.REFERRAL_CREDITED) == []

    await paid.later(timedelta(hours=2))

    assert (await _credit(paid.ctx)).balance == CREDIT
    referral = await _referral(paid.ctx)
    assert referral is not None
    assert referral.status is ReferralStatus.CREDITED
    [dm] = paid.notifier.of(NoticeKind.REFERRAL_CREDITED)
    assert dm.user_id == 11
    assert dm.booking is None  # about Noor, never about a booking of Maya's
    assert dm.details.fields() == {
        "guild": "Campus", "referred": str(NOOR), "amount": "500", "currency": "USD"
    }  # fmt: skip
    assert (await paid.payment(first.booking_id)).released == RATE_MINOR  # same wait as payout


async def test_only_the_first_session_counts(paid):
    noor = await _noor_names(paid.ctx)
    await _held(paid, noor, FIRST)
    await _held(paid, noor, at(3, 10))
    await paid.later(timedelta(days=3))

    assert (await _credit(paid.ctx)).balance == CREDIT
    assert paid.notifier.sent(NoticeKind.REFERRAL_CREDITED) == {11: 1}


async def test_a_session_the_referrer_taught_does_not_count(paid):
    noor = await _noor_names(paid.ctx, referrer=TUTOR_ID)  # Theo brought Noor, then taught her
    await _held(paid, noor, FIRST)
    await paid.later(timedelta(days=3))

    referral = await _referral(paid.ctx)
    assert referral is not None
    assert referral.status is ReferralStatus.JOINED
    assert (await _credit(paid.ctx, TUTOR_ID)).balance == 0


async def test_a_no_show_is_no_first_session(paid):
    noor = await _noor_names(paid.ctx)
    booking = await _confirmed(paid, noor, FIRST)
    paid.clock.set(FIRST + timedelta(minutes=61))
    await sessions.record_outcome(booking.booking_id, sessions.Outcome.TUTOR_NO_SHOW, paid.ctx)
    await paid.later(timedelta(days=3))

    referral = await _referral(paid.ctx)
    assert referral is not None
    assert referral.status is ReferralStatus.JOINED


# --- withdrawn: the first session refunded in full ----------------------------------------


async def test_a_full_refund_decided_in_a_dispute_withdraws_it_before_the_credit(paid):
    noor = await _noor_names(paid.ctx)
    first = await _held(paid, noor, FIRST)
    opened = await disputes.open_dispute(
        disputes.OpenDispute(noor, first.booking_id, "The tutor never explained anything."),
        paid.ctx,
    )
    await disputes.resolve_dispute(
        disputes.ResolveDispute(MODERATOR, opened.dispute_id, "refund", 100, "full refund"),
        paid.ctx,
    )
    await paid.later(timedelta(days=3))
    await paid.deliver()

    referral = await _referral(paid.ctx)
    assert referral is not None
    assert referral.status is ReferralStatus.WITHDRAWN
    assert (await _credit(paid.ctx)).balance == 0
    assert paid.notifier.of(NoticeKind.REFERRAL_CREDITED) == []
    assert (await paid.payment(first.booking_id)).refunded == TOTAL_MINOR
    assert (await paid.ledger()).ok


async def test_the_credit_waits_while_a_dispute_about_the_session_is_open(paid):
    noor = await _noor_names(paid.ctx)
    first = await _held(paid, noor, FIRST)
    opened = await disputes.open_dispute(
        disputes.OpenDispute(noor, first.booking_id, "I would like a partial refund."), paid.ctx
    )
    await paid.later(timedelta(days=3))
    assert (await _credit(paid.ctx)).balance == 0

    await disputes.resolve_dispute(
        disputes.ResolveDispute(MODERATOR, opened.dispute_id, "refund", 30, "a part"), paid.ctx
    )
    await paid.later(timedelta(hours=13))  # the job's next look

    assert (await _credit(paid.ctx)).balance == CREDIT  # not refunded in full: still earned


async def test_a_chargeback_after_the_credit_takes_back_what_is_unused_and_owes_the_rest(paid):
    first = await _credited(paid)
    spent = await _confirmed(paid, paid.student, at(9, 10))  # it uses $3.75 of Maya's credit
    assert (await _credit(paid.ctx)).balance == CREDIT - FEE_MINOR

    intent = await paid.intent(first.booking_id)
    dispute = await paid.fake.dispute(intent["id"], reason="fraudulent")
    await paid.deliver()
    await paid.fake.close_dispute(dispute["id"], "lost")
    await paid.deliver()
    await paid.sweep()

    referral = await _referral(paid.ctx)
    assert referral is not None
    assert referral.status is ReferralStatus.WITHDRAWN
    assert await _credit(paid.ctx) == CreditAccount(balance=0, owed=FEE_MINOR)
    assert paid.notifier.sent(NoticeKind.REFERRAL_WITHDRAWN) == {11: 1}

    # Maya cancels the booking that spent it, days ahead (a full refund): the credit it
    # gives back pays the debt, not Maya.
    await bookings.cancel(bookings.CancelBooking(paid.student, spent.booking_id), paid.ctx)
    await paid.sweep()
    assert await _credit(paid.ctx) == CreditAccount(balance=0, owed=0)
    report = await paid.ledger()
    assert report.ok, report.summary()


# --- spending: off the platform fee, never the tutor's share -------------------------------


async def test_the_credit_comes_off_the_platform_fee_and_the_tutor_is_paid_in_full(paid):
    await _credited(paid)

    booking = await _held(paid, paid.student, LATER)

    payment = await paid.payment(booking.booking_id)
    assert (payment.price.rate.minor, payment.price.fee.minor) == (RATE_MINOR, 0)
    assert payment.price.credit_used.minor == FEE_MINOR  # the whole fee, $3.75 of $5.00
    assert payment.captured == RATE_MINOR  # the student paid the rate only
    session = paid.fake.get(await paid.session_id(booking))
    assert session["amount_total"] == RATE_MINOR
    assert (await _credit(paid.ctx)).balance == CREDIT - FEE_MINOR

    await paid.later(timedelta(hours=49))

    payment = await paid.payment(booking.booking_id)
    assert (payment.released, payment.fees, payment.credited) == (RATE_MINOR, FEE_MINOR, FEE_MINOR)
    transfers = [o for o in paid.fake.store.objects.values() if o.get("object") == "transfer"]
    mine = [t for t in transfers if t["transfer_group"] == f"booking_{booking.booking_id}"]
    assert [t["amount"] for t in mine] == [RATE_MINOR]  # the tutor's transfer is unchanged
    async with paid.ctx.uow(read_only=True) as uow:
        entries = await uow.ledger.entries(booking.booking_id)
    assert [(e.source, e.target, e.amount.minor) for e in entries if e.reference.startswith(
        "credit:"
    )] == [("referral_credit", "held", FEE_MINOR)]  # fmt: skip
    report = await paid.ledger()
    assert report.ok, report.summary()


async def test_leftover_credit_carries_to_the_next_booking_and_then_runs_out(paid):
    await _give_credit(paid.ctx, CREDIT)

    first = await bookings.book(book_cmd(paid.student, TUTOR_ID, LATER), paid.ctx)
    second = await bookings.book(book_cmd(paid.student, TUTOR_ID, at(6, 10)), paid.ctx)
    third = await bookings.book(book_cmd(paid.student, TUTOR_ID, at(7, 10)), paid.ctx)

    used = [(await paid.payment(b.booking_id)).price for b in (first, second, third)]
    assert [p.credit_used.minor for p in used] == [FEE_MINOR, CREDIT - FEE_MINOR, 0]
    assert [p.total.minor for p in used] == [
        RATE_MINOR, TOTAL_MINOR - (CREDIT - FEE_MINOR), TOTAL_MINOR
    ]  # fmt: skip
    assert [b.price.minor for b in (first, second, third)] == [p.total.minor for p in used]
    assert (await _credit(paid.ctx)).balance == 0


async def test_an_unpaid_booking_that_expires_gives_its_credit_back(paid):
    await _give_credit(paid.ctx, CREDIT)
    await bookings.book(book_cmd(paid.student, TUTOR_ID, LATER), paid.ctx)
    assert (await _credit(paid.ctx)).balance == CREDIT - FEE_MINOR

    await paid.later(timedelta(minutes=31))  # the checkout expired unpaid

    assert (await _credit(paid.ctx)).balance == CREDIT


async def test_an_early_cancellation_gives_the_credit_back_in_full(paid):
    await _give_credit(paid.ctx, CREDIT)
    booking = await _confirmed(paid, paid.student, LATER)

    await bookings.cancel(bookings.CancelBooking(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()

    assert (await _credit(paid.ctx)).balance == CREDIT
    assert (await paid.payment(booking.booking_id)).credit_restored == FEE_MINOR
    assert (await paid.ledger()).ok


async def test_a_late_cancellation_gives_back_the_same_share_as_the_refund(paid):
    await _give_credit(paid.ctx, CREDIT)
    booking = await _confirmed(paid, paid.student, FIRST)
    paid.clock.set(FIRST - timedelta(hours=5))  # a late cancel: 50 % back

    await bookings.cancel(bookings.CancelBooking(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()
    await paid.later(timedelta(days=3))

    back = (FEE_MINOR + 1) // 2  # half of $3.75, half up
    assert (await _credit(paid.ctx)).balance == CREDIT - FEE_MINOR + back
    payment = await paid.payment(booking.booking_id)
    kept_card = RATE_MINOR - (RATE_MINOR + 1) // 2  # the card paid the rate only; half back
    assert payment.captured == kept_card
    assert payment.released == RATE_MINOR // 2  # the tutor's 50 % of the rate, unchanged
    assert payment.credited == FEE_MINOR - back
    assert payment.fees == kept_card - RATE_MINOR // 2 + (FEE_MINOR - back)
    report = await paid.ledger()
    assert report.ok, report.summary()


# --- /referrals and /privacy -------------------------------------------------------------


async def test_referrals_lists_who_you_brought_and_your_credit(paid):
    await _credited(paid)

    view = await referrals.overview(referrals.ViewReferrals(paid.student), paid.ctx)

    assert [(r.referred_id, r.status) for r in view.referrals] == [(NOOR, ReferralStatus.CREDITED)]
    assert view.total == 1
    assert [m.minor for m in view.credit] == [CREDIT]
    assert view.reward is not None
    assert view.reward.minor == CREDIT
    theirs = await referrals.overview(
        referrals.ViewReferrals(dataclasses.replace(paid.student, user_id=NOOR)), paid.ctx
    )
    assert (theirs.referred_by, theirs.total) == (11, 0)


async def test_privacy_export_includes_referrals_and_delete_removes_the_links(paid):
    await _credited(paid)

    mine = await privacy.export(privacy.ExportMyData(paid.student), paid.ctx)
    assert [(r["referred_id"], r["status"]) for r in mine.document["referrals_made"]] == [
        (NOOR, "credited")
    ]
    assert mine.document["referral_credit"][0]["balance_minor"] == CREDIT
    noor = dataclasses.replace(paid.student, user_id=NOOR)
    theirs = await privacy.export(privacy.ExportMyData(noor), paid.ctx)
    assert theirs.document["referred_by"]["referrer_id"] == 11

    await privacy.delete(privacy.DeleteMyData(noor), paid.ctx)

    assert await _referral(paid.ctx) is None
    again = await privacy.export(privacy.ExportMyData(paid.student), paid.ctx)
    assert again.document["referrals_made"] == []
    assert (await _credit(paid.ctx)).balance == CREDIT  # Maya's credit is hers to keep
    assert (await paid.ledger()).ok


# --- a free guild: counted and thanked, no money -----------------------------------------


async def test_a_free_guild_counts_and_thanks_a_referral_without_money(
    service_context, clock, database
):
    world = await build_world(service_context, clock, instant=True)
    notifier = RecordingNotifier()
    runner = JobRunner(
        SqlActionQueue(database, clock=clock), Handlers(service_context, notifier).by_kind(), clock
    )
    noor = await _noor_names(service_context)
    booking = await bookings.book(book_cmd(noor, TUTOR_ID, FIRST), service_context)
    clock.set(FIRST + timedelta(minutes=61))
    await sessions.complete(sessions.CompleteSession(noor, booking.booking_id), service_context)

    clock.set(FIRST + timedelta(hours=50))
    while await runner.sweep():
        pass

    referral = await _referral(service_context)
    assert referral is not None
    assert (referral.status, referral.credit) == (ReferralStatus.CREDITED, None)
    assert (await _credit(service_context, world.student.user_id)).balance == 0
    [thanks] = notifier.of(NoticeKind.REFERRAL_CREDITED)
    assert (thanks.user_id, thanks.details.fields()["amount"]) == (11, "")
