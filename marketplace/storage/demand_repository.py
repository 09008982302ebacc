"""SQL storage of subject demand: one counter row per guild, subject and day."""

from __future__ import annotations

import functools
from datetime import date
from typing import cast

from sqlalchemy import Executable, Table, bindparam, func, select

from marketplace.storage.models import SubjectDemandRow
from marketplace.storage.sql_repository import SqlRepository, dialect_of, upsert_into

_Row = SubjectDemandRow


@functools.cache
def _count_statement(dialect: str) -> Executable:
    """The upsert of one search, built once per dialect (every `/find` runs it).

    Building it (the VALUES, the conflict clause, the `excluded` alias of the table) took
    longer than executing it; the values are bound parameters instead.
    """
    table = cast("Table", _Row.__table__)
    statement = upsert_into(dialect, table).values(
        guild_id=bindparam("guild_id"), subject_key=bindparam("subject_key"),
        day=bindparam("day"), searches=1, unmet=bindparam("unmet"),
    )  # fmt: skip
    return statement.on_conflict_do_update(
        index_elements=[table.c.guild_id, table.c.subject_key, table.c.day],
        set_={
            "searches": table.c.searches + 1,
            "unmet": table.c.unmet + statement.excluded.unmet,
        },
    )


class SqlDemandLog(SqlRepository):
    """An upsert per search; the week's read sums at most subjects × 7 rows."""

    async def count(self, guild_id: int, subject_key: str, day: date, *, unmet: bool) -> None:
        await self._session.execute(
            _count_statement(dialect_of(self._session)),
            {"guild_id": guild_id, "subject_key": subject_key, "day": day, "unmet": int(unmet)},
        )

    async def between(self, guild_id: int, first: date, last: date) -> list[tuple[str, int, int]]:
        rows = await self._session.execute(
            select(_Row.subject_key, func.sum(_Row.searches), func.sum(_Row.unmet))
            .where(_Row.guild_id == guild_id, _Row.day >= first, _Row.day <= last)
            .group_by(_Row.subject_key)
        )
        return [(key, int(searches), int(unmet)) for key, searches, unmet in rows]
