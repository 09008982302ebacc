"""Migration 0014 on both backends: ISK and UGX amounts not yet sent to Stripe, ×100.

Rows are seeded at 0013 with the old meaning (5000 ISK stored as 5000). What was sent to
Stripe (a Checkout Session, a PaymentIntent, ledger entries) records Stripe's units and
must not move, so the ledger still balances; the downgrade gives the old rows back.

The rows go in and come out through Core statements naming only their columns, because
the ORM's mappings hold the head's columns (later revisions add some); the ledger is
checked with the ORM once the database is at head.
"""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import MetaData, Table, insert, select

from marketplace.domain.policy import apply_overrides
from marketplace.services import ledger
from marketplace.services.context import ServiceContext
from marketplace.storage.migrate import downgrade, upgrade
from marketplace.storage.models import (
    BookingRow,
    GuildRow,
    LedgerEntryRow,
    MemberRow,
    PaymentRow,
    TutorProfileRow,
    UserRow,
)
from tests.conftest import FixedClock
from tests.storage.opened import units_of_work

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ISK_GUILD, UGX_GUILD, CAPPED_GUILD, USD_GUILD = 1, 2, 3, 4
SETTINGS = {
    ISK_GUILD: {"currency": "ISK", "referral_credit_minor": 800},
    UGX_GUILD: {"currency": "UGX"},  # the default 500 meant 500 USh
    CAPPED_GUILD: {"currency": "ISK", "referral_credit_minor": 2000},
    USD_GUILD: {"currency": "USD", "referral_credit_minor": 800},
}
TUTORS = {21: ("ISK", 5000), 22: ("UGX", 40000), 23: ("EUR", 2500)}

Refs = tuple[str | None, str | None]  # (Checkout Session id, PaymentIntent id)

# booking id: (currency, price, the payment's (rate, fee, total) or None, Stripe refs)
UNSENT, NO_PAYMENT, PAID, SESSION_ONLY, EURO = 1, 2, 3, 4, 5
BOOKINGS: dict[int, tuple[str, int, tuple[int, int, int] | None, Refs]] = {
    UNSENT: ("ISK", 5000, (5000, 750, 5750), (None, None)),
    NO_PAYMENT: ("ISK", 5000, None, (None, None)),  # no payment row at all
    PAID: ("ISK", 5000, (5000, 700, 5700), ("cs_paid", "pi_paid")),
    SESSION_ONLY: ("UGX", 40000, (40000, 6000, 46000), ("cs_open", None)),
    EURO: ("EUR", 2000, (2000, 300, 2300), (None, None)),
}
# The paid booking's money as Stripe holds it: captured 5700, 5000 to the tutor, 700 fee.
PAID_MOVES = [("student", "held", 5700), ("held", "tutor", 5000), ("held", "platform", 700)]


def _booking(booking_id: int, currency: str, price: int) -> BookingRow:
    start = NOW + timedelta(days=1, hours=2 * booking_id)
    return BookingRow(
        id=booking_id, guild_id=ISK_GUILD, student_id=11, tutor_id=21, subject_key="maths",
        start_at=start, end_at=start + timedelta(hours=1), block_start=start,
        block_end=start + timedelta(hours=1), state="confirmed", created_at=NOW,
        updated_at=NOW, expires_at=NOW, price_minor=price, currency=currency,
    )  # fmt: skip


