"""A paid booking made through the real services, and helpers to read pages and rows.

The student (zone America/New_York) books the tutor "Ada <Lovelace>" (hourly rate
$25.55, payouts enabled) for 90 minutes of calculus on Wednesday 2 December 2026 at
14:00 UTC, which is 09:00–10:30 in New York. The guild keeps the default policy unless
a test changes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select

from marketplace.domain.booking import Booking
from marketplace.domain.referrals import CreditAccount
from marketplace.ports import PayoutAccount
from marketplace.services import checkout
from marketplace.services.actor import Actor
from marketplace.services.bookings import book
from marketplace.services.context import ServiceContext
from marketplace.storage.models import LedgerEntryRow, PaymentRow, StripeEventRow
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from tests.services.marketplace_world import (
    GUILD,
    NOW,
    STUDENT_ID,
    TUTOR_ID,
    SettableClock,
    add_student,
    add_tutor,
    at,
    book_cmd,
)

TUTOR_NAME = "Ada <Lovelace>"
STUDENT_ZONE = "America/New_York"
HOURLY_RATE_MINOR = 2555
MINUTES = 90
START = at(2, 14)
PAYOUT_ACCOUNT = "acct_webtutor"


@dataclass(frozen=True)
class PaidBooking:
    """A booking awaiting payment and the student's link to it."""

    booking: Booking
    student: Actor
    link: str

    @property
    def path(self) -> str:
        """The checkout page's path (``/checkout/<token>``)."""
        return urlsplit(self.link).path

    @property
    def token(self) -> str:
        """The link's token."""
        return self.path.rsplit("/", 1)[1]


async def book_paid_session(
    ctx: ServiceContext, clock: SettableClock, *, credit: int = 0, **policy_changes: Any
) -> PaidBooking:
    """Onboard both sides at `NOW`, apply `policy_changes`, book, and get the link.

    `credit` is referral credit (cents) the student has before booking.
    """
    clock.set(NOW)
    student = await add_student(ctx, STUDENT_ID, zone=STUDENT_ZONE)
    await add_tutor(ctx, TUTOR_ID, rate="$25.55")
    async with ctx.uow() as uow:
        if credit:
            await uow.referrals.save_credit(GUILD, STUDENT_ID, "USD", CreditAccount(credit), NOW)
        await uow.users.ensure(TUTOR_ID, NOW, TUTOR_NAME)
        await uow.payout_accounts.save(
            GUILD, TUTOR_ID, PayoutAccount(PAYOUT_ACCOUNT, True, transfers_active=True), NOW
        )
        if policy_changes:
            policy = await uow.guilds.policy(GUILD)
            await uow.guilds.save_policy(GUILD, replace(policy, **policy_changes), NOW)
        await uow.commit()
    booking = await book(book_cmd(student, TUTOR_ID, START, MINUTES), ctx)
    link = await checkout.link_for(checkout.CheckoutLink(student, booking.booking_id), ctx)
    return PaidBooking(booking, student, link)


def div_half_up(numerator: int, denominator: int) -> int:
    """Non-negative division rounding half up (the SPEC's fee rule), written out again."""
    return (2 * numerator + denominator) // (2 * denominator)


def dollars(minor: int) -> str:
    """``$12.34``."""
    return f"${minor // 100}.{minor % 100:02d}"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in ("style", "script", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed (entities decoded)."""
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


@dataclass(frozen=True)
class Stored:
    """What the payment tables hold for the test database."""

    events: int
    ledger: int
    payments: list[tuple[Any, ...]]


async def stored(uow: UnitOfWorkFactory) -> Stored:
    """Count webhook events and ledger entries; snapshot every payment row."""
    async with uow(read_only=True) as work:
        session = work.session
        events = await session.scalar(select(func.count()).select_from(StripeEventRow))
        ledger = await session.scalar(select(func.count()).select_from(LedgerEntryRow))
        rows = (await session.execute(select(PaymentRow).order_by(PaymentRow.booking_id))).all()
        payments = [
            tuple(getattr(row[0], c.key) for c in PaymentRow.__table__.columns) for row in rows
        ]
    return Stored(int(events or 0), int(ledger or 0), payments)


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    """An aware UTC instant."""
    return datetime(year, month, day, hour, tzinfo=NOW.tzinfo)
