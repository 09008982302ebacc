"""SQL storage of weekly series and their weeks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, func, select

from marketplace.domain.series import BookingSeries, SavedCard, SeriesMembership, SeriesPlace
from marketplace.storage.models import (
    BookingSeriesRow,
    PaymentCustomerRow,
    SavedPaymentMethodRow,
    SeriesBookingRow,
    SeriesCardSetupRow,
)
from marketplace.storage.sql_repository import SqlRepository, from_row


def _series(row: BookingSeriesRow) -> BookingSeries:
    return from_row(BookingSeries, row, series_id=row.id)


class SqlSeriesRepository(SqlRepository):
    """A series is one row; its weeks link bookings to it by the booking's key."""

    async def add(self, series: BookingSeries) -> BookingSeries:
        row = await self._insert(
            BookingSeriesRow(
                guild_id=series.guild_id, student_id=series.student_id,
                tutor_id=series.tutor_id, subject_key=series.subject_key,
                weeks=series.weeks, created_at=series.created_at,
            )
        )  # fmt: skip
        return replace(series, series_id=row.id)

    async def add_week(self, series_id: int, booking_id: int, week_index: int) -> None:
        await self._insert(
            SeriesBookingRow(booking_id=booking_id, series_id=series_id, week_index=week_index)
        )

    async def get(self, series_id: int) -> BookingSeries | None:
        return await self._first(
            select(BookingSeriesRow).where(BookingSeriesRow.id == series_id), _series
        )

    async def booking_ids(self, series_id: int) -> list[int]:
        rows = await self._session.scalars(
            select(SeriesBookingRow.booking_id)
            .where(SeriesBookingRow.series_id == series_id)
            .order_by(SeriesBookingRow.week_index)
        )
        return list(rows)

    async def membership(self, booking_id: int) -> SeriesMembership | None:
        week = await self._session.scalar(
            select(SeriesBookingRow).where(SeriesBookingRow.booking_id == booking_id)
        )
        if week is None:
            return None
        first, count = (
            await self._session.execute(
                select(func.min(SeriesBookingRow.week_index), func.count()).where(
                    SeriesBookingRow.series_id == week.series_id
                )
            )
        ).one()
        return SeriesMembership(week.series_id, week.week_index, int(first), int(count))

    async def places(self, booking_ids: Sequence[int]) -> dict[int, SeriesPlace]:
        if not booking_ids:
            return {}
        rows = await self._session.execute(
            select(
                SeriesBookingRow.booking_id, SeriesBookingRow.week_index,
                BookingSeriesRow.weeks, SeriesBookingRow.series_id,
            )
            .join(BookingSeriesRow, BookingSeriesRow.id == SeriesBookingRow.series_id)
            .where(SeriesBookingRow.booking_id.in_(list(booking_ids)))
        )  # fmt: skip
        return {
            booking_id: SeriesPlace(index + 1, weeks, series_id)
            for booking_id, index, weeks, series_id in rows
        }

    async def set_card_setup(self, series_id: int, session_id: str, now: datetime) -> None:
        await self._put(
            SeriesCardSetupRow, {"series_id": series_id},
            {"session_id": session_id, "created_at": now},
        )  # fmt: skip

    async def card_setup(self, series_id: int) -> str | None:
        return await self._session.scalar(
            select(SeriesCardSetupRow.session_id).where(SeriesCardSetupRow.series_id == series_id)
        )

    async def series_of_setup(self, session_id: str) -> int | None:
        return await self._session.scalar(
            select(SeriesCardSetupRow.series_id).where(SeriesCardSetupRow.session_id == session_id)
        )


class SqlSavedCards(SqlRepository):
    """Provider customers and saved cards, keyed by guild and member."""

    async def customer(self, guild_id: int, user_id: int) -> str | None:
        return await self._session.scalar(
            select(PaymentCustomerRow.customer_id).where(
                PaymentCustomerRow.guild_id == guild_id, PaymentCustomerRow.user_id == user_id
            )
        )

    async def add_customer(
        self, guild_id: int, user_id: int, customer_id: str, now: datetime
    ) -> None:
        await self._insert_new(
            PaymentCustomerRow, ("guild_id", "user_id"), guild_id=guild_id, user_id=user_id,
            customer_id=customer_id, created_at=now,
        )  # fmt: skip

    async def card(self, guild_id: int, user_id: int) -> SavedCard | None:
        query = select(SavedPaymentMethodRow).where(
            SavedPaymentMethodRow.guild_id == guild_id, SavedPaymentMethodRow.user_id == user_id
        )
        return await self._first(query, lambda row: from_row(SavedCard, row))

    async def save(self, card: SavedCard) -> None:
        await self._put(
            SavedPaymentMethodRow, {"guild_id": card.guild_id, "user_id": card.user_id},
            {"customer_id": card.customer_id, "payment_method_id": card.payment_method_id,
             "saved_at": card.saved_at},
        )  # fmt: skip

    async def forget(self, guild_id: int, user_id: int) -> SavedCard | None:
        found = await self.card(guild_id, user_id)
        if found is not None:
            await self._session.execute(
                delete(SavedPaymentMethodRow).where(
                    SavedPaymentMethodRow.guild_id == guild_id,
                    SavedPaymentMethodRow.user_id == user_id,
                )
            )
        return found