def _payment(
    booking_id: int, currency: str, amounts: tuple[int, int, int], refs: Refs
) -> PaymentRow:
    rate, fee, total = amounts
    paid = booking_id == PAID
    return PaymentRow(
        booking_id=booking_id, guild_id=ISK_GUILD, currency=currency, rate_minor=rate,
        fee_minor=fee, total_minor=total, capture="manual", checkout_session_id=refs[0],
        payment_intent_id=refs[1], authorized=total if paid else 0,
        captured=total if paid else 0, released=rate if paid else 0, fees=fee if paid else 0,
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip


def _layers() -> list[list[Any]]:
    """The seed rows, each layer referring only to the ones before it."""
    guilds = [
        GuildRow(id=gid, name=f"g{gid}", settings=s, created_at=NOW, updated_at=NOW)
        for gid, s in SETTINGS.items()
    ]
    users = [UserRow(id=user_id, created_at=NOW, updated_at=NOW) for user_id in TUTORS]
    members = [
        MemberRow(guild_id=ISK_GUILD, user_id=user_id, role="tutor", started_at=NOW,
                  updated_at=NOW)
        for user_id in TUTORS
    ]  # fmt: skip
    profiles = [
        TutorProfileRow(
            guild_id=ISK_GUILD, user_id=user_id, rate_minor=rate, currency=currency,
            formats="online", created_at=NOW, updated_at=NOW,
        )
        for user_id, (currency, rate) in TUTORS.items()
    ]  # fmt: skip
    bookings = [_booking(b, currency, price) for b, (currency, price, _, _) in BOOKINGS.items()]
    payments = [
        _payment(b, currency, amounts, refs)
        for b, (currency, _, amounts, refs) in BOOKINGS.items()
        if amounts is not None
    ]
    entries = [
        LedgerEntryRow(
            guild_id=ISK_GUILD, booking_id=PAID, source=source, target=target,
            amount_minor=amount, currency="ISK", reference=f"paid-{target}", at=NOW,
        )
        for source, target, amount in PAID_MOVES
    ]  # fmt: skip
    return [guilds + users, members, profiles + bookings, payments + entries]


def _values(row: Any, stored: Table) -> dict[str, Any]:
    """A seed row's values for the table as it is at this revision.

    What the row was built with, and the mapping's scalar defaults for the rest of the
    columns the table has so far (later revisions add some).
    """
    values = {name: value for name, value in vars(row).items() if not name.startswith("_")}
    for column in type(row).__table__.columns:
        default = column.default
        missing = column.name in stored.c and column.name not in values
        if missing and default is not None and default.is_scalar:
            values[column.name] = default.arg
    return values


async def _seed(url: str) -> None:
    async with units_of_work(url) as factory, factory() as uow:
        connection = await uow.session.connection()
        for layer in _layers():
            for row in layer:
                name = type(row).__tablename__
                stored = await connection.run_sync(
                    lambda sync, name=name: Table(name, MetaData(), autoload_with=sync)
                )
                await uow.session.execute(insert(stored).values(**_values(row, stored)))
        await uow.commit()


async def _stored(url: str) -> dict[str, dict[Any, Any]]:
    """Every amount the migration may touch, and the guilds' settings, by row key."""
    p = PaymentRow
    queries = {
        "guild": select(GuildRow.id, GuildRow.settings),
        "rate": select(TutorProfileRow.user_id, TutorProfileRow.rate_minor),
        "price": select(BookingRow.id, BookingRow.price_minor),
        "payment": select(p.booking_id, p.rate_minor, p.fee_minor, p.total_minor, p.captured),
        "ledger": select(LedgerEntryRow.reference, LedgerEntryRow.amount_minor),
    }
    async with units_of_work(url) as factory, factory(read_only=True) as uow:
        found: dict[str, dict[Any, Any]] = {}
        for name, query in queries.items():
            rows = (await uow.session.execute(query)).all()
            found[name] = {row[0]: row[1] if len(row) == 2 else tuple(row[1:]) for row in rows}
        return found


async def _verified(url: str) -> ledger.LedgerReport:
    async with units_of_work(url) as factory:
        return await ledger.verify(ServiceContext(uow=factory, clock=FixedClock(NOW)))


async def test_unsent_isk_and_ugx_amounts_are_rescaled_and_sent_ones_kept(empty_database_url):
    url = empty_database_url
    await asyncio.to_thread(upgrade, url, "0013")
    await _seed(url)
    before = await _stored(url)

    await asyncio.to_thread(upgrade, url, "0014")
    after = await _stored(url)

    assert after["rate"] == {21: 500000, 22: 4000000, 23: 2500}
    assert after["guild"] == {
        ISK_GUILD: {"currency": "ISK", "referral_credit_minor": 80000},
        UGX_GUILD: {"currency": "UGX", "referral_credit_minor": 50000},
        CAPPED_GUILD: {"currency": "ISK", "referral_credit_minor": 100000},  # the bound
        USD_GUILD: {"currency": "USD", "referral_credit_minor": 800},
    }
    for settings in after["guild"].values():
        apply_overrides(settings, strict=True)  # every value is still valid
    assert after["price"] == {UNSENT: 500000, NO_PAYMENT: 500000, PAID: 5000, SESSION_ONLY: 40000,
                              EURO: 2000}  # fmt: skip
    assert after["payment"] == {
        UNSENT: (500000, 75000, 575000, 0),
        PAID: before["payment"][PAID],
        SESSION_ONLY: before["payment"][SESSION_ONLY],
        EURO: before["payment"][EURO],
    }
    assert after["ledger"] == before["ledger"]
    await asyncio.to_thread(upgrade, url, "head")
    report = await _verified(url)
    assert report.ok, report.summary()
    assert report.bookings_checked == 4

    await asyncio.to_thread(downgrade, url, "0013")
    restored = await _stored(url)

    assert restored["guild"][CAPPED_GUILD] == {"currency": "ISK", "referral_credit_minor": 1000}
    restored["guild"][CAPPED_GUILD] = before["guild"][CAPPED_GUILD]  # the one lossy case
    assert restored == before
