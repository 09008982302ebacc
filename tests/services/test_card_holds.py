"""A card hold's deadline: capture through a Stripe outage, alert, or handle the lapse.

The services run against the Stripe fake (which reports `capture_before` and lets a hold
lapse 7 days after it is made). A Stripe outage is a gateway wrapper that fails every
call while the suite's clock is inside the outage.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from marketplace.domain.booking import BookingState
from marketplace.domain.policy import with_setting
from marketplace.domain.settlement import Outcome
from marketplace.jobs import JobRunner
from marketplace.ports import NoticeKind, PaymentGatewayError
from marketplace.services import bookings, card_holds
from marketplace.services.job_handlers import Handlers
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import GUILD, action_rows, at
from tests.services.paid_world import TOTAL_MINOR, PaidWorld, paid_world
from tests.services.test_spaces import FakeSpaces

SOON = at(2, 10)  # Wednesday 10:00 UTC: inside the 6-day window, so the hold waits


class OutageGateway:
    """The real gateway, except that every call fails while the clock is in an outage."""

    def __init__(self, inner: Any, clock: Any) -> None:
        self._inner = inner
        self._clock = clock
        self.outage: tuple[datetime, datetime] | None = None
        self.refused = 0

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._inner, name)

        async def guarded(*args: Any, **kwargs: Any) -> Any:
            if self.outage and self.outage[0] <= self._clock.now() < self.outage[1]:
                self.refused += 1
                raise PaymentGatewayError("api_connection", True, kind="network")
            return await call(*args, **kwargs)

        return guarded


class AdminAlerts(FakeSpaces):
    """Session spaces that work, recording what the admins are told about card holds."""

    @property
    def money_alerts(self) -> list[tuple[int, str, int]]:
        return [(g, reason, b) for g, _channel, reason, b in self.alerts
                if reason.startswith("capture_")]  # fmt: skip


@pytest.fixture
async def paid(database, uow_factory, clock) -> AsyncIterator[PaidWorld]:
    async with paid_world(database, uow_factory, clock) as world:
        yield world


@pytest.fixture
def outage(paid: PaidWorld, database) -> tuple[OutageGateway, AdminAlerts]:
    """Rewire the paid world's services and job runner through the outage gateway."""
    gateway = OutageGateway(paid.ctx.gateway, paid.clock)
    alerts = AdminAlerts()
    paid.ctx = dataclasses.replace(paid.ctx, gateway=gateway)
    handlers = Handlers(paid.ctx, paid.notifier, alerts)  # type: ignore[arg-type]
    paid.runner = JobRunner(SqlActionQueue(database, clock=paid.clock), handlers.by_kind(),
                            paid.clock)  # fmt: skip
    return gateway, alerts


async def _confirmed(paid: PaidWorld, start: datetime = SOON):
    booking = await paid.book(start)
    await paid.pay(booking)
    await bookings.accept(bookings.AcceptBooking(paid.tutor, booking.booking_id), paid.ctx)
    await paid.sweep()
    return await paid.booking(booking.booking_id)


async def _step_until(paid: PaidWorld, until: datetime, step: timedelta) -> None:
    while paid.clock.now() < until:
        await paid.later(min(step, until - paid.clock.now()))


async def _audit(paid: PaidWorld, action: str) -> list[dict[str, Any]]:
    async with paid.ctx.uow(read_only=True) as uow:
        return [detail for _at, detail in await uow.audit.of_action(GUILD, action, 50)]


async def test_the_holds_deadline_is_stored_from_stripe(paid):
    booking = await _confirmed(paid)
    charge = paid.fake.get((await paid.intent(booking.booking_id))["latest_charge"])

    async with paid.ctx.uow(read_only=True) as uow:
        stored = await uow.payments.capture_before(booking.booking_id)

    assert stored is not None
    assert stored.timestamp() == charge["payment_method_details"]["card"]["capture_before"]
    assert stored == paid.clock.now() + timedelta(days=7)


async def test_a_capture_keeps_trying_through_a_long_outage_and_warns_the_admins(paid, outage):
    gateway, alerts = outage
    booking = await _confirmed(paid)
    deadline_capture = booking.created_at + timedelta(days=6)
    gateway.outage = (deadline_capture, deadline_capture + timedelta(hours=20))

    await _step_until(paid, deadline_capture + timedelta(hours=21), timedelta(minutes=20))

    payment = await paid.payment(booking.booking_id)
    assert payment.captured == TOTAL_MINOR  # captured once Stripe was back, before the lapse
    assert gateway.refused > 5  # more than the runner's 5 attempts
    assert alerts.money_alerts == [(GUILD, card_holds.AT_RISK_ACTION, booking.booking_id)]
    assert [d["booking"] for d in await _audit(paid, card_holds.AT_RISK_ACTION)] == [
        booking.booking_id
    ]
    assert await _audit(paid, "job_failed") == []
    assert (await paid.booking(booking.booking_id)).state is BookingState.CONFIRMED
    assert (await paid.ledger()).ok


