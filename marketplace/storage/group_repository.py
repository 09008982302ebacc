"""SQL storage of group sessions, their seats' count and their waitlists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.domain.booking import Booking
from marketplace.domain.errors import ConflictError
from marketplace.domain.groups import (
    WAITING_STATES,
    GroupSession,
    GroupState,
    SeatCount,
    WaitlistPlace,
    WaitState,
)
from marketplace.domain.money import Money
from marketplace.ports.groups import ListedGroup
from marketplace.storage.booking_repository import to_booking
from marketplace.storage.models import BookingRow, GroupSessionRow, GroupWaitlistRow
from marketplace.storage.sql_repository import SqlRepository, from_row

OVERLAP_GUARDS = ("ex_group_tutor_no_overlap", "ex_booking_tutor_no_overlap")
_WAITING = [state.value for state in WAITING_STATES]


def _group(row: GroupSessionRow) -> GroupSession:
    price = Money(row.price_minor, row.currency) if row.price_minor and row.currency else None
    return from_row(
        GroupSession, row, group_id=row.id, start=row.start_at, end=row.end_at, price=price,
        state=GroupState(row.state),
    )  # fmt: skip


def _place(row: GroupWaitlistRow) -> WaitlistPlace:
    return from_row(WaitlistPlace, row, entry_id=row.id, state=WaitState(row.state))


def _running_offer(now: datetime) -> ColumnElement[bool]:
    return and_(
        GroupWaitlistRow.state == WaitState.OFFERED.value, GroupWaitlistRow.offered_until > now
    )


class SqlGroupRepository(SqlRepository):
    """A group is one row holding the tutor's time; seats are bookings with its id."""

    async def add(self, group: GroupSession, buffer: timedelta) -> GroupSession:
        row = GroupSessionRow(
            guild_id=group.guild_id, tutor_id=group.tutor_id, subject_key=group.subject_key,
            level=group.level, title=group.title, start_at=group.start, end_at=group.end,
            block_start=group.start, block_end=group.end + buffer, live=True,
            seats=group.seats, min_seats=group.min_seats,
            price_minor=group.price.minor if group.price else None,
            currency=group.price.currency if group.price else None,
            state=group.state.value, created_at=group.created_at,
        )  # fmt: skip
        try:
            await self._insert(row)
        except IntegrityError as error:
            if any(guard in str(error.orig) for guard in OVERLAP_GUARDS):
                raise ConflictError("slot_taken") from error
            raise
        return replace(group, group_id=row.id)

    async def get(self, group_id: int, *, for_update: bool = False) -> GroupSession | None:
        row = await self._fresh(
            select(GroupSessionRow).where(GroupSessionRow.id == group_id), for_update=for_update
        )
        return None if row is None else _group(row)

    async def save(self, group: GroupSession) -> None:
        await self._session.execute(
            update(GroupSessionRow)
            .where(GroupSessionRow.id == group.group_id)
            .values(state=group.state.value, live=group.open, cancelled_at=group.cancelled_at)
            .execution_options(synchronize_session=False)
        )

    async def seat_count(self, group: GroupSession, now: datetime) -> SeatCount:
        return (await self._seat_counts([group], now))[group.group_id]

    async def _seat_counts(
        self, groups: Sequence[GroupSession], now: datetime
    ) -> dict[int, SeatCount]:
        """Each group's seats: taken by live seat bookings, held by offers running at `now`."""
        ids = [group.group_id for group in groups]
        taken = await self._counts(
            select(BookingRow.group_id, func.count())
            .where(BookingRow.group_id.in_(ids), BookingRow.live.is_(True))
            .group_by(BookingRow.group_id)
        )
        offered = await self._counts(
            select(GroupWaitlistRow.group_id, func.count())
            .where(GroupWaitlistRow.group_id.in_(ids), _running_offer(now))
            .group_by(GroupWaitlistRow.group_id)
        )
        return {
            group.group_id: SeatCount(
                group.seats, taken.get(group.group_id, 0), offered.get(group.group_id, 0)
            )
            for group in groups
        }

    async def seats(self, group_id: int) -> list[Booking]:
        query = (
            select(BookingRow)
            .where(BookingRow.group_id == group_id, BookingRow.live.is_(True))
            .order_by(BookingRow.created_at, BookingRow.id)
        )
        return await self._all(query, to_booking)

    async def seat_of(self, group_id: int, user_id: int) -> Booking | None:
        query = select(BookingRow).where(
            BookingRow.group_id == group_id,
            BookingRow.student_id == user_id,
            BookingRow.live.is_(True),
        )
        return await self._first(query, to_booking)

    async def listed(
        self, guild_id: int, now: datetime, subject_key: str | None, limit: int
    ) -> list[ListedGroup]:
        query = select(GroupSessionRow).where(
            GroupSessionRow.guild_id == guild_id,
            GroupSessionRow.state == GroupState.OPEN.value,
            GroupSessionRow.start_at > now,
        )
        if subject_key is not None:
            query = query.where(GroupSessionRow.subject_key == subject_key)
        groups = await self._all(query.order_by(GroupSessionRow.start_at).limit(limit), _group)
        seats = await self._seat_counts(groups, now)
        waiting = await self.waiting_counts([group.group_id for group in groups])
        return [
            ListedGroup(group, seats[group.group_id], waiting.get(group.group_id, 0))
            for group in groups
        ]

    async def _counts(self, query: object) -> dict[int, int]:
        rows = await self._session.execute(query)  # type: ignore[call-overload]
        return {key: int(count) for key, count in rows}

    async def of_member(self, guild_id: int, user_id: int, now: datetime) -> list[GroupSession]:
        seated = select(BookingRow.group_id).where(
            BookingRow.student_id == user_id, BookingRow.live.is_(True)
        )
        waiting = select(GroupWaitlistRow.group_id).where(
            GroupWaitlistRow.user_id == user_id, GroupWaitlistRow.state.in_(_WAITING)
        )
        query = (
            select(GroupSessionRow)
            .where(
                GroupSessionRow.guild_id == guild_id,
                GroupSessionRow.state == GroupState.OPEN.value,
                GroupSessionRow.end_at > now,
                or_(
                    GroupSessionRow.tutor_id == user_id,
                    GroupSessionRow.id.in_(seated),
                    GroupSessionRow.id.in_(waiting),
                ),
            )
            .order_by(GroupSessionRow.start_at)
            .limit(25)
        )
        return await self._all(query, _group)

    async def due_offers(self, group_id: int, now: datetime) -> list[WaitlistPlace]:
        query = select(GroupWaitlistRow).where(
            GroupWaitlistRow.group_id == group_id,
            GroupWaitlistRow.state == WaitState.OFFERED.value,
            GroupWaitlistRow.offered_until <= now,
        )
        return await self._all(query, _place)

    async def place_of(self, group_id: int, user_id: int) -> WaitlistPlace | None:
        query = select(GroupWaitlistRow).where(
            GroupWaitlistRow.group_id == group_id, GroupWaitlistRow.user_id == user_id
        )
        row = await self._fresh(query)
        return None if row is None else _place(row)

    async def put_place(self, place: WaitlistPlace) -> WaitlistPlace:
        values = {
            "joined_at": place.joined_at,
            "state": place.state.value,
            "offered_until": place.offered_until,
        }
        await self._put(
            GroupWaitlistRow, {"group_id": place.group_id, "user_id": place.user_id}, values
        )
        stored = await self.place_of(place.group_id, place.user_id)
        assert stored is not None  # noqa: S101 - it was just written in this transaction
        return stored

    async def first_waiting(self, group_id: int) -> WaitlistPlace | None:
        query = (
            select(GroupWaitlistRow)
            .where(
                GroupWaitlistRow.group_id == group_id,
                GroupWaitlistRow.state == WaitState.WAITING.value,
            )
            .order_by(GroupWaitlistRow.joined_at, GroupWaitlistRow.id)
            .limit(1)
        )
        return await self._first(query, _place)

    async def line_position(self, place: WaitlistPlace) -> int:
        ahead = await self._count(
            GroupWaitlistRow,
            GroupWaitlistRow.group_id == place.group_id,
            GroupWaitlistRow.state == WaitState.WAITING.value,
            or_(
                GroupWaitlistRow.joined_at < place.joined_at,
                and_(
                    GroupWaitlistRow.joined_at == place.joined_at,
                    GroupWaitlistRow.id < place.entry_id,
                ),
            ),
        )
        return ahead + 1

    async def waiting_counts(self, group_ids: Sequence[int]) -> dict[int, int]:
        if not group_ids:
            return {}
        return await self._counts(
            select(GroupWaitlistRow.group_id, func.count())
            .where(
                GroupWaitlistRow.group_id.in_(list(group_ids)),
                GroupWaitlistRow.state.in_(_WAITING),
            )
            .group_by(GroupWaitlistRow.group_id)
        )
