"""Card disputes end to end on the services, against the Stripe fake (SQLite, real HTTP).

A session is paid ($28.75), completed and (or not) paid out; then the student's bank
disputes the charge. Webhooks are delivered in order, twice or late; the bank decides.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from marketplace.domain.booking import Booking
from marketplace.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from marketplace.domain.policy import apply_overrides
from marketplace.ports import NoticeKind
from marketplace.services import card_disputes, moderation, sessions
from marketplace.services.actor import Actor
from marketplace.services.card_disputes import SubmitEvidence
from stripe_fake.disputes import DISPUTE_FEES
from tests.services.paid_world import (
    FEE_MINOR,
    RATE_MINOR,
    TOTAL_MINOR,
    PaidWorld,
    paid_world,
)
from tests.services.test_paid_bookings import SOON, _confirmed

DISPUTE_FEE = DISPUTE_FEES["usd"]


@pytest.fixture
async def paid(database, uow_factory, clock) -> AsyncIterator[PaidWorld]:
    async with paid_world(database, uow_factory, clock) as world:
        world.fake.add_balance(10_000)  # other payments' money: a dispute fee can be paid
        yield world


async def _completed(paid: PaidWorld) -> Booking:
    booking = await _confirmed(paid)
    paid.clock.set(SOON + timedelta(minutes=61))
    await sessions.complete(sessions.CompleteSession(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()
    await paid.deliver()
    return booking


async def _paid_out(paid: PaidWorld) -> Booking:
    booking = await _completed(paid)
    await paid.later(timedelta(hours=49))
    await paid.deliver()
    assert (await paid.payment(booking.booking_id)).released == RATE_MINOR
    return booking


async def _dispute(paid: PaidWorld, booking: Booking) -> dict:
    intent = await paid.intent(booking.booking_id)
    dispute = await paid.fake.dispute(intent["id"], reason="product_not_received")
    await paid.deliver()
    await paid.sweep()
    return dispute


def _admin(paid: PaidWorld) -> Actor:
    """Someone with Manage Server in the paid guild."""
    return Actor(guild_id=paid.tutor.guild_id, guild_name="", user_id=900, has_manage_guild=True)


async def _set(paid: PaidWorld, **settings: object) -> None:
    async with paid.ctx.uow() as uow:
        policy = await uow.guilds.policy(paid.tutor.guild_id)
        await uow.guilds.save_policy(
            paid.tutor.guild_id, dataclasses.replace(policy, **settings), paid.clock.now()
        )
        await uow.commit()


async def _reversals(paid: PaidWorld) -> list[dict]:
    return [o for o in paid.fake.store.objects.values() if o.get("object") == "transfer_reversal"]


async def test_a_dispute_before_the_payout_freezes_it_and_a_win_releases_it(paid):
    booking = await _completed(paid)
    dispute = await _dispute(paid, booking)

    await paid.later(timedelta(days=3))
    payment = await paid.payment(booking.booking_id)
    assert payment.dispute_open
    assert payment.released == 0
    assert paid.notifier.sent(NoticeKind.PAYMENT_DISPUTED) == {paid.tutor.user_id: 1}
    listing = await moderation.queue(moderation.ModerationQueue(_admin(paid), 1), paid.ctx)
    assert [(d.booking_id, d.status) for d in listing.card_disputes] == [
        (booking.booking_id, "needs_response")
    ]

    await paid.fake.close_dispute(dispute["id"], "won")
    await paid.deliver()
    await paid.later(timedelta(hours=13))  # the frozen payout's next check

    payment = await paid.payment(booking.booking_id)
    assert not payment.dispute_open
    assert (payment.released, payment.fees) == (RATE_MINOR, FEE_MINOR)
    assert payment.dispute_fees == DISPUTE_FEE  # the fake keeps the fee even when won
    assert paid.notifier.sent(NoticeKind.CARD_DISPUTE_DECIDED) == {paid.tutor.user_id: 1}
    report = await paid.ledger()
    assert report.ok, report.summary()


async def test_a_dispute_lost_after_the_payout_reverses_the_tutors_share(paid):
    booking = await _paid_out(paid)
    dispute = await _dispute(paid, booking)
    assert (await paid.payment(booking.booking_id)).dispute_open

    await paid.fake.close_dispute(dispute["id"], "lost")
    await paid.deliver()
    await paid.sweep()
    await paid.deliver()

    reversals = await _reversals(paid)
    assert [r["amount"] for r in reversals] == [RATE_MINOR]
    payment = await paid.payment(booking.booking_id)
    assert (payment.charged_back, payment.reversed) == (TOTAL_MINOR, RATE_MINOR)
    assert payment.covered == FEE_MINOR + DISPUTE_FEE  # the platform bears its fee and Stripe's
    assert payment.held_on_platform == 0
    assert paid.notifier.sent(NoticeKind.PAYOUT_REVERSED) == {paid.tutor.user_id: 1}
    report = await paid.ledger()
    assert report.ok, report.summary()

    await paid.later(timedelta(days=2))  # nothing is reversed twice
    assert len(await _reversals(paid)) == 1


async def test_with_reversal_off_the_platform_bears_a_lost_dispute(paid):
    await _set(paid, chargeback_reverses_payout=False)
    booking = await _paid_out(paid)
    dispute = await _dispute(paid, booking)

    await paid.fake.close_dispute(dispute["id"], "lost")
    await paid.deliver()
    await paid.sweep()

    assert await _reversals(paid) == []
    payment = await paid.payment(booking.booking_id)
    assert (payment.charged_back, payment.reversed) == (TOTAL_MINOR, 0)
    assert payment.covered == TOTAL_MINOR + DISPUTE_FEE
    assert paid.notifier.sent(NoticeKind.CARD_DISPUTE_DECIDED) == {paid.tutor.user_id: 1}
    assert (await paid.ledger()).ok


async def test_a_dispute_lost_before_the_payout_cancels_the_tutors_share(paid):
    booking = await _completed(paid)
    dispute = await _dispute(paid, booking)
    await paid.fake.close_dispute(dispute["id"], "lost")
    await paid.deliver()
    await paid.later(timedelta(days=3))

    payment = await paid.payment(booking.booking_id)
    assert (payment.released, payment.fees, payment.charged_back) == (0, 0, TOTAL_MINOR)
    assert not [o for o in paid.fake.store.objects.values() if o.get("object") == "transfer"]
    report = await paid.ledger()
    assert report.ok, report.summary()


async def test_a_dispute_whose_webhooks_come_late_and_twice_is_counted_once(paid):
    booking = await _paid_out(paid)
    intent = await paid.intent(booking.booking_id)
    dispute = await paid.fake.dispute(intent["id"])
    await paid.fake.close_dispute(dispute["id"], "lost")
    events = paid.new_events()
    statuses = await paid.deliver(list(reversed(events)) + events)
    await paid.sweep()

    assert statuses.count("applied") == len(events)
    assert statuses.count("duplicate") == len(events)
    payment = await paid.payment(booking.booking_id)
    assert (payment.charged_back, payment.dispute_fees) == (TOTAL_MINOR, DISPUTE_FEE)
    assert len(await _reversals(paid)) == 1
    assert paid.notifier.sent(NoticeKind.PAYMENT_DISPUTED) == {paid.tutor.user_id: 1}
    assert (await paid.ledger()).ok


async def test_an_admin_submits_the_evidence_draft_once(paid):
    booking = await _completed(paid)
    dispute = await _dispute(paid, booking)

    async with paid.ctx.uow(read_only=True) as uow:
        draft = await uow.card_disputes.evidence(dispute["id"])
    assert draft["service_date"] == SOON.date().isoformat()
    assert "full refund" in draft["cancellation_policy_disclosure"]
    assert draft["access_activity_log"]  # the check-ins, or that none were recorded
    assert f"Booking #{booking.booking_id}" in draft["uncategorized_text"]

    with pytest.raises(PermissionDeniedError):
        await card_disputes.submit_evidence(
            SubmitEvidence(paid.student, booking.booking_id), paid.ctx
        )
    sent = await card_disputes.submit_evidence(
        SubmitEvidence(_admin(paid), booking.booking_id), paid.ctx
    )
    assert sent.status == "under_review"
    at_stripe = paid.fake.get(dispute["id"])
    assert at_stripe["evidence"]["service_date"] == draft["service_date"]
    assert at_stripe["evidence_details"]["submission_count"] == 1

    with pytest.raises(ConflictError) as again:
        await card_disputes.submit_evidence(
            SubmitEvidence(_admin(paid), booking.booking_id), paid.ctx
        )
    assert again.value.reason == "evidence_closed"
    with pytest.raises(NotFoundError):
        await card_disputes.submit_evidence(SubmitEvidence(_admin(paid), 999), paid.ctx)


async def test_evidence_after_the_due_date_is_refused(paid):
    booking = await _completed(paid)
    await _dispute(paid, booking)
    paid.clock.advance(timedelta(days=8))

    with pytest.raises(ConflictError) as late:
        await card_disputes.submit_evidence(
            SubmitEvidence(_admin(paid), booking.booking_id), paid.ctx
        )
    assert late.value.reason == "evidence_closed"


def test_the_reversal_setting_is_on_by_default_and_settable():
    assert apply_overrides({}, strict=True).chargeback_reverses_payout is True
    assert (
        apply_overrides({"chargeback_reverses_payout": False}).chargeback_reverses_payout is False
    )
