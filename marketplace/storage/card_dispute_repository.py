"""Card disputes and failed refunds in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from marketplace.domain.card_disputes import OPEN_STATUSES, CardDispute
from marketplace.domain.refund_failures import RefundFailure, RefundFailureState
from marketplace.storage.models import CardDisputeRow, RefundFailureRow
from marketplace.storage.sql_repository import SqlRepository, columns_of, from_row


def _dispute(row: CardDisputeRow) -> CardDispute:
    return from_row(CardDispute, row)


class SqlCardDisputes(SqlRepository):
    """Card disputes, keyed by Stripe's dispute id."""

    async def get(self, dispute_id: str, *, for_update: bool = False) -> CardDispute | None:
        query = select(CardDisputeRow).where(CardDisputeRow.dispute_id == dispute_id)
        row = await self._fresh(query, for_update=for_update)
        return None if row is None else _dispute(row)

    async def save(self, dispute: CardDispute, now: datetime) -> bool:
        """Insert or update what Stripe reports; True when it is new."""
        reported: dict[str, Any] = {
            "status": dispute.status,
            "amount": dispute.amount,
            "due_by": dispute.due_by,
            "withdrawn": dispute.withdrawn,
            "fee": dispute.fee,
            "submissions": dispute.submissions,
            "updated_at": now,
        }
        new = columns_of(dispute, evidence={}, **reported)
        inserted = await self._insert_new(CardDisputeRow, (CardDisputeRow.dispute_id,), **new)
        if not inserted:
            await self._session.execute(
                update(CardDisputeRow)
                .where(CardDisputeRow.dispute_id == dispute.dispute_id)
                .values(**reported)
            )
        return inserted

    async def of_booking(self, booking_id: int) -> list[CardDispute]:
        return await self._all(
            select(CardDisputeRow)
            .where(CardDisputeRow.booking_id == booking_id)
            .order_by(CardDisputeRow.created_at, CardDisputeRow.dispute_id),
            _dispute,
        )

    async def open_in_guild(self, guild_id: int, limit: int) -> list[CardDispute]:
        """The guild's undecided disputes, soonest due first."""
        return await self._all(
            select(CardDisputeRow)
            .where(
                CardDisputeRow.guild_id == guild_id,
                CardDisputeRow.status.in_(sorted(OPEN_STATUSES)),
            )
            .order_by(CardDisputeRow.due_by, CardDisputeRow.created_at)
            .limit(limit),
            _dispute,
        )

    async def _column(self, dispute_id: str, column: Any) -> Any:
        return await self._session.scalar(
            select(column).where(CardDisputeRow.dispute_id == dispute_id)
        )

    async def _set(self, dispute_id: str, **values: Any) -> None:
        await self._session.execute(
            update(CardDisputeRow).where(CardDisputeRow.dispute_id == dispute_id).values(**values)
        )

    async def evidence(self, dispute_id: str) -> dict[str, Any]:
        """The evidence draft ({} when none)."""
        return dict(await self._column(dispute_id, CardDisputeRow.evidence) or {})

    async def set_evidence(self, dispute_id: str, evidence: dict[str, Any]) -> None:
        await self._set(dispute_id, evidence=evidence)

    async def set_submitted_by(self, dispute_id: str, user_id: int) -> None:
        await self._set(dispute_id, submitted_by=user_id)

    async def set_reversal(self, dispute_id: str, reversal_id: str) -> None:
        await self._set(dispute_id, reversal_id=reversal_id)

    async def reversal_of(self, dispute_id: str) -> str | None:
        found = await self._column(dispute_id, CardDisputeRow.reversal_id)
        return None if found is None else str(found)


def _failure(row: RefundFailureRow) -> RefundFailure:
    return from_row(RefundFailure, row, state=RefundFailureState(row.state))


_REFUND_OPEN = RefundFailureRow.state == RefundFailureState.OPEN.value


class SqlRefundFailures(SqlRepository):
    """Failed refunds, keyed by Stripe's refund id."""

    async def add(self, failure: RefundFailure) -> bool:
        new = columns_of(failure, state=failure.state.value)
        return await self._insert_new(RefundFailureRow, (RefundFailureRow.refund_id,), **new)

    async def get(self, refund_id: str, *, for_update: bool = False) -> RefundFailure | None:
        query = select(RefundFailureRow).where(RefundFailureRow.refund_id == refund_id)
        row = await self._fresh(query, for_update=for_update)
        return None if row is None else _failure(row)

    async def save(self, failure: RefundFailure) -> None:
        await self._session.execute(
            update(RefundFailureRow)
            .where(RefundFailureRow.refund_id == failure.refund_id)
            .values(
                state=failure.state.value,
                decided_by=failure.decided_by,
                decided_at=failure.decided_at,
            )
        )

    async def open_in_guild(self, guild_id: int, limit: int) -> list[RefundFailure]:
        return await self._queue(RefundFailureRow, _failure, guild_id, _REFUND_OPEN, limit=limit)

    async def open_for_booking(self, booking_id: int) -> list[RefundFailure]:
        return await self._all(
            select(RefundFailureRow).where(
                RefundFailureRow.booking_id == booking_id,
                _REFUND_OPEN,
            ),
            _failure,
        )
