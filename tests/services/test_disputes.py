"""Platform disputes in a paid guild: automated rules, moderators, the frozen payout.

The tutor charges $25/h; an hour costs $28.75 with the 15 % fee. Every money test ends
with `tutorbot ledger verify` passing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from marketplace.domain.disputes import DisputeOutcome, DisputeStatus
from marketplace.domain.errors import ConflictError, InvalidTransitionError, PermissionDeniedError
from marketplace.domain.settlement import Outcome
from marketplace.ports import NoticeKind
from marketplace.services import attendance, bookings, disputes, moderation, sessions
from marketplace.services.actor import Actor
from tests.services.marketplace_world import GUILD, at
from tests.services.paid_world import RATE_MINOR, TOTAL_MINOR, PaidWorld, paid_world

START = at(2, 10)
END = START + timedelta(minutes=60)
MODERATOR = Actor(GUILD, "Campus", 900, has_manage_guild=True)
STRANGER = Actor(GUILD, "Campus", 77)
STATEMENT = "The tutor never turned up; I waited the whole hour."


@pytest.fixture
async def paid(database, uow_factory, clock) -> AsyncIterator[PaidWorld]:
    async with paid_world(database, uow_factory, clock) as world:
        yield world


async def _confirmed(paid: PaidWorld):
    booking = await paid.book(START)
    await paid.pay(booking)
    await bookings.accept(bookings.AcceptBooking(paid.tutor, booking.booking_id), paid.ctx)
    await paid.sweep()
    return await paid.booking(booking.booking_id)


async def _check_in(paid: PaidWorld, who, booking, when) -> None:
    paid.clock.set(when)
    await attendance.check_in(attendance.CheckIn(who, booking.booking_id), paid.ctx)


async def _completed(paid: PaidWorld):
    """Both came on time and the tutor marked it complete: captured in full."""
    booking = await _confirmed(paid)
    await _check_in(paid, paid.student, booking, START)
    await _check_in(paid, paid.tutor, booking, START)
    paid.clock.set(START + timedelta(minutes=5))
    await sessions.complete(sessions.CompleteSession(paid.tutor, booking.booking_id), paid.ctx)
    await paid.sweep()
    return booking


async def _open(paid: PaidWorld, booking, who=None, when=None, statement=STATEMENT):
    if when is not None:
        paid.clock.set(when)
    cmd = disputes.OpenDispute(who or paid.student, booking.booking_id, statement)
    return await disputes.open_dispute(cmd, paid.ctx)


async def _decide(paid: PaidWorld, dispute, outcome, refund=None, who=MODERATOR):
    cmd = disputes.ResolveDispute(who, dispute.dispute_id, outcome, refund, "Looked at the logs")
    return await disputes.resolve_dispute(cmd, paid.ctx)


async def test_a_confirmed_tutor_no_show_is_refunded_in_full_at_once(paid):
    booking = await _confirmed(paid)
    await _check_in(paid, paid.student, booking, START)
    paid.clock.set(START + timedelta(minutes=5))
    await sessions.complete(
        sessions.CompleteSession(paid.tutor, booking.booking_id), paid.ctx
    )  # too early, tutor absent
    await paid.sweep()

    dispute = await _open(paid, booking, when=END + timedelta(hours=1))

    assert dispute.status is DisputeStatus.RESOLVED
    assert (dispute.outcome, dispute.refund_percent, dispute.resolved_by) == (
        DisputeOutcome.REFUND, 100, 0,
    )  # fmt: skip
    assert dispute.evidence["check_ins"]["tutor"] is None
    assert dispute.evidence["check_ins"]["student"] == START.isoformat()
    await paid.later(timedelta(days=3))
    payment = await paid.payment(booking.booking_id)
    assert (payment.refunded, payment.released, payment.fees) == (TOTAL_MINOR, 0, 0)
    assert paid.notifier.sent(NoticeKind.DISPUTE_RESOLVED) == {
        paid.student.user_id: 1,
        paid.tutor.user_id: 1,
    }
    assert (await paid.ledger()).ok


async def test_a_late_start_during_the_session_refunds_half_at_once(paid):
    booking = await _confirmed(paid)
    await _check_in(paid, paid.student, booking, START)
    await _check_in(paid, paid.tutor, booking, START + timedelta(minutes=20))

    dispute = await _open(paid, booking, when=START + timedelta(minutes=30))

    assert (dispute.status, dispute.refund_percent) == (DisputeStatus.RESOLVED, 50)
    assert (await paid.booking(booking.booking_id)).outcome is Outcome.LATE_START
    await paid.later(timedelta(days=3))
    payment = await paid.payment(booking.booking_id)
    assert payment.captured - payment.refunded == TOTAL_MINOR - (TOTAL_MINOR + 1) // 2
    assert payment.released == RATE_MINOR // 2
    assert (await paid.ledger()).ok


async def test_a_completed_session_waits_for_moderators_and_the_payout_stays_frozen(paid):
    booking = await _completed(paid)

    dispute = await _open(paid, booking, when=END + timedelta(hours=47))
    await paid.later(timedelta(days=3))

    assert dispute.status is DisputeStatus.OPEN
    payment = await paid.payment(booking.booking_id)
    assert (payment.captured, payment.released) == (TOTAL_MINOR, 0)
    listing = await moderation.queue(moderation.ModerationQueue(MODERATOR, 1), paid.ctx)
    [line] = listing.disputes
    assert line.dispute.dispute_id == dispute.dispute_id
    assert line.overdue  # three days against the 24 h target
    assert paid.notifier.sent(NoticeKind.DISPUTE_OPENED) == {paid.tutor.user_id: 1}


async def test_a_moderator_refund_of_30_percent_keeps_the_ledger_balanced(paid):
    booking = await _completed(paid)
    dispute = await _open(paid, booking, when=END + timedelta(hours=1))

    decided = await _decide(paid, dispute, "refund", 30)
    await paid.later(timedelta(days=3))

    assert (decided.resolved_by, decided.refund_percent) == (MODERATOR.user_id, 30)
    payment = await paid.payment(booking.booking_id)
    refund = (TOTAL_MINOR * 30 + 50) // 100
    assert payment.refunded == refund
    assert payment.released == (RATE_MINOR * 70 + 50) // 100
    assert payment.released + payment.fees + refund == TOTAL_MINOR
    assert (await paid.ledger()).ok
    assert (
        await moderation.queue(moderation.ModerationQueue(MODERATOR, 1), paid.ctx)
    ).disputes == []


async def test_no_refund_releases_the_frozen_payout_in_full(paid):
    booking = await _completed(paid)
    dispute = await _open(paid, booking, when=END + timedelta(hours=1))
    await paid.later(timedelta(days=3))
    assert (await paid.payment(booking.booking_id)).released == 0

    await _decide(paid, dispute, "no_refund")
    await paid.sweep()

    payment = await paid.payment(booking.booking_id)
    assert (payment.refunded, payment.released) == (0, RATE_MINOR)
    assert (await paid.ledger()).ok


async def test_a_dispute_after_the_window_is_refused(paid):
    booking = await _completed(paid)
    with pytest.raises(ConflictError) as refused:
        await _open(paid, booking, when=END + timedelta(hours=48, seconds=1))
    assert refused.value.reason == "dispute_window_closed"


async def test_a_stranger_cannot_open_a_dispute(paid):
    booking = await _completed(paid)
    with pytest.raises(PermissionDeniedError):
        await _open(paid, booking, who=STRANGER, when=END)


async def test_a_booking_is_disputed_only_once(paid):
    booking = await _completed(paid)
    await _open(paid, booking, when=END)
    with pytest.raises(ConflictError) as refused:
        await _open(paid, booking, who=paid.tutor)
    assert refused.value.reason == "dispute_exists"
    assert await disputes.disputable(disputes.ListDisputable(paid.student), paid.ctx) == []


async def test_only_moderators_decide_and_only_once(paid):
    booking = await _completed(paid)
    dispute = await _open(paid, booking, when=END)
    with pytest.raises(PermissionDeniedError):
        await _decide(paid, dispute, "refund", 100, who=paid.student)
    await _decide(paid, dispute, "dismiss")
    with pytest.raises(InvalidTransitionError):
        await _decide(paid, dispute, "refund", 100)


async def test_a_refund_below_what_was_already_refunded_is_refused(paid):
    booking = await _confirmed(paid)
    await _check_in(paid, paid.student, booking, START)
    await _check_in(paid, paid.tutor, booking, START + timedelta(minutes=20))
    paid.clock.set(START + timedelta(minutes=30))
    await sessions.complete(
        sessions.CompleteSession(paid.tutor, booking.booking_id), paid.ctx
    )  # a late start: 50 %
    dispute = await _open(paid, booking, who=paid.tutor)
    assert dispute.is_open  # the tutor's dispute is for the moderators
    with pytest.raises(ConflictError) as refused:
        await _decide(paid, dispute, "refund", 30)
    assert refused.value.reason == "refund_below_settled"
