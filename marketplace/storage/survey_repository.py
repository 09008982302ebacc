"""SQL storage of post-session survey answers."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.domain.survey import Answer, SurveyResponse
from marketplace.storage.models import SurveyResponseRow
from marketplace.storage.sql_repository import SqlRepository, columns_of


class SqlSurveyRepository(SqlRepository):
    """One row per (booking, participant): the first answer wins."""

    async def add(self, response: SurveyResponse) -> bool:
        return await self._insert_new(
            SurveyResponseRow,
            (SurveyResponseRow.booking_id, SurveyResponseRow.user_id),
            **columns_of(response, answer=response.answer.value),
        )

    async def of_booking(self, booking_id: int, user_id: int) -> SurveyResponse | None:
        row = await self._session.scalar(
            select(SurveyResponseRow).where(
                SurveyResponseRow.booking_id == booking_id, SurveyResponseRow.user_id == user_id
            )
        )
        if row is None:
            return None
        return SurveyResponse(
            row.booking_id, row.user_id, Answer(row.answer), row.reason, row.answered_at
        )
