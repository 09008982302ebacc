"""Refunds that fail or wait, on the services against the Stripe fake (SQLite, real HTTP).

A session 9 days ahead is captured when the tutor accepts; the student then cancels
early, so the whole $28.75 is refunded. Stripe may keep that refund pending, or fail it
days later; the ledger counts only what reached the student.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.booking import Booking
from marketplace.domain.errors import InvalidTransitionError, NotFoundError, PermissionDeniedError
from marketplace.domain.refund_failures import RefundFailure, RefundFailureState
from marketplace.domain.settlement import Outcome
from marketplace.ports import NoticeKind
from marketplace.services import bookings, moderation, refund_failures, sessions
from marketplace.services.actor import Actor
from marketplace.services.refund_failures import DecideRefund
from tests.services.paid_world import RATE_MINOR, TOTAL_MINOR, PaidWorld, paid_world
from tests.services.test_paid_bookings import FAR, _confirmed


@pytest.fixture
async def paid(database, uow_factory, clock) -> AsyncIterator[PaidWorld]:
    async with paid_world(database, uow_factory, clock) as world:
        yield world


def _admin(paid: PaidWorld) -> Actor:
    return Actor(guild_id=paid.tutor.guild_id, guild_name="", user_id=900, has_manage_guild=True)


def _refunds(paid: PaidWorld) -> list[dict]:
    return [o for o in paid.fake.store.objects.values() if o.get("object") == "refund"]


async def _cancelled(paid: PaidWorld) -> Booking:
    booking = await _confirmed(paid, FAR)
    await bookings.cancel(bookings.CancelBooking(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()
    await paid.deliver()
    return booking


async def _failed(paid: PaidWorld) -> Booking:
    booking = await _cancelled(paid)
    assert (await paid.payment(booking.booking_id)).refunded == TOTAL_MINOR
    await paid.fake.fail_refund(_refunds(paid)[0]["id"], "expired_or_canceled_card")
    await paid.deliver()
    return booking


async def test_a_failed_refund_is_taken_back_told_and_listed(paid):
    booking = await _failed(paid)

    payment = await paid.payment(booking.booking_id)
    assert (payment.refunded, payment.refunds_failed) == (0, TOTAL_MINOR)
    assert payment.held_on_platform == TOTAL_MINOR
    await paid.sweep()
    assert paid.notifier.sent(NoticeKind.REFUND_FAILED) == {paid.student.user_id: 1}
    listing = await moderation.queue(moderation.ModerationQueue(_admin(paid), 1), paid.ctx)
    assert [(f.booking_id, f.amount, f.reason) for f in listing.refund_failures] == [
        (booking.booking_id, TOTAL_MINOR, "expired_or_canceled_card")
    ]
    report = await paid.ledger()
    assert report.ok, report.summary()


async def test_its_events_twice_and_reversed_change_nothing_more(paid):
    booking = await _cancelled(paid)
    await paid.fake.fail_refund(_refunds(paid)[0]["id"])
    events = paid.new_events()
    await paid.deliver(list(reversed(events)) + events)
    await paid.sweep()

    payment = await paid.payment(booking.booking_id)
    assert (payment.refunded, payment.refunds_failed) == (0, TOTAL_MINOR)
    assert paid.notifier.sent(NoticeKind.REFUND_FAILED) == {paid.student.user_id: 1}
    assert (await paid.ledger()).ok


async def test_a_moderator_retries_it_and_the_new_refund_is_recorded(paid):
    booking = await _failed(paid)

    decided = await refund_failures.decide(
        DecideRefund(_admin(paid), booking.booking_id, "retry"), paid.ctx
    )
    assert [f.state for f in decided] == [RefundFailureState.RETRIED]
    await paid.sweep()
    await paid.deliver()

    assert [r["status"] for r in _refunds(paid)] == ["failed", "succeeded"]
    payment = await paid.payment(booking.booking_id)
    assert (payment.refunded, payment.held_on_platform) == (TOTAL_MINOR, 0)
    assert (
        await moderation.queue(moderation.ModerationQueue(_admin(paid), 1), paid.ctx)
    ).refund_failures == []
    report = await paid.ledger()
    assert report.ok, report.summary()
    with pytest.raises(NotFoundError):  # nothing left to decide
        await refund_failures.decide(
            DecideRefund(_admin(paid), booking.booking_id, "retry"), paid.ctx
        )


async def test_settled_elsewhere_counts_it_as_refunded_outside_stripe(paid):
    booking = await _failed(paid)

    await refund_failures.decide(
        DecideRefund(_admin(paid), booking.booking_id, "settled"), paid.ctx
    )
    await paid.sweep()
    await paid.deliver()

    payment = await paid.payment(booking.booking_id)
    assert (payment.refunded, payment.refunded_elsewhere) == (TOTAL_MINOR, TOTAL_MINOR)
    assert len(_refunds(paid)) == 1  # Stripe was not asked again
    assert (await paid.ledger()).ok


async def test_only_moderators_decide(paid):
    booking = await _failed(paid)
    with pytest.raises(PermissionDeniedError):
        await refund_failures.decide(
            DecideRefund(paid.student, booking.booking_id, "settled"), paid.ctx
        )


async def test_a_pending_refund_is_not_counted_nor_asked_for_twice(paid):
    paid.fake.refunds_pending = True
    booking = await _cancelled(paid)
    await paid.later(timedelta(hours=1))

    assert (await paid.payment(booking.booking_id)).refunded == 0
    assert [r["status"] for r in _refunds(paid)] == ["pending"]

    await paid.fake.succeed_refund(_refunds(paid)[0]["id"])
    await paid.deliver()
    assert (await paid.payment(booking.booking_id)).refunded == TOTAL_MINOR
    assert (await paid.ledger()).ok


async def test_a_pending_refund_that_fails_never_counted_and_is_listed(paid):
    paid.fake.refunds_pending = True
    booking = await _cancelled(paid)
    await paid.fake.fail_refund(_refunds(paid)[0]["id"], "lost_or_stolen_card")
    await paid.deliver()

    payment = await paid.payment(booking.booking_id)
    assert (payment.refunded, payment.refunds_failed) == (0, 0)
    listing = await moderation.queue(moderation.ModerationQueue(_admin(paid), 1), paid.ctx)
    assert [f.reason for f in listing.refund_failures] == ["lost_or_stolen_card"]
    assert (await paid.ledger()).ok


async def test_a_payout_waits_for_a_refund_still_pending_and_then_goes_out(paid):
    """A late start refunds half; while that refund is pending the payout is checked
    again (not retried a few times and given up), and goes out once it succeeded."""
    paid.fake.refunds_pending = True
    booking = await _confirmed(paid, FAR)  # captured when the tutor accepts
    paid.clock.set(FAR + timedelta(minutes=16))
    await sessions.record_outcome(booking.booking_id, Outcome.LATE_START, paid.ctx)
    await paid.sweep()
    await paid.later(timedelta(hours=49))  # the dispute window closed: the payout is due
    for _ in range(8):  # well past the job runner's five tries with backoff
        await paid.later(timedelta(minutes=31))
    assert [r["status"] for r in _refunds(paid)] == ["pending"]
    assert (await paid.payment(booking.booking_id)).released == 0

    await paid.fake.succeed_refund(_refunds(paid)[0]["id"])
    await paid.deliver()
    await paid.later(timedelta(hours=13))  # the payout's next check

    payment = await paid.payment(booking.booking_id)
    assert payment.refunded == _refunds(paid)[0]["amount"]
    assert payment.released == RATE_MINOR // 2
    assert payment.released + payment.fees == payment.captured - payment.refunded
    assert payment.held_on_platform == 0
    report = await paid.ledger()
    assert report.ok, report.summary()


def test_a_decision_is_made_once():
    now = datetime(2026, 12, 1, tzinfo=UTC)
    failure = RefundFailure("re_1", 1, 1, 100, "USD", "declined", RefundFailureState.OPEN, now)
    retried = failure.decide(RefundFailureState.RETRIED, 5, now)
    with pytest.raises(InvalidTransitionError):
        retried.decide(RefundFailureState.SETTLED, 5, now)
    with pytest.raises(InvalidTransitionError):
        failure.decide(RefundFailureState.OPEN, 5, now)
