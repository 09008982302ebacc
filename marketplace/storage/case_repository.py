"""Moderation cases in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.domain.cases import Case, CaseAction, CaseStatus
from marketplace.logs import Transitions
from marketplace.storage.models import CaseRow


def _case(row: CaseRow) -> Case:
    return Case(
        case_id=row.id,
        guild_id=row.guild_id,
        reporter_id=row.reporter_id,
        target_id=row.target_id,
        booking_id=row.booking_id,
        reason=row.reason,
        created_at=row.created_at,
        status=CaseStatus(row.status),
        resolved_by=row.resolved_by,
        resolved_at=row.resolved_at,
        action=None if row.action is None else CaseAction(row.action),
        note=row.note,
    )


class SqlCaseRepository:
    """A guild's moderation cases."""

    def __init__(self, session: AsyncSession, transitions: Transitions | None = None) -> None:
        self._session = session
        self._transitions = transitions or Transitions()

    async def add(self, case: Case) -> Case:
        row = CaseRow(
            guild_id=case.guild_id,
            reporter_id=case.reporter_id,
            target_id=case.target_id,
            booking_id=case.booking_id,
            reason=case.reason,
            status=case.status.value,
            created_at=case.created_at,
            note=case.note,
        )
        self._session.add(row)
        await self._session.flush()
        added = _case(row)
        self._transitions.changed(
            "case",
            added.case_id,
            None,
            added.status.value,
            guild_id=added.guild_id,
            user_id=added.reporter_id,
            booking_id=added.booking_id,
        )
        return added

    async def get(self, guild_id: int, case_id: int) -> Case | None:
        row = await self._session.scalar(
            select(CaseRow).where(CaseRow.guild_id == guild_id, CaseRow.id == case_id)
        )
        return None if row is None else _case(row)

    async def close(self, case: Case) -> bool:
        result = await self._session.execute(
            update(CaseRow)
            .where(
                CaseRow.guild_id == case.guild_id,
                CaseRow.id == case.case_id,
                CaseRow.status == CaseStatus.OPEN.value,
            )
            .values(
                status=case.status.value,
                resolved_by=case.resolved_by,
                resolved_at=case.resolved_at,
                action=None if case.action is None else case.action.value,
                note=case.note,
            )
            .execution_options(synchronize_session=False)
            .returning(CaseRow.id)
        )
        if result.first() is None:
            return False
        self._transitions.changed(
            "case",
            case.case_id,
            CaseStatus.OPEN.value,
            case.status.value,
            guild_id=case.guild_id,
            user_id=case.resolved_by,
            booking_id=case.booking_id,
        )
        return True

    async def open_about_booking(self, booking_id: int) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(CaseRow)
            .where(CaseRow.booking_id == booking_id, CaseRow.status == CaseStatus.OPEN.value)
        )
        return int(count or 0)

    async def open_cases(self, guild_id: int, *, limit: int, offset: int) -> list[Case]:
        rows = await self._session.scalars(
            select(CaseRow)
            .where(CaseRow.guild_id == guild_id, CaseRow.status == CaseStatus.OPEN.value)
            .order_by(CaseRow.created_at, CaseRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [_case(row) for row in rows]

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
        count = await self._session.scalar(
            select(func.count())
            .select_from(CaseRow)
            .where(CaseRow.guild_id == guild_id, CaseRow.status == CaseStatus.OPEN.value)
        )
        return int(count or 0)

    async def reported_since(self, guild_id: int, reporter_id: int, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(CaseRow)
            .where(
                CaseRow.guild_id == guild_id,
                CaseRow.reporter_id == reporter_id,
                CaseRow.created_at >= since,
            )
        )
        return int(count or 0)

    async def about(self, guild_id: int, target_id: int, limit: int) -> list[Case]:
        rows = await self._session.scalars(
            select(CaseRow)
            .where(CaseRow.guild_id == guild_id, CaseRow.target_id == target_id)
            .order_by(CaseRow.created_at.desc(), CaseRow.id.desc())
            .limit(limit)
        )
        return [_case(row) for row in rows]
