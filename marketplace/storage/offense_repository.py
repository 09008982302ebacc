"""What counts against members, per member, from cases, flags and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from marketplace.domain.cases import CaseAction, CaseStatus
from marketplace.domain.offenses import OffenseCounts, combine
from marketplace.domain.session_log import FlagState
from marketplace.storage.models import AuditLogRow, CaseRow, MessageFlagRow
from marketplace.storage.sql_repository import SqlRepository

RESTRICTED_ACTION = "restriction.add"
UPHELD = (FlagState.WARNED.value, FlagState.RESTRICTED.value)


class SqlOffenses(SqlRepository):
    """Counts over a window, for one member or for everyone over a threshold."""

    async def _cases(self, guild_id: int, since: datetime) -> dict[int, int]:
        rows = await self._session.execute(
            select(CaseRow.target_id, func.count())
            .where(
                CaseRow.guild_id == guild_id,
                CaseRow.status == CaseStatus.RESOLVED.value,
                CaseRow.action != CaseAction.NO_ACTION.value,
                CaseRow.resolved_at >= since,
            )
            .group_by(CaseRow.target_id)
        )
        return {int(user): int(n) for user, n in rows.all()}

    async def _flags(self, guild_id: int, since: datetime) -> dict[int, int]:
        rows = await self._session.execute(
            select(MessageFlagRow.author_id, func.count())
            .where(
                MessageFlagRow.guild_id == guild_id,
                MessageFlagRow.status.in_(UPHELD),
                MessageFlagRow.created_at >= since,
            )
            .group_by(MessageFlagRow.author_id)
        )
        return {int(user): int(n) for user, n in rows.all()}

    async def _restrictions(self, guild_id: int, since: datetime) -> dict[int, int]:
        details = await self._session.scalars(
            select(AuditLogRow.detail).where(
                AuditLogRow.guild_id == guild_id,
                AuditLogRow.action == RESTRICTED_ACTION,
                AuditLogRow.at >= since,
            )
        )
        counts: dict[int, int] = {}
        for detail in details:
            if isinstance(target := detail.get("target"), int):
                counts[target] = counts.get(target, 0) + 1
        return counts

    async def all_since(self, guild_id: int, since: datetime) -> list[OffenseCounts]:
        return combine(
            await self._cases(guild_id, since),
            await self._flags(guild_id, since),
            await self._restrictions(guild_id, since),
        )

    async def of_member(self, guild_id: int, user_id: int, since: datetime) -> OffenseCounts:
        found = [c for c in await self.all_since(guild_id, since) if c.user_id == user_id]
        return found[0] if found else OffenseCounts(user_id)
