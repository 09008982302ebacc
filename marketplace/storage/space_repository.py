"""SQL storage of session spaces."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update

from marketplace.domain.spaces import CLAIM_TIMEOUT, SessionSpace, SpaceStatus, TextPlace
from marketplace.storage.models import BookingRow, SessionSpaceRow
from marketplace.storage.sql_repository import SqlRepository, columns_of, from_row

FREE_TO_CLAIM = (SpaceStatus.FAILED.value, SpaceStatus.CLOSED.value)
_SHARED = (SpaceStatus.OPEN.value, SpaceStatus.OPENING.value)  # a group's space, in use


def _space(row: SessionSpaceRow) -> SessionSpace:
    return from_row(
        SessionSpace,
        row,
        status=SpaceStatus(row.status),
        text_place=TextPlace(row.text_place),
    )


class SqlSpaceRepository(SqlRepository):
    """One row per booking; opening is claimed with a compare-and-set."""

    async def claim(self, booking_id: int, guild_id: int, now: datetime) -> bool:
        if await self._insert_new(
            SessionSpaceRow,
            (SessionSpaceRow.booking_id,),
            booking_id=booking_id,
            guild_id=guild_id,
            status=SpaceStatus.OPENING.value,
            claimed_at=now,
            text_place=TextPlace.NONE.value,
            fallback="",
        ):
            return True
        taken = await self._session.scalar(
            update(SessionSpaceRow)
            .where(
                SessionSpaceRow.booking_id == booking_id,
                or_(
                    SessionSpaceRow.status.in_(FREE_TO_CLAIM),
                    (SessionSpaceRow.status == SpaceStatus.OPENING.value)
                    & (SessionSpaceRow.claimed_at <= now - CLAIM_TIMEOUT),
                ),
            )
            .values(status=SpaceStatus.OPENING.value, claimed_at=now)
            .returning(SessionSpaceRow.booking_id)
        )
        return taken is not None

    async def get(self, booking_id: int) -> SessionSpace | None:
        row = await self._session.get(SessionSpaceRow, booking_id, populate_existing=True)
        return _space(row) if row is not None else None

    async def by_voice(self, guild_id: int, voice_id: int) -> SessionSpace | None:
        row = await self._session.scalar(
            select(SessionSpaceRow).where(
                SessionSpaceRow.guild_id == guild_id,
                SessionSpaceRow.voice_id == voice_id,
                SessionSpaceRow.status == SpaceStatus.OPEN.value,
            )
        )
        return _space(row) if row is not None else None

    async def by_channel(self, guild_id: int, channel_id: int) -> SessionSpace | None:
        row = await self._session.scalar(
            select(SessionSpaceRow).where(
                SessionSpaceRow.guild_id == guild_id,
                or_(SessionSpaceRow.text_id == channel_id, SessionSpaceRow.voice_id == channel_id),
                SessionSpaceRow.status == SpaceStatus.OPEN.value,
            )
        )
        return _space(row) if row is not None else None

    async def save(self, space: SessionSpace) -> None:
        await self._session.execute(
            update(SessionSpaceRow)
            .where(SessionSpaceRow.booking_id == space.booking_id)
            .values(
                **columns_of(
                    space,
                    skip=("booking_id", "guild_id"),
                    status=space.status.value,
                    text_place=space.text_place.value,
                )
            )
        )

    async def mark_closed(self, booking_id: int, now: datetime) -> bool:
        closed = await self._session.scalar(
            update(SessionSpaceRow)
            .where(
                SessionSpaceRow.booking_id == booking_id,
                SessionSpaceRow.status == SpaceStatus.OPEN.value,
            )
            .values(status=SpaceStatus.CLOSED.value, closed_at=now)
            .returning(SessionSpaceRow.booking_id)
        )
        return closed is not None

    async def live(self, limit: int) -> list[SessionSpace]:
        """Open spaces, oldest first."""
        rows = await self._session.scalars(
            select(SessionSpaceRow)
            .where(SessionSpaceRow.status == SpaceStatus.OPEN.value)
            .order_by(SessionSpaceRow.claimed_at)
            .limit(limit)
        )
        return [_space(row) for row in rows]

    async def of_group(self, group_id: int, exclude: int) -> SessionSpace | None:
        row = await self._session.scalar(
            select(SessionSpaceRow)
            .join(BookingRow, BookingRow.id == SessionSpaceRow.booking_id)
            .where(
                BookingRow.group_id == group_id,
                SessionSpaceRow.booking_id != exclude,
                SessionSpaceRow.status.in_(_SHARED),
            )
            .order_by(SessionSpaceRow.claimed_at)
            .limit(1)
            .execution_options(populate_existing=True)
        )
        return _space(row) if row is not None else None
