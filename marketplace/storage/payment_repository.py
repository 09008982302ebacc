"""SQL payment storage: payments, the ledger, webhook dedupe, checkout tokens, payouts.

Inserts that must happen once (a ledger reference, a webhook event id) use
``INSERT … ON CONFLICT DO NOTHING RETURNING``: a duplicate, even a concurrent one on
PostgreSQL, is a quiet no-op rather than an IntegrityError that would poison the caller's
transaction.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.ledger import Account, Balance, Entry, balance_of
from marketplace.domain.money import Money, Quote
from marketplace.domain.payment import Payment
from marketplace.logs import Transitions
from marketplace.ports.ledger import MAX_TOKEN_LENGTH
from marketplace.ports.payments import CaptureMethod, PayoutAccount
from marketplace.storage.models import (
    CheckoutTokenRow,
    LedgerEntryRow,
    PaymentRow,
    PayoutAccountRow,
    StripeEventRow,
)
from marketplace.storage.sql_repository import LoggedSqlRepository, SqlRepository, from_row

TOKEN_BYTES = 32  # 256 random bits; 43 url-safe characters
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]+")


def to_payment(row: PaymentRow) -> Payment:
    """The domain payment a row stores."""
    currency = row.currency
    price = Quote(
        rate=Money(row.rate_minor, currency),
        fee=Money(row.fee_minor, currency),
        total=Money(row.total_minor, currency),
        credit=Money(row.credit_minor, currency) if row.credit_minor else None,
    )
    return from_row(Payment, row, price=price)


# The payment's amounts and flags: each field is the column of the same name.
_STATE = tuple(f.name for f in fields(Payment) if f.name not in ("booking_id", "price"))


def _state(payment: Payment) -> dict[str, Any]:
    return {name: getattr(payment, name) for name in _STATE}


async def _guild_ids(session: AsyncSession, column: Any) -> list[int]:
    """The guilds a table has rows of, `column` its guild id, in order."""
    return list(await session.scalars(select(column).distinct().order_by(column)))


class SqlPaymentRepository(LoggedSqlRepository):
    """Payment rows ↔ domain payments.

    The version read by `get` (or written by `add`/`save`) in this unit of work is
    remembered, so `save` refuses to overwrite a row another transaction changed since.
    """

    def __init__(self, session: AsyncSession, transitions: Transitions | None = None) -> None:
        super().__init__(session, transitions)
        self._versions: dict[int, int] = {}

    async def get(self, booking_id: int, *, for_update: bool = False) -> Payment | None:
        query = select(PaymentRow).where(PaymentRow.booking_id == booking_id)
        row = await self._fresh(query, for_update=for_update)
        if row is None:
            return None
        self._versions[booking_id] = row.version
        payment = to_payment(row)
        self._transitions.loaded("payment", booking_id, payment.status.value)
        return payment

    async def add(
        self, payment: Payment, guild_id: int, capture: CaptureMethod, now: datetime
    ) -> None:
        price = payment.price
        self._session.add(
            PaymentRow(
                booking_id=payment.booking_id,
                guild_id=guild_id,
                currency=price.total.currency,
                rate_minor=price.rate.minor,
                fee_minor=price.fee.minor,
                total_minor=price.total.minor,
                credit_minor=price.credit_used.minor,
                capture=capture,
                created_at=now,
                updated_at=now,
                version=0,
                **_state(payment),
            )
        )
        await self._session.flush()
        self._versions[payment.booking_id] = 0
        self._transitions.saved(
            "payment",
            payment.booking_id,
            payment.status.value,
            new=True,
            guild_id=guild_id,
            booking_id=payment.booking_id,
        )

    async def save(self, payment: Payment, now: datetime) -> None:
        """Store the payment's amounts and flags, bumping its version (see the class)."""
        booking_id = payment.booking_id
        query = update(PaymentRow).where(PaymentRow.booking_id == booking_id)
        seen = self._versions.get(booking_id)
        if seen is not None:
            query = query.where(PaymentRow.version == seen)
        result = await self._session.execute(
            query.values(**_state(payment), updated_at=now, version=PaymentRow.version + 1)
            .returning(PaymentRow.version)
            .execution_options(synchronize_session=False)
        )
        version = result.scalar_one_or_none()
        if version is None:
            if seen is not None:
                raise ConflictError("payment_changed")
            raise NotFoundError("payment", str(booking_id))
        self._versions[booking_id] = version
        self._transitions.saved("payment", booking_id, payment.status.value, booking_id=booking_id)

    async def by_intent(self, intent_id: str) -> int | None:
        return await self._session.scalar(
            select(PaymentRow.booking_id).where(PaymentRow.payment_intent_id == intent_id)
        )

    async def refs(self, booking_id: int) -> tuple[str | None, str | None]:
        row = (
            await self._session.execute(
                select(PaymentRow.checkout_session_id, PaymentRow.payment_intent_id).where(
                    PaymentRow.booking_id == booking_id
                )
            )
        ).first()
        return (row[0], row[1]) if row else (None, None)

    async def _set(self, booking_id: int, **values: Any) -> None:
        """Write these columns of the booking's payment row (not its version)."""
        await self._session.execute(
            update(PaymentRow)
            .where(PaymentRow.booking_id == booking_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def set_transfer(self, booking_id: int, transfer_id: str) -> None:
        await self._set(booking_id, transfer_id=transfer_id)

    async def transfer_of(self, booking_id: int) -> str | None:
        return await self._session.scalar(
            select(PaymentRow.transfer_id).where(PaymentRow.booking_id == booking_id)
        )

    async def by_session(self, session_id: str) -> int | None:
        return await self._session.scalar(
            select(PaymentRow.booking_id).where(PaymentRow.checkout_session_id == session_id)
        )

    async def set_refs(
        self, booking_id: int, session_id: str | None, intent_id: str | None
    ) -> None:
        values: dict[str, str] = {}
        if session_id is not None:
            values["checkout_session_id"] = session_id
        if intent_id is not None:
            values["payment_intent_id"] = intent_id
        if values:
            await self._set(booking_id, **values)

    async def set_capture_before(self, booking_id: int, deadline: datetime | None) -> None:
        if deadline is not None:
            await self._set(booking_id, capture_before=deadline)

    async def capture_before(self, booking_id: int) -> datetime | None:
        return await self._session.scalar(
            select(PaymentRow.capture_before).where(PaymentRow.booking_id == booking_id)
        )

    async def _by_booking(self, *where: Any) -> dict[int, Payment]:
        rows = await self._session.scalars(select(PaymentRow).where(*where))
        return {row.booking_id: to_payment(row) for row in rows}

    async def of_bookings(self, booking_ids: Sequence[int]) -> dict[int, Payment]:
        return await self._by_booking(PaymentRow.booking_id.in_(list(booking_ids)))

    async def in_guild(self, guild_id: int) -> dict[int, Payment]:
        return await self._by_booking(PaymentRow.guild_id == guild_id)

    async def guild_ids(self) -> list[int]:
        return await _guild_ids(self._session, PaymentRow.guild_id)


def _net(account: Account) -> ColumnElement[Any]:
    """SUM of what flowed into `account` minus what flowed out of it."""
    amount = LedgerEntryRow.amount_minor
    flow = case(
        (LedgerEntryRow.target == account.value, amount),
        (LedgerEntryRow.source == account.value, -amount),
        else_=0,
    )
    return func.coalesce(func.sum(flow), 0)


_BALANCE_ACCOUNTS = tuple(Account)
_BALANCE_COLUMNS = tuple(_net(account) for account in _BALANCE_ACCOUNTS)


def _balance(*sums: Any) -> Balance:
    # PostgreSQL sums BIGINT as NUMERIC (a Decimal): back to exact ints.
    return balance_of(dict(zip(_BALANCE_ACCOUNTS, (int(v) for v in sums), strict=True)))


class SqlLedger(SqlRepository):
    """Ledger entries; balances are summed per account by the database."""

    async def record(self, entry: Entry, guild_id: int, at: datetime) -> bool:
        return await self._insert_new(
            LedgerEntryRow,
            (LedgerEntryRow.reference,),
            guild_id=guild_id,
            booking_id=entry.booking_id,
            source=entry.source.value,
            target=entry.target.value,
            amount_minor=entry.amount.minor,
            currency=entry.amount.currency,
            reference=entry.reference,
            at=at,
        )

    async def entries(self, booking_id: int) -> list[Entry]:
        rows = await self._session.scalars(
            select(LedgerEntryRow)
            .where(LedgerEntryRow.booking_id == booking_id)
            .order_by(LedgerEntryRow.id)
        )
        return [
            Entry(
                booking_id=row.booking_id,
                source=Account(row.source),
                target=Account(row.target),
                amount=Money(row.amount_minor, row.currency),
                reference=row.reference,
            )
            for row in rows
        ]

    async def guild_balance(self, guild_id: int) -> Balance:
        row = (
            await self._session.execute(
                select(*_BALANCE_COLUMNS).where(LedgerEntryRow.guild_id == guild_id)
            )
        ).one()
        return _balance(*row)

    async def booking_balances(self, guild_id: int) -> dict[int, Balance]:
        rows = await self._session.execute(
            select(LedgerEntryRow.booking_id, *_BALANCE_COLUMNS)
            .where(LedgerEntryRow.guild_id == guild_id)
            .group_by(LedgerEntryRow.booking_id)
        )
        return {booking_id: _balance(*sums) for booking_id, *sums in rows}

    async def guild_ids(self) -> list[int]:
        return await _guild_ids(self._session, LedgerEntryRow.guild_id)


class SqlWebhookEvents(SqlRepository):
    """The webhook dedupe table: an event id is stored once, with the change it caused."""

    async def first_time(
        self, event_id: str, type: str, object_id: str | None, at: datetime
    ) -> bool:
        """On PostgreSQL a concurrent insert of the same id waits, then does nothing.

        So exactly one handler sees True.
        """
        return await self._insert_new(
            StripeEventRow,
            (StripeEventRow.event_id,),
            event_id=event_id, type=type, object_id=object_id, received_at=at,
        )  # fmt: skip

    async def handled(self, event_id: str) -> bool:
        found = await self._session.scalar(
            select(StripeEventRow.event_id).where(StripeEventRow.event_id == event_id)
        )
        return found is not None


class SqlCheckoutTokens(SqlRepository):
    """Checkout link tokens: 256 random bits each, bound to one booking, expiring."""

    async def issue(self, booking_id: int, expires_at: datetime, now: datetime) -> str:
        """A new url-safe token (43 characters) for the booking."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self._session.add(
            CheckoutTokenRow(
                token=token, booking_id=booking_id, expires_at=expires_at, created_at=now
            )
        )
        await self._session.flush()
        return token

    async def current(self, booking_id: int, now: datetime) -> str | None:
        return await self._session.scalar(
            select(CheckoutTokenRow.token)
            .where(CheckoutTokenRow.booking_id == booking_id, CheckoutTokenRow.expires_at > now)
            .order_by(CheckoutTokenRow.expires_at.desc())
            .limit(1)
        )

    async def resolve(self, token: str, now: datetime) -> int | None:
        if not 0 < len(token) <= MAX_TOKEN_LENGTH or not _TOKEN_CHARS.fullmatch(token):
            return None
        return await self._session.scalar(
            select(CheckoutTokenRow.booking_id).where(
                CheckoutTokenRow.token == token, CheckoutTokenRow.expires_at > now
            )
        )


class SqlPayoutAccounts(SqlRepository):
    """Tutors' Connect accounts; `details_submitted` is not stored (reads back False)."""

    async def get(self, guild_id: int, user_id: int) -> PayoutAccount | None:
        row = await self._session.get(PayoutAccountRow, (guild_id, user_id), populate_existing=True)
        if row is None:
            return None
        return PayoutAccount(
            row.account_id, row.payouts_enabled, transfers_active=row.transfers_active
        )

    async def save(
        self, guild_id: int, user_id: int, account: PayoutAccount, now: datetime
    ) -> None:
        values = {
            "account_id": account.account_id,
            "payouts_enabled": account.payouts_enabled,
            "transfers_active": account.transfers_active,
            "updated_at": now,
        }
        await self._put(PayoutAccountRow, {"guild_id": guild_id, "user_id": user_id}, values)

    async def by_account(self, account_id: str) -> tuple[int, int] | None:
        row = (
            await self._session.execute(
                select(PayoutAccountRow.guild_id, PayoutAccountRow.user_id).where(
                    PayoutAccountRow.account_id == account_id
                )
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def enabled_among(self, guild_id: int, user_ids: Collection[int]) -> set[int]:
        """Which of these tutors can receive transfers in this guild (one query)."""
        wanted = set(user_ids)
        if not wanted:
            return set()
        rows = await self._session.scalars(
            select(PayoutAccountRow.user_id).where(
                PayoutAccountRow.guild_id == guild_id,
                PayoutAccountRow.user_id.in_(wanted),
                PayoutAccountRow.payouts_enabled.is_(True),
                PayoutAccountRow.transfers_active.is_(True),
            )
        )
        return set(rows)
