"""Platform disputes: what goes in comes back out, on both backends; one per booking."""

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.booking import Booking, Party
from marketplace.domain.disputes import DisputeOutcome, DisputeStatus, open_dispute, resolve
from marketplace.domain.errors import ConflictError
from marketplace.domain.policy import DEFAULT_POLICY

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
GUILD = 100
MAX_SNOWFLAKE = 2**63 - 1


async def _booking(uow_factory, start=NOW + timedelta(days=1)) -> Booking:
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        booking, _ = Booking.request(
            booking_id=0, guild_id=GUILD, student_id=MAX_SNOWFLAKE, tutor_id=5,
            subject_key="calculus", start=start, end=start + timedelta(hours=1), now=NOW,
            policy=DEFAULT_POLICY, note="", price=None, instant=False,
        )  # fmt: skip
        stored = await uow.bookings.add(booking, timedelta(0))
        await uow.commit()
    return stored


async def _add(uow_factory, booking, at=NOW):
    dispute = open_dispute(booking, Party.STUDENT, booking.student_id, "No tutor", at)
    evidence = {"check_ins": {"student": at.isoformat(), "tutor": None}, "deliveries": []}
    async with uow_factory() as uow:
        stored = await uow.disputes.add(type(dispute)(**{**_fields(dispute), "evidence": evidence}))
        await uow.commit()
    return stored


def _fields(dispute):
    return {name: getattr(dispute, name) for name in dispute.__dataclass_fields__}


async def test_a_dispute_round_trips_with_its_evidence(uow_factory):
    booking = await _booking(uow_factory)
    added = await _add(uow_factory, booking)
    async with uow_factory(read_only=True) as uow:
        got = await uow.disputes.get(GUILD, added.dispute_id)
        assert await uow.disputes.get(GUILD + 1, added.dispute_id) is None
        assert await uow.disputes.for_booking(booking.booking_id) == got
    assert got == added
    assert got.opened_by == MAX_SNOWFLAKE
    assert got.evidence["check_ins"]["tutor"] is None
    assert got.created_at.tzinfo is not None


async def test_a_booking_has_at_most_one_dispute(uow_factory):
    booking = await _booking(uow_factory)
    await _add(uow_factory, booking)
    with pytest.raises(ConflictError) as second:
        await _add(uow_factory, booking)
    assert second.value.reason == "dispute_exists"


async def test_deciding_is_compare_and_set_and_leaves_the_open_list(uow_factory):
    first = await _add(uow_factory, await _booking(uow_factory), at=NOW + timedelta(minutes=2))
    older = await _add(uow_factory, await _booking(uow_factory, NOW + timedelta(days=2)), at=NOW)
    async with uow_factory(read_only=True) as uow:
        assert [d.dispute_id for d in await uow.disputes.open_disputes(GUILD, 10)] == [
            older.dispute_id, first.dispute_id,
        ]  # fmt: skip
        assert await uow.disputes.count_open(GUILD) == 2
    decided = resolve(first, 9, DisputeOutcome.REFUND, 30, "Logs", NOW + timedelta(hours=1))
    async with uow_factory() as uow:
        assert await uow.disputes.close(decided) is True
        assert await uow.disputes.close(decided) is False
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        got = await uow.disputes.get(GUILD, first.dispute_id)
        assert await uow.disputes.count_open(GUILD) == 1
    assert got == decided
    assert got.status is DisputeStatus.RESOLVED
