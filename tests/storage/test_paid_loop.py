"""The paid loop end to end on SQLite and on PostgreSQL (services, Stripe fake, job runner).

The same story on both backends: pay, accept, complete, payout after the dispute window;
and a late cancellation's partial refund. Then the races money must survive: the same
webhook handled twice at once, and the money jobs of one booking run by two runners.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from marketplace.domain.payment import PaymentStatus
from marketplace.jobs import JobRunner
from marketplace.services import bookings, sessions, webhooks
from marketplace.services.job_handlers import Handlers
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import at
from tests.services.paid_world import (
    FEE_MINOR,
    RATE_MINOR,
    TOTAL_MINOR,
    PaidWorld,
    paid_world,
)

SOON = at(2, 10)


@pytest.fixture
async def paid(database, uow_factory, clock) -> AsyncIterator[PaidWorld]:
    async with paid_world(database, uow_factory, clock) as world:
        yield world


async def _confirmed(paid: PaidWorld, start=SOON):
    booking = await paid.book(start)
    await paid.pay(booking)
    await bookings.accept(bookings.AcceptBooking(paid.tutor, booking.booking_id), paid.ctx)
    await paid.sweep()
    return booking


async def test_pay_accept_complete_and_payout(paid):
    booking = await _confirmed(paid)
    paid.clock.set(SOON + timedelta(hours=1, minutes=5))
    await sessions.complete(sessions.CompleteSession(paid.tutor, booking.booking_id), paid.ctx)
    await paid.sweep()
    await paid.later(timedelta(hours=48, minutes=1))

    payment = await paid.payment(booking.booking_id)
    assert (payment.captured, payment.released, payment.fees) == (
        TOTAL_MINOR,
        RATE_MINOR,
        FEE_MINOR,
    )
    assert payment.status is PaymentStatus.RELEASED
    report = await paid.ledger()
    assert report.ok, report.summary()


async def test_a_late_cancellation_refunds_half(paid):
    booking = await _confirmed(paid)
    paid.clock.set(SOON - timedelta(hours=3))
    await bookings.cancel(bookings.CancelBooking(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()
    await paid.later(timedelta(days=3))

    payment = await paid.payment(booking.booking_id)
    refund = (TOTAL_MINOR + 1) // 2
    assert payment.captured == TOTAL_MINOR - refund
    assert payment.released == RATE_MINOR // 2
    assert (await paid.ledger()).ok


async def test_the_same_webhook_handled_twice_at_once_applies_once(paid):
    booking = await paid.book(SOON)
    await paid.open_checkout(booking)
    await paid.fake.pay(await paid.session_id(booking))
    events = paid.new_events()

    for event in events:
        results = await asyncio.gather(
            webhooks.handle_event(event, paid.ctx),
            webhooks.handle_event(event, paid.ctx),
            return_exceptions=True,
        )
        handled = [r for r in results if isinstance(r, webhooks.EventResult)]
        assert len([r for r in handled if r.status != "duplicate"]) <= 1
        # anything else raised is answered 5xx, and Stripe sends the event again:
    await paid.deliver(events)  # Stripe's retries of anything that failed
    await paid.sweep()
    payment = await paid.payment(booking.booking_id)
    assert payment.authorized == TOTAL_MINOR
    assert (await paid.booking(booking.booking_id)).state.value == "requested"
    assert (await paid.ledger()).ok


async def test_two_runners_moving_the_same_money_capture_it_once(paid, database):
    booking = await _confirmed(paid)
    paid.clock.set(SOON + timedelta(hours=1, minutes=5))
    await sessions.complete(sessions.CompleteSession(paid.student, booking.booking_id), paid.ctx)
    other = JobRunner(
        SqlActionQueue(database, clock=paid.clock),
        Handlers(paid.ctx, paid.notifier).by_kind(),
        paid.clock,
        owner="runner-2",
    )

    await asyncio.gather(paid.runner.sweep(), other.sweep())
    await paid.sweep()

    captures = [r for r in paid.fake.requests if r.path.endswith("/capture") and r.status == 200]
    assert len({r.idempotency_key for r in captures}) == 1
    assert (await paid.payment(booking.booking_id)).captured == TOTAL_MINOR
    assert (await paid.ledger()).ok
