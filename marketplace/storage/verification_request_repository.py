"""Requests for `moderator-verified` in SQL (note, files and reason sealed)."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.domain.evidence_files import EvidenceFile
from marketplace.domain.verification_requests import RequestState, VerificationRequest
from marketplace.storage.models import VerificationRequestRow
from marketplace.storage.sql_repository import LoggedSqlRepository, columns_of, from_row


def _request(row: VerificationRequestRow) -> VerificationRequest:
    return from_row(
        VerificationRequest,
        row,
        request_id=row.id,
        files=tuple(EvidenceFile.from_json(f) for f in row.files or []),
        state=RequestState(row.status),
    )


class SqlVerificationRequests(LoggedSqlRepository):
    """A guild's verification requests."""

    async def add(self, request: VerificationRequest) -> VerificationRequest:
        row = VerificationRequestRow(
            **columns_of(
                request,
                skip=("request_id", "state"),
                files=[f.to_json() for f in request.files],
                status=request.state.value,
            )
        )
        added = _request(await self._insert(row))
        self._created(
            "verification_request", added.request_id, added.state.value,
            guild_id=added.guild_id, user_id=added.user_id,
        )  # fmt: skip
        return added

    async def get(self, guild_id: int, request_id: int) -> VerificationRequest | None:
        row = await self._session.get(VerificationRequestRow, request_id, populate_existing=True)
        return _request(row) if row is not None and row.guild_id == guild_id else None

    async def pending_of(self, guild_id: int, user_id: int) -> VerificationRequest | None:
        return await self._first(
            select(VerificationRequestRow).where(
                VerificationRequestRow.guild_id == guild_id,
                VerificationRequestRow.user_id == user_id,
                VerificationRequestRow.status == RequestState.PENDING.value,
            ),
            _request,
        )

    async def pending(self, guild_id: int, limit: int) -> list[VerificationRequest]:
        is_pending = VerificationRequestRow.status == RequestState.PENDING.value
        return await self._queue(
            VerificationRequestRow, _request, guild_id, is_pending, limit=limit
        )

    async def close(self, request: VerificationRequest) -> bool:
        decided = {
            "decided_by": request.decided_by,
            "decided_at": request.decided_at,
            "reason": request.reason,
        }
        move = (RequestState.PENDING.value, request.state.value)
        return await self._close(
            "verification_request", VerificationRequestRow, request.request_id, move, decided,
            guild_id=request.guild_id, user_id=request.user_id,
        )  # fmt: skip
