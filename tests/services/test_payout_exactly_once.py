"""Payouts against the Stripe fake: once forever, only to accounts that can take them, and
checkouts that always fit Stripe's window (issue 11, items 4 and 6)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import OperationalError

from marketplace.domain.checkout_window import checkout_expires_at
from marketplace.ports import NoticeKind
from marketplace.services import bookings, sessions
from marketplace.storage.payment_repository import SqlPaymentRepository
from tests.services.marketplace_world import GUILD, at
from tests.services.paid_world import RATE_MINOR, PaidWorld, paid_world

SOON = at(2, 10)
FAR = at(10, 10)


@pytest.fixture
async def paid(database, uow_factory, clock) -> AsyncIterator[PaidWorld]:
    async with paid_world(database, uow_factory, clock) as world:
        yield world


async def _completed(paid: PaidWorld) -> int:
    booking = await paid.book(SOON)
    await paid.pay(booking)
    await bookings.accept(bookings.AcceptBooking(paid.tutor, booking.booking_id), paid.ctx)
    await paid.sweep()
    paid.clock.set(SOON + timedelta(minutes=61))
    await sessions.complete(sessions.CompleteSession(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()
    return booking.booking_id


def _transfers(paid: PaidWorld) -> list[dict[str, object]]:
    return [o for o in paid.fake.store.objects.values() if o.get("object") == "transfer"]


async def test_a_payout_retried_a_day_after_a_lost_database_write_is_not_sent_twice(
    paid: PaidWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking_id = await _completed(paid)

    async def lost_write(self: SqlPaymentRepository, booking_id: int, transfer_id: str) -> None:
        raise OperationalError("UPDATE payment", {}, Exception("server closed the connection"))

    monkeypatch.setattr(SqlPaymentRepository, "set_transfer", lost_write)
    await paid.later(timedelta(hours=49))  # the dispute window closes: the transfer goes
    assert len(_transfers(paid)) == 1
    assert (await paid.payment(booking_id)).released == 0  # ...but nothing was recorded

    monkeypatch.undo()
    await paid.later(timedelta(hours=25))  # the retry, after Stripe forgot the key

    [transfer] = _transfers(paid)
    payment = await paid.payment(booking_id)
    assert payment.released == RATE_MINOR
    async with paid.ctx.uow(read_only=True) as uow:
        assert await uow.payments.transfer_of(booking_id) == transfer["id"]
    assert paid.notifier.sent(NoticeKind.PAYOUT_SENT) == {paid.tutor.user_id: 1}
    report = await paid.ledger()
    assert report.ok, report.summary()


async def test_the_transfer_id_is_stored_with_the_payout(paid: PaidWorld) -> None:
    booking_id = await _completed(paid)
    await paid.later(timedelta(hours=49))
    [transfer] = _transfers(paid)
    async with paid.ctx.uow(read_only=True) as uow:
        assert await uow.payments.transfer_of(booking_id) == transfer["id"]


async def test_a_payout_waits_while_stripe_has_paused_the_transfers_capability(
    paid: PaidWorld,
) -> None:
    booking_id = await _completed(paid)
    async with paid.ctx.uow(read_only=True) as uow:
        account = await uow.payout_accounts.get(paid.tutor.guild_id, paid.tutor.user_id)
    assert account is not None
    await paid.deliver()  # what the capture sent
    await paid.fake.set_capability(account.account_id, "transfers", "inactive")
    assert await paid.deliver() == ["applied"]  # account.updated, payouts still enabled
    async with paid.ctx.uow(read_only=True) as uow:
        stored = await uow.payout_accounts.get(paid.tutor.guild_id, paid.tutor.user_id)
    assert stored is not None
    assert (stored.payouts_enabled, stored.transfers_active) == (True, False)

    await paid.later(timedelta(hours=49))
    assert _transfers(paid) == []
    assert (await paid.payment(booking_id)).released == 0
    assert paid.notifier.sent(NoticeKind.PAYOUTS_NEEDED) == {paid.tutor.user_id: 1}
    assert [r for r in paid.fake.requests if r.path == "/v1/transfers"] == []

    await paid.fake.set_capability(account.account_id, "transfers", "active")
    await paid.deliver()
    await paid.later(timedelta(days=1, minutes=1))
    assert (await paid.payment(booking_id)).released == RATE_MINOR


async def test_a_checkout_opened_late_still_expires_inside_stripes_window(paid: PaidWorld) -> None:
    async with paid.ctx.uow() as uow:
        policy = await uow.guilds.policy(GUILD)
        await uow.guilds.save_policy(
            GUILD, replace(policy, checkout_expiry_minutes=1440), paid.clock.now()
        )
        await uow.commit()
    booking = await paid.book(FAR)
    paid.clock.advance(timedelta(hours=23, minutes=45))  # the student pays at the last minute

    await paid.open_checkout(booking)

    session = paid.fake.get(await paid.session_id(booking))
    ahead = session["expires_at"] - paid.clock.now().timestamp()
    assert 30 * 60 < ahead <= 24 * 3600
    assert paid.fake.violations == []


START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        pytest.param(START + timedelta(hours=2), START + timedelta(hours=2), id="inside"),
        pytest.param(START, START + timedelta(minutes=32), id="too-soon"),
        pytest.param(START - timedelta(hours=1), START + timedelta(minutes=32), id="past"),
        pytest.param(START + timedelta(days=3), START + timedelta(hours=23, minutes=58), id="late"),
    ],
)
def test_checkout_expiry_is_clamped_into_30_minutes_to_24_hours(wanted, expected) -> None:
    assert checkout_expires_at(wanted, START) == expected
