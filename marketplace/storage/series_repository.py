"""SQL storage of weekly series and their weeks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import func, select

from marketplace.domain.series import BookingSeries, SeriesMembership, SeriesPlace
from marketplace.storage.models import BookingSeriesRow, SeriesBookingRow
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
            select(SeriesBookingRow.booking_id, SeriesBookingRow.week_index, BookingSeriesRow.weeks)
            .join(BookingSeriesRow, BookingSeriesRow.id == SeriesBookingRow.series_id)
            .where(SeriesBookingRow.booking_id.in_(list(booking_ids)))
        )
        return {booking_id: SeriesPlace(index + 1, weeks) for booking_id, index, weeks in rows}
