"""SQL storage of referrals and referral credit (see `marketplace.ports.referrals`)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select, update

from marketplace.domain.money import Money
from marketplace.domain.referrals import CreditAccount, Referral, ReferralStatus
from marketplace.domain.settlement import Outcome
from marketplace.storage.models import BookingRow, ReferralCreditRow, ReferralRow
from marketplace.storage.sql_repository import SqlRepository, columns_of, from_row

_HELD = (Outcome.COMPLETED.value, Outcome.LATE_START.value)  # a session that took place


def to_referral(row: ReferralRow) -> Referral:
    """The domain referral a row stores."""
    credit = Money(row.credit_minor, row.currency) if row.currency else None
    return from_row(
        Referral, row, referral_id=row.id, status=ReferralStatus(row.status), credit=credit
    )


def _values(referral: Referral) -> dict[str, Any]:
    """The row's columns for `referral` (its id aside)."""
    credit = referral.credit
    return columns_of(
        referral,
        skip=("referral_id", "credit"),
        status=referral.status.value,
        credit_minor=credit.minor if credit else 0,
        currency=credit.currency if credit else None,
    )


class SqlReferralRepository(SqlRepository):
    """Referral rows ↔ domain referrals; credit rows ↔ `CreditAccount`."""

    async def add(self, referral: Referral) -> Referral | None:
        new_id = await self._insert_new_id(
            ReferralRow,
            (ReferralRow.guild_id, ReferralRow.referred_id),
            **_values(referral),
        )
        return None if new_id is None else dataclasses.replace(referral, referral_id=int(new_id))

    async def of_member(self, guild_id: int, user_id: int) -> Referral | None:
        query = select(ReferralRow).where(
            ReferralRow.guild_id == guild_id, ReferralRow.referred_id == user_id
        )
        return await self._first(query, to_referral)

    async def get(self, referral_id: int) -> Referral | None:
        return await self._first(
            select(ReferralRow).where(ReferralRow.id == referral_id), to_referral
        )

    async def for_booking(self, booking_id: int) -> Referral | None:
        query = select(ReferralRow).where(ReferralRow.booking_id == booking_id)
        return await self._first(query, to_referral)

    async def made_by(self, guild_id: int, referrer_id: int, limit: int) -> list[Referral]:
        query = (
            select(ReferralRow)
            .where(ReferralRow.guild_id == guild_id, ReferralRow.referrer_id == referrer_id)
            .order_by(ReferralRow.created_at.desc(), ReferralRow.id.desc())
            .limit(limit)
        )
        return await self._all(query, to_referral)

    async def counts_by(self, guild_id: int, referrer_id: int) -> dict[ReferralStatus, int]:
        rows = await self._session.execute(
            select(ReferralRow.status, func.count())
            .where(ReferralRow.guild_id == guild_id, ReferralRow.referrer_id == referrer_id)
            .group_by(ReferralRow.status)
        )
        return {ReferralStatus(status): int(count) for status, count in rows.all()}

    async def move(self, referral: Referral, before: ReferralStatus) -> bool:
        values = _values(referral)
        for key in ("guild_id", "referrer_id", "referred_id", "created_at"):
            values.pop(key)
        statement = (
            update(ReferralRow)
            .where(ReferralRow.id == referral.referral_id, ReferralRow.status == before.value)
            .values(**values)
            .execution_options(synchronize_session=False)
            .returning(ReferralRow.id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def had_session(self, guild_id: int, student_id: int) -> bool:
        held = exists().where(
            BookingRow.guild_id == guild_id,
            BookingRow.student_id == student_id,
            BookingRow.outcome.in_(_HELD),
        )
        return bool(await self._session.scalar(select(held)))

    async def credit(self, guild_id: int, user_id: int, currency: str) -> CreditAccount:
        query = select(ReferralCreditRow).filter_by(
            guild_id=guild_id, user_id=user_id, currency=currency
        )
        return await self._first(query, _account) or CreditAccount()

    async def lock_credit(
        self, guild_id: int, user_id: int, currency: str, now: datetime
    ) -> CreditAccount:
        key = {"guild_id": guild_id, "user_id": user_id, "currency": currency}
        await self._insert_new(  # a row to lock, even for a balance of nothing yet
            ReferralCreditRow,
            (ReferralCreditRow.guild_id, ReferralCreditRow.user_id, ReferralCreditRow.currency),
            **key, balance_minor=0, owed_minor=0, updated_at=now,
        )  # fmt: skip
        row = await self._fresh(select(ReferralCreditRow).filter_by(**key), for_update=True)
        return CreditAccount() if row is None else _account(row)

    async def save_credit(
        self, guild_id: int, user_id: int, currency: str, account: CreditAccount, now: datetime
    ) -> None:
        await self._put(
            ReferralCreditRow,
            {"guild_id": guild_id, "user_id": user_id, "currency": currency},
            {"balance_minor": account.balance, "owed_minor": account.owed, "updated_at": now},
        )

    async def credits_of(self, guild_id: int, user_id: int) -> dict[str, CreditAccount]:
        rows = await self._session.scalars(
            select(ReferralCreditRow)
            .where(ReferralCreditRow.guild_id == guild_id, ReferralCreditRow.user_id == user_id)
            .order_by(ReferralCreditRow.currency)
        )
        return {row.currency: _account(row) for row in rows}


def _account(row: ReferralCreditRow) -> CreditAccount:
    return CreditAccount(balance=row.balance_minor, owed=row.owed_minor)
