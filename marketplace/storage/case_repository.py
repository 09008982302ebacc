"""Moderation cases in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from marketplace.domain.cases import Case, CaseAction, CaseStatus
from marketplace.storage.models import CaseRow
from marketplace.storage.sql_repository import LoggedSqlRepository, columns_of, from_row, value_of


def _case(row: CaseRow) -> Case:
    return from_row(
        Case,
        row,
        case_id=row.id,
        status=CaseStatus(row.status),
        action=None if row.action is None else CaseAction(row.action),
    )


_IS_OPEN = CaseRow.status == CaseStatus.OPEN.value


class SqlCaseRepository(LoggedSqlRepository):
    """A guild's moderation cases."""

    async def add(self, case: Case) -> Case:
        new = columns_of(
            case, skip=("case_id",), status=case.status.value, action=value_of(case.action)
        )
        added = _case(await self._insert(CaseRow(**new)))
        self._created(
            "case", added.case_id, added.status.value,
            guild_id=added.guild_id, user_id=added.reporter_id, booking_id=added.booking_id,
        )  # fmt: skip
        return added

    async def get(self, guild_id: int, case_id: int) -> Case | None:
        return await self._first(
            select(CaseRow).where(CaseRow.guild_id == guild_id, CaseRow.id == case_id), _case
        )

    async def close(self, case: Case) -> bool:
        decided = {
            "resolved_by": case.resolved_by,
            "resolved_at": case.resolved_at,
            "action": value_of(case.action),
            "note": case.note,
        }
        return await self._close(
            "case", CaseRow, case.case_id, (CaseStatus.OPEN.value, case.status.value), decided,
            CaseRow.guild_id == case.guild_id,
            guild_id=case.guild_id, user_id=case.resolved_by, booking_id=case.booking_id,
        )  # fmt: skip

    async def open_about_booking(self, booking_id: int) -> int:
        return await self._count(CaseRow, CaseRow.booking_id == booking_id, _IS_OPEN)

    async def open_cases(self, guild_id: int, *, limit: int, offset: int) -> list[Case]:
        return await self._queue(CaseRow, _case, guild_id, _IS_OPEN, limit=limit, offset=offset)

    async def reports_between(
        self, guild_id: int, a: int, b: int, since: datetime
    ) -> list[datetime]:
        rows = await self._session.scalars(
            select(CaseRow.created_at).where(
                CaseRow.guild_id == guild_id,
                CaseRow.created_at >= since,
                or_(
                    (CaseRow.reporter_id == a) & (CaseRow.target_id == b),
                    (CaseRow.reporter_id == b) & (CaseRow.target_id == a),
                ),
            )
        )
        return list(rows)

    async def count_open(self, guild_id: int) -> int:
        return await self._count(CaseRow, CaseRow.guild_id == guild_id, _IS_OPEN)

    async def reported_since(self, guild_id: int, reporter_id: int, since: datetime) -> int:
        return await self._count(
            CaseRow,
            CaseRow.guild_id == guild_id,
            CaseRow.reporter_id == reporter_id,
            CaseRow.created_at >= since,
        )

    async def about(self, guild_id: int, target_id: int, limit: int) -> list[Case]:
        return await self._all(
            select(CaseRow)
            .where(CaseRow.guild_id == guild_id, CaseRow.target_id == target_id)
            .order_by(CaseRow.created_at.desc(), CaseRow.id.desc())
            .limit(limit),
            _case,
        )
