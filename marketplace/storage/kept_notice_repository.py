"""SQL storage of the notices no DM or channel could carry."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from marketplace.ports.kept_notices import KeptNotice
from marketplace.storage.models import KeptNoticeRow
from marketplace.storage.sql_repository import SqlRepository


def _notice(row: KeptNoticeRow) -> KeptNotice:
    return KeptNotice(
        nonce=row.nonce, guild_id=row.guild_id, user_id=row.user_id, kind=row.kind,
        booking_id=row.booking_id, counterpart_id=row.counterpart_id,
        details=dict(row.details or {}), kept_at=row.kept_at,
    )  # fmt: skip


class SqlKeptNotices(SqlRepository):
    """One row per kept notice, keyed by its nonce; taking it is a delete."""

    async def keep(self, notice: KeptNotice) -> None:
        if await self._session.get(KeptNoticeRow, notice.nonce) is not None:
            return
        try:
            async with self._session.begin_nested():
                self._session.add(
                    KeptNoticeRow(
                        nonce=notice.nonce, guild_id=notice.guild_id, user_id=notice.user_id,
                        kind=notice.kind, booking_id=notice.booking_id,
                        counterpart_id=notice.counterpart_id, details=dict(notice.details),
                        kept_at=notice.kept_at,
                    )
                )  # fmt: skip
        except IntegrityError:
            return  # another process kept it first

    async def for_user(self, user_id: int) -> list[KeptNotice]:
        query = (
            select(KeptNoticeRow)
            .where(KeptNoticeRow.user_id == user_id)
            .order_by(KeptNoticeRow.kept_at, KeptNoticeRow.nonce)
        )
        return [_notice(row) for row in await self._session.scalars(query)]

    async def take(self, nonce: str) -> bool:
        return bool(await self._affected(delete(KeptNoticeRow).where(KeptNoticeRow.nonce == nonce)))

    async def in_guild(self, guild_id: int, limit: int) -> list[KeptNotice]:
        query = (
            select(KeptNoticeRow)
            .where(KeptNoticeRow.guild_id == guild_id)
            .order_by(KeptNoticeRow.kept_at, KeptNoticeRow.nonce)
            .limit(limit)
        )
        return [_notice(row) for row in await self._session.scalars(query)]