async def test_retries_stop_just_before_the_deadline(paid, outage):
    gateway, _alerts = outage
    booking = await _confirmed(paid)
    deadline_capture = booking.created_at + timedelta(days=6)
    gateway.outage = (deadline_capture, deadline_capture + timedelta(days=3))

    await _step_until(paid, deadline_capture + timedelta(hours=23), timedelta(minutes=30))

    moves = [r for r in await action_rows(paid.ctx.uow, "move_money") if r.booking_id]
    last_due = max(r.due_at for r in moves)
    assert last_due <= booking.created_at + timedelta(days=7) - card_holds.LAST_TRY_BEFORE


async def test_a_hold_lost_in_an_outage_leaves_the_session_unpaid_not_confirmed(paid, outage):
    gateway, alerts = outage
    booking = await _confirmed(paid)
    deadline_capture = booking.created_at + timedelta(days=6)
    gateway.outage = (deadline_capture, deadline_capture + timedelta(days=2))

    await _step_until(paid, deadline_capture + timedelta(days=2, hours=1), timedelta(hours=1))
    await paid.fake.advance_clock(0)  # Stripe lapses the hold on its own clock
    await paid.deliver()  # charge.expired, payment_intent.canceled (automatic)
    await paid.sweep()

    payment = await paid.payment(booking.booking_id)
    intent = await paid.intent(booking.booking_id)
    assert (intent["status"], intent["cancellation_reason"]) == ("canceled", "automatic")
    assert payment.captured == 0
    assert payment.voided
    after = await paid.booking(booking.booking_id)
    assert after.state is BookingState.CANCELLED
    assert paid.notifier.sent(NoticeKind.PAYMENT_LAPSED) == {
        paid.student.user_id: 1,
        paid.tutor.user_id: 1,
    }
    reasons = [reason for _g, reason, _b in alerts.money_alerts]
    assert reasons == [card_holds.AT_RISK_ACTION, card_holds.LAPSED_ACTION]
    lapsed = [d for d in await _audit(paid, "job_failed") if d["kind"] == "capture_lapsed"]
    assert [d["booking"] for d in lapsed] == [booking.booking_id]
    transfers = [o for o in paid.fake.store.objects.values() if o.get("object") == "transfer"]
    assert transfers == []
    assert (await paid.ledger()).ok


async def test_a_lapse_seen_only_by_the_capture_job_is_not_taken_as_captured(paid):
    booking = await _confirmed(paid)
    paid.fake.hold_events()  # no webhook tells us about the lapse
    paid.clock.set(booking.created_at + timedelta(days=7, minutes=1))  # the job ran late

    await paid.sweep()

    payment = await paid.payment(booking.booking_id)
    assert payment.captured == 0
    assert payment.voided
    assert (await paid.booking(booking.booking_id)).state is BookingState.CANCELLED
    assert paid.notifier.sent(NoticeKind.PAYMENT_LAPSED)[paid.student.user_id] == 1
    assert (await paid.ledger()).ok


async def test_a_lapse_after_the_session_took_place_leaves_it_unpaid_and_pays_no_one(paid):
    booking = await _confirmed(paid)
    async with paid.ctx.uow() as uow:  # the session happened; its capture never went
        done, _ = booking.end_session(Outcome.COMPLETED, booking.end)
        await uow.bookings.save(done, timedelta(minutes=10), booking.end)
        await uow.commit()
    paid.fake.hold_events()
    paid.clock.set(booking.created_at + timedelta(days=7, minutes=1))

    await paid.sweep()
    await paid.later(timedelta(days=3))

    assert (await paid.booking(booking.booking_id)).state is BookingState.COMPLETED
    payment = await paid.payment(booking.booking_id)
    assert (payment.captured, payment.released, payment.voided) == (0, 0, True)
    assert paid.notifier.sent(NoticeKind.PAYMENT_LAPSED)[paid.tutor.user_id] == 1
    assert (await paid.ledger()).ok


async def test_a_request_never_waits_past_its_hold(paid):
    async with paid.ctx.uow() as uow:
        policy = with_setting(await uow.guilds.policy(GUILD), "request_expiry_hours", 144)
        await uow.guilds.save_policy(GUILD, policy, paid.clock.now())
        await uow.commit()
    booking = await paid.book(at(25, 10))  # far ahead: only the expiry hours limit it
    await paid.open_checkout(booking)
    await paid.fake.pay(await paid.session_id(booking))
    paid.clock.advance(timedelta(days=2))  # the payment is recorded two days late
    await paid.deliver()

    requested = await paid.booking(booking.booking_id)
    async with paid.ctx.uow(read_only=True) as uow:
        deadline = await uow.payments.capture_before(booking.booking_id)
    assert requested.state is BookingState.REQUESTED
    assert deadline is not None
    assert requested.expires_at == deadline - timedelta(days=1)

    await _step_until(paid, deadline, timedelta(hours=6))

    expired = await paid.booking(booking.booking_id)
    intent = await paid.intent(booking.booking_id)
    assert expired.state is BookingState.EXPIRED
    assert intent["status"] == "canceled"
    assert intent["cancellation_reason"] != "automatic"  # we released it, it did not lapse
    assert paid.notifier.sent(NoticeKind.PAYMENT_LAPSED) == {}
