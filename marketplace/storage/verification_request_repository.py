"""Requests for `moderator-verified` in SQL (note, files and reason sealed)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.domain.evidence_files import EvidenceFile
from marketplace.domain.verification_requests import RequestState, VerificationRequest
from marketplace.logs import Transitions
from marketplace.storage.models import VerificationRequestRow


def _request(row: VerificationRequestRow) -> VerificationRequest:
    return VerificationRequest(
        request_id=row.id,
        guild_id=row.guild_id,
        user_id=row.user_id,
        note=row.note,
        files=tuple(EvidenceFile.from_json(f) for f in row.files or []),
        created_at=row.created_at,
        state=RequestState(row.status),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        reason=row.reason,
    )


class SqlVerificationRequests:
    """A guild's verification requests."""

    def __init__(self, session: AsyncSession, transitions: Transitions | None = None) -> None:
        self._session = session
        self._transitions = transitions or Transitions()

    async def add(self, request: VerificationRequest) -> VerificationRequest:
        row = VerificationRequestRow(
            guild_id=request.guild_id,
            user_id=request.user_id,
            note=request.note,
            files=[f.to_json() for f in request.files],
            status=request.state.value,
            created_at=request.created_at,
            reason="",
        )
        self._session.add(row)
        await self._session.flush()
        added = _request(row)
        self._transitions.changed(
            "verification_request",
            added.request_id,
            None,
            added.state.value,
            guild_id=added.guild_id,
            user_id=added.user_id,
        )
        return added

    async def get(self, guild_id: int, request_id: int) -> VerificationRequest | None:
        row = await self._session.get(VerificationRequestRow, request_id, populate_existing=True)
        return _request(row) if row is not None and row.guild_id == guild_id else None

    async def pending_of(self, guild_id: int, user_id: int) -> VerificationRequest | None:
        row = await self._session.scalar(
            select(VerificationRequestRow).where(
                VerificationRequestRow.guild_id == guild_id,
                VerificationRequestRow.user_id == user_id,
                VerificationRequestRow.status == RequestState.PENDING.value,
            )
        )
        return _request(row) if row is not None else None

    async def pending(self, guild_id: int, limit: int) -> list[VerificationRequest]:
        rows = await self._session.scalars(
            select(VerificationRequestRow)
            .where(
                VerificationRequestRow.guild_id == guild_id,
                VerificationRequestRow.status == RequestState.PENDING.value,
            )
            .order_by(VerificationRequestRow.created_at, VerificationRequestRow.id)
            .limit(limit)
        )
        return [_request(row) for row in rows]

    async def close(self, request: VerificationRequest) -> bool:
        closed = await self._session.scalar(
            update(VerificationRequestRow)
            .where(
                VerificationRequestRow.id == request.request_id,
                VerificationRequestRow.status == RequestState.PENDING.value,
            )
            .values(
                status=request.state.value,
                decided_by=request.decided_by,
                decided_at=request.decided_at,
                reason=request.reason,
            )
            .returning(VerificationRequestRow.id)
        )
        if closed is None:
            return False
        self._transitions.changed(
            "verification_request",
            request.request_id,
            RequestState.PENDING.value,
            request.state.value,
            guild_id=request.guild_id,
            user_id=request.user_id,
        )
        return True
