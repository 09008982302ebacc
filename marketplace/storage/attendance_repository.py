"""SQL storage of session check-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from marketplace.storage.models import AttendanceRow
from marketplace.storage.sql_repository import SqlRepository


class SqlAttendanceLog(SqlRepository):
    """One row per (booking, participant): the first check-in wins."""

    async def check_in(
        self, booking_id: int, user_id: int, at: datetime, via: str = "button"
    ) -> bool:
        return await self._insert_new(
            AttendanceRow,
            (AttendanceRow.booking_id, AttendanceRow.user_id),
            booking_id=booking_id, user_id=user_id, checked_in_at=at, via=via,
        )  # fmt: skip

    async def check_ins(self, booking_id: int) -> dict[int, datetime]:
        rows = await self._session.execute(
            select(AttendanceRow.user_id, AttendanceRow.checked_in_at).where(
                AttendanceRow.booking_id == booking_id
            )
        )
        return {row.user_id: row.checked_in_at for row in rows}
