"""SQL storage of the channel each booking was made in."""

from __future__ import annotations

from sqlalchemy import insert, select

from marketplace.storage.models import BookingChannelRow
from marketplace.storage.sql_repository import SqlRepository


class SqlBookingChannels(SqlRepository):
    """One row per booking made in a guild channel, written with the booking."""

    async def remember(self, booking_id: int, channel_id: int) -> None:
        """Record where the booking was made (a new booking, so a plain insert)."""
        await self._session.execute(
            insert(BookingChannelRow).values(booking_id=booking_id, channel_id=channel_id)
        )

    async def of(self, booking_id: int) -> int | None:
        query = select(BookingChannelRow.channel_id).where(
            BookingChannelRow.booking_id == booking_id
        )
        return await self._session.scalar(query)
