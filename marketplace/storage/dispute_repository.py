"""Platform disputes in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from marketplace.domain.cancellation import Party
from marketplace.domain.disputes import Dispute, DisputeOutcome, DisputeStatus
from marketplace.domain.errors import ConflictError
from marketplace.storage.models import BookingRow, DisputeRow
from marketplace.storage.sql_repository import LoggedSqlRepository, columns_of, from_row, value_of


def _dispute(row: DisputeRow) -> Dispute:
    return from_row(
        Dispute,
        row,
        dispute_id=row.id,
        opener_role=Party(row.opener_role),
        evidence=dict(row.evidence or {}),
        status=DisputeStatus(row.status),
        outcome=None if row.outcome is None else DisputeOutcome(row.outcome),
    )


_IS_OPEN = DisputeRow.status == DisputeStatus.OPEN.value


class SqlDisputeRepository(LoggedSqlRepository):
    """A guild's platform disputes; the unique booking id keeps it to one per booking."""

    async def add(self, dispute: Dispute) -> Dispute:
        """Store a new dispute; ConflictError("dispute_exists") if the booking has one."""
        row = DisputeRow(
            **columns_of(
                dispute,
                skip=("dispute_id",),
                opener_role=dispute.opener_role.value,
                evidence=dict(dispute.evidence),
                status=dispute.status.value,
                outcome=value_of(dispute.outcome),
            )
        )
        try:
            async with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError:
            raise ConflictError("dispute_exists") from None
        added = _dispute(row)
        self._created(
            "dispute", added.dispute_id, added.status.value,
            guild_id=added.guild_id, user_id=added.opened_by, booking_id=added.booking_id,
        )  # fmt: skip
        return added

    async def get(self, guild_id: int, dispute_id: int) -> Dispute | None:
        return await self._first(
            select(DisputeRow).where(DisputeRow.guild_id == guild_id, DisputeRow.id == dispute_id),
            _dispute,
        )

    async def for_booking(self, booking_id: int) -> Dispute | None:
        return await self._first(
            select(DisputeRow).where(DisputeRow.booking_id == booking_id), _dispute
        )

    async def opened_against(
        self, guild_id: int, opener_id: int, other_id: int, since: datetime
    ) -> list[datetime]:
        rows = await self._session.scalars(
            select(DisputeRow.created_at)
            .join(BookingRow, BookingRow.id == DisputeRow.booking_id)
            .where(
                DisputeRow.guild_id == guild_id,
                DisputeRow.opened_by == opener_id,
                DisputeRow.created_at >= since,
                or_(BookingRow.student_id == other_id, BookingRow.tutor_id == other_id),
            )
        )
        return list(rows)

    async def close(self, dispute: Dispute) -> bool:
        """Store a decided dispute only if it is still open (compare-and-set on the status)."""
        decided = {
            "resolved_by": dispute.resolved_by,
            "resolved_at": dispute.resolved_at,
            "outcome": value_of(dispute.outcome),
            "refund_percent": dispute.refund_percent,
            "note": dispute.note,
        }
        move = (DisputeStatus.OPEN.value, dispute.status.value)
        return await self._close(
            "dispute", DisputeRow, dispute.dispute_id, move, decided,
            guild_id=dispute.guild_id, user_id=dispute.resolved_by or None,
            booking_id=dispute.booking_id,
        )  # fmt: skip

    async def open_disputes(self, guild_id: int, limit: int) -> list[Dispute]:
        return await self._queue(DisputeRow, _dispute, guild_id, _IS_OPEN, limit=limit)

    async def count_open(self, guild_id: int) -> int:
        return await self._count(DisputeRow, DisputeRow.guild_id == guild_id, _IS_OPEN)
