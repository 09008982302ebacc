"""SQL storage of subject demand: one counter row per guild, subject and day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from marketplace.storage.models import SubjectDemandRow
from marketplace.storage.sql_repository import SqlRepository, upsert

_Row = SubjectDemandRow


class SqlDemandLog(SqlRepository):
    """An upsert per search; the week's read sums at most subjects × 7 rows."""

    async def count(self, guild_id: int, subject_key: str, day: date, *, unmet: bool) -> None:
        statement = upsert(self._session, _Row).values(
            guild_id=guild_id, subject_key=subject_key, day=day, searches=1, unmet=int(unmet)
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[_Row.guild_id, _Row.subject_key, _Row.day],
                set_={
                    "searches": _Row.searches + 1,
                    "unmet": _Row.unmet + statement.excluded.unmet,
                },
            )
        )

    async def between(self, guild_id: int, first: date, last: date) -> list[tuple[str, int, int]]:
        rows = await self._session.execute(
            select(_Row.subject_key, func.sum(_Row.searches), func.sum(_Row.unmet))
            .where(_Row.guild_id == guild_id, _Row.day >= first, _Row.day <= last)
            .group_by(_Row.subject_key)
        )
        return [(key, int(searches), int(unmet)) for key, searches, unmet in rows]
