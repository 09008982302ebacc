"""Helpers for payment storage tests: guild and booking rows to hang payments on."""

import itertools
from datetime import timedelta

from marketplace.domain.ledger import Account, Entry
from marketplace.domain.money import Money, quote
from marketplace.domain.payment import Payment
from marketplace.storage.models import BookingRow, GuildRow

CURRENCY = "EUR"
_SLOTS = itertools.count()  # every booking gets its own hour: no overlap anywhere


async def add_booking(uow, guild_id: int, now, student_id: int = 1, tutor_id: int = 2) -> int:
    """Insert the guild (if new) and a booking row; return the booking id."""
    session = uow.session
    if await session.get(GuildRow, guild_id) is None:
        session.add(
            GuildRow(id=guild_id, name=f"g{guild_id}", settings={}, created_at=now, updated_at=now)
        )
        await session.flush()
    start = now + timedelta(days=1, hours=2 * next(_SLOTS))
    row = BookingRow(
        guild_id=guild_id,
        student_id=student_id,
        tutor_id=tutor_id,
        subject_key="calculus",
        start_at=start,
        end_at=start + timedelta(hours=1),
        block_start=start,
        block_end=start + timedelta(hours=1),
        state="confirmed",
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(minutes=30),
    )
    session.add(row)
    await session.flush()
    return row.id


def new_payment(booking_id: int, rate_minor: int = 2000, fee_bps: int = 1500) -> Payment:
    """A fresh payment for a session priced at `rate_minor`."""
    return Payment(booking_id=booking_id, price=quote(Money(rate_minor, CURRENCY), fee_bps))


def entry(booking_id: int, source: Account, target: Account, amount: int, ref: str) -> Entry:
    """A ledger entry in the test currency."""
    return Entry(booking_id, source, target, Money(amount, CURRENCY), ref)


def captured_and_paid_out(booking_id: int, total: int, refund: int, tutor: int) -> list[Entry]:
    """Capture `total`, refund `refund`, release `tutor`, and the rest goes to the platform."""
    b = booking_id
    entries = [entry(b, Account.STUDENT, Account.HELD, total, f"b{b}-capture")]
    if refund:
        entries.append(entry(b, Account.HELD, Account.REFUNDED, refund, f"b{b}-refund"))
    if tutor:
        entries.append(entry(b, Account.HELD, Account.TUTOR, tutor, f"b{b}-release"))
    fee = total - refund - tutor
    if fee:
        entries.append(entry(b, Account.HELD, Account.PLATFORM, fee, f"b{b}-fee"))
    return entries
