"""SQL storage of drop-in hours and the visits in their queues."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update

from marketplace.domain.dropin import IN_QUEUE, DropInHours, Visit, VisitState
from marketplace.storage.models import DropInHelpRow, DropInHoursRow, DropInVisitRow
from marketplace.storage.sql_repository import SqlRepository, columns_of, from_row

_IN_QUEUE = [state.value for state in IN_QUEUE]


def _hours(row: DropInHoursRow) -> DropInHours:
    return from_row(DropInHours, row, hours_id=row.id, tutor_ids=tuple(row.tutor_ids))


def _visit(row: DropInVisitRow) -> Visit:
    return from_row(Visit, row, visit_id=row.id, state=VisitState(row.state))


def _visit_values(visit: Visit) -> dict[str, object]:
    return {
        "order_at": visit.order_at, "state": visit.state.value, "behind": visit.behind,
        "skips": visit.skips, "tutor_id": visit.tutor_id, "booking_id": visit.booking_id,
        "started_at": visit.started_at, "ended_at": visit.ended_at,
    }  # fmt: skip


class SqlDropInRepository(SqlRepository):
    """Hours are few and small; a queue's visits are read whole (a few hundred at most)."""

    async def open_hours_for(
        self, guild_id: int, subject_key: str, *, for_update: bool = False
    ) -> DropInHours | None:
        row = await self._fresh(
            select(DropInHoursRow).where(
                DropInHoursRow.guild_id == guild_id,
                DropInHoursRow.subject_key == subject_key,
                DropInHoursRow.closed_at.is_(None),
            ),
            for_update=for_update,
        )
        return None if row is None else _hours(row)

    async def open_hours_served_by(self, guild_id: int, tutor_id: int) -> list[DropInHours]:
        return [h for h in await self.open_hours_in(guild_id) if h.served_by(tutor_id)]

    async def open_hours_in(self, guild_id: int) -> list[DropInHours]:
        query = (
            select(DropInHoursRow)
            .where(DropInHoursRow.guild_id == guild_id, DropInHoursRow.closed_at.is_(None))
            .order_by(DropInHoursRow.opened_at, DropInHoursRow.id)
        )
        return await self._all(query, _hours)

    async def hours(self, hours_id: int, *, for_update: bool = False) -> DropInHours | None:
        row = await self._fresh(
            select(DropInHoursRow).where(DropInHoursRow.id == hours_id), for_update=for_update
        )
        return None if row is None else _hours(row)

    async def add_hours(self, hours: DropInHours) -> DropInHours | None:
        columns = columns_of(hours, skip=("hours_id",), tutor_ids=list(hours.tutor_ids))
        hours_id = await self._insert_new_id(DropInHoursRow, (), **columns)
        return None if hours_id is None else replace(hours, hours_id=hours_id)

    async def save_hours(self, hours: DropInHours) -> None:
        await self._session.execute(
            update(DropInHoursRow)
            .where(DropInHoursRow.id == hours.hours_id)
            .values(
                tutor_ids=list(hours.tutor_ids),
                message_id=hours.message_id,
                until=hours.until,
                closed_at=hours.closed_at,
                board_version=hours.board_version,
            )
            .execution_options(synchronize_session=False)
        )

    async def in_queue(self, hours_id: int) -> list[Visit]:
        query = select(DropInVisitRow).where(
            DropInVisitRow.hours_id == hours_id, DropInVisitRow.state.in_(_IN_QUEUE)
        )
        return await self._all(query.execution_options(populate_existing=True), _visit)

    async def visit_of(self, guild_id: int, student_id: int) -> Visit | None:
        return await self._visit_where(
            DropInVisitRow.guild_id == guild_id,
            DropInVisitRow.student_id == student_id,
            DropInVisitRow.state.in_(_IN_QUEUE),
        )

    async def helping(self, hours_id: int, tutor_id: int) -> Visit | None:
        return await self._visit_where(
            DropInVisitRow.hours_id == hours_id,
            DropInVisitRow.tutor_id == tutor_id,
            DropInVisitRow.state == VisitState.HELPING.value,
        )

    async def _visit_where(self, *where: ColumnElement[bool]) -> Visit | None:
        """The one visit matching `where` (the partial unique indexes keep it one), fresh."""
        row = await self._fresh(select(DropInVisitRow).where(*where))
        return None if row is None else _visit(row)

    async def first_waiting(self, hours_id: int) -> Visit | None:
        query = (
            select(DropInVisitRow)
            .where(
                DropInVisitRow.hours_id == hours_id,
                DropInVisitRow.state == VisitState.WAITING.value,
            )
            .order_by(DropInVisitRow.behind, DropInVisitRow.order_at, DropInVisitRow.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        return await self._first(query, _visit)

    async def add_visit(self, visit: Visit) -> Visit | None:
        columns = columns_of(visit, skip=("visit_id",), state=visit.state.value)
        visit_id = await self._insert_new_id(DropInVisitRow, (), **columns)
        return None if visit_id is None else replace(visit, visit_id=visit_id)

    async def record_help(self, booking_id: int, visit_id: int) -> None:
        self._session.add(DropInHelpRow(booking_id=booking_id, visit_id=visit_id))
        await self._session.flush()

    async def save_visit(self, visit: Visit) -> None:
        await self._session.execute(
            update(DropInVisitRow)
            .where(DropInVisitRow.id == visit.visit_id)
            .values(**_visit_values(visit))
            .execution_options(synchronize_session=False)
        )

    async def last_helped_at(self, guild_id: int, student_id: int) -> datetime | None:
        ended: datetime | None = await self._session.scalar(
            select(func.max(DropInVisitRow.ended_at)).where(
                DropInVisitRow.guild_id == guild_id,
                DropInVisitRow.student_id == student_id,
                DropInVisitRow.state == VisitState.DONE.value,
            )
        )
        return ended

    async def recent_help_minutes(self, guild_id: int, subject_key: str, limit: int) -> list[float]:
        query = (
            select(DropInVisitRow.started_at, DropInVisitRow.ended_at)
            .join(DropInHoursRow, DropInHoursRow.id == DropInVisitRow.hours_id)
            .where(
                DropInVisitRow.guild_id == guild_id,
                DropInHoursRow.subject_key == subject_key,
                DropInVisitRow.state == VisitState.DONE.value,
            )
            .order_by(DropInVisitRow.ended_at.desc())
            .limit(limit)
        )
        rows = await self._session.execute(query)
        return [
            (ended - started).total_seconds() / 60
            for started, ended in rows
            if started is not None and ended is not None
        ]
