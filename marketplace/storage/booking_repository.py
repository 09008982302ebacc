"""Booking rows ↔ domain bookings, with the no-overlap guarantee."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Select,
    Table,
    and_,
    bindparam,
    exists,
    insert,
    literal_column,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from marketplace.domain.availability import Busy
from marketplace.domain.booking import LIVE_STATES, Booking, BookingState
from marketplace.domain.cancellation import Party
from marketplace.domain.caps import CapSide
from marketplace.domain.errors import ConflictError
from marketplace.domain.money import Money
from marketplace.domain.settlement import Outcome
from marketplace.domain.spaces import SpaceStatus
from marketplace.domain.stats import Window
from marketplace.ports.bookings import BookingLinks, Surroundings, TutorGate
from marketplace.storage.models import (
    BookingRow,
    CheckoutTokenRow,
    GroupSessionRow,
    PaymentRow,
    RestrictionRow,
    SessionSpaceRow,
    TutorProfileRow,
    UserBlockRow,
)
from marketplace.storage.sql_repository import LoggedSqlRepository, value_of

OVERLAP_CONSTRAINT = "ex_booking_tutor_no_overlap"
DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE


def _columns(booking: Booking, buffer: timedelta) -> dict[str, Any]:
    # A seat takes none of the tutor's time beyond its group's: its block is empty.
    block_end = booking.start if booking.group_id is not None else booking.end + buffer
    return {
        "guild_id": booking.guild_id,
        "student_id": booking.student_id,
        "tutor_id": booking.tutor_id,
        "subject_key": booking.subject_key,
        "start_at": booking.start,
        "end_at": booking.end,
        "block_start": booking.start,
        "block_end": block_end,
        "live": booking.state in LIVE_STATES,
        "state": booking.state.value,
        "created_at": booking.created_at,
        "expires_at": booking.expires_at,
        "note": booking.note,
        "price_minor": booking.price.minor if booking.price else None,
        "currency": booking.price.currency if booking.price else None,
        "cancelled_by": value_of(booking.cancelled_by),
        "cancelled_at": booking.cancelled_at,
        "cancelled_late": booking.cancelled_late,
        "cancelled_after_start": booking.cancelled_after_start,
        "proposed_start": booking.proposed_start,
        "proposed_end": booking.proposed_end,
        "proposed_by": value_of(booking.proposed_by),
        "sequence": booking.sequence,
        "instant": booking.instant,
        "outcome": value_of(booking.outcome),
        "group_id": booking.group_id,
    }


def to_booking(row: BookingRow) -> Booking:
    """The domain booking a row stores."""
    price = (
        Money(row.price_minor, row.currency)
        if row.price_minor is not None and row.currency
        else None
    )
    return Booking(
        booking_id=row.id,
        guild_id=row.guild_id,
        student_id=row.student_id,
        tutor_id=row.tutor_id,
        subject_key=row.subject_key,
        start=row.start_at,
        end=row.end_at,
        state=BookingState(row.state),
        created_at=row.created_at,
        expires_at=row.expires_at,
        note=row.note,
        price=price,
        cancelled_by=Party(row.cancelled_by) if row.cancelled_by else None,
        cancelled_at=row.cancelled_at,
        cancelled_late=row.cancelled_late,
        cancelled_after_start=row.cancelled_after_start,
        proposed_start=row.proposed_start,
        proposed_end=row.proposed_end,
        proposed_by=Party(row.proposed_by) if row.proposed_by else None,
        sequence=row.sequence,
        instant=row.instant,
        outcome=Outcome(row.outcome) if row.outcome else None,
        group_id=row.group_id,
    )


# The booking path's statements, built once with named parameters: building a statement
# and its cache key costs more than SQLite takes to run it.
_BOOKING = cast(Table, BookingRow.__table__)
_INSERT = insert(_BOOKING).returning(_BOOKING.c.id)
_GROUP = cast(Table, GroupSessionRow.__table__)


def holds_tutor_time(table: Table, start: Any, end: Any) -> ColumnElement[bool]:
    """A live row of `table` (a booking, or a group session) whose block meets [start, end).

    The block is the tutor's time the row takes, the buffer after it included; a group's
    seat has an empty one, as its group holds the time.
    """
    c = table.c
    return and_(c.live.is_(True), c.block_start < end, c.block_end > start)


def _surroundings() -> CompoundSelect[Any]:
    b = _BOOKING.c  # the table's columns: a Core statement, no ORM layer on execution

    def tutor_side(table: Table) -> Select[Any]:
        return select(literal_column("0").label("side"), table.c.start_at, table.c.end_at).where(
            table.c.guild_id == bindparam("guild_id"),
            table.c.tutor_id == bindparam("tutor_id"),
            holds_tutor_time(table, bindparam("window_start"), bindparam("window_end")),
        )

    student_side = select(literal_column("1"), b.start_at, b.end_at).where(
        b.guild_id == bindparam("guild_id"),
        b.student_id == bindparam("student_id"),
        b.live.is_(True),
        b.start_at < bindparam("end"),
        b.end_at > bindparam("start"),
        b.id != bindparam("exclude"),
    )
    bookings = tutor_side(_BOOKING).where(b.id != bindparam("exclude"))
    groups = tutor_side(_GROUP)  # a live group session holds the tutor's time too
    return union_all(bookings, groups, student_side)


def _tutor_gate() -> Select[Any]:
    block = cast(Table, UserBlockRow.__table__).c
    restriction = cast(Table, RestrictionRow.__table__).c
    profile = cast(Table, TutorProfileRow.__table__).c
    student: BindParameter[int] = bindparam("student_id")
    tutor: BindParameter[int] = bindparam("tutor_id")
    blocked = exists().where(
        block.guild_id == bindparam("guild_id"),
        or_(
            and_(block.blocker_id == student, block.blocked_id == tutor),
            and_(block.blocker_id == tutor, block.blocked_id == student),
        ),
    )
    restricted = exists().where(
        restriction.guild_id == bindparam("guild_id"),
        or_(restriction.user_id == student, restriction.user_id == tutor),
        or_(restriction.until.is_(None), restriction.until > bindparam("now")),
    )
    next_slot = (
        select(profile.next_slot_at)
        .where(profile.guild_id == bindparam("guild_id"), profile.user_id == tutor)
        .scalar_subquery()
    )
    return select(blocked, restricted, next_slot)


# What counts against a weekly cap (see `BookingRepository.booked_minutes`).
_HELD = frozenset({BookingState.CONFIRMED, BookingState.COMPLETED, BookingState.NO_SHOW})
_CAPPED = {CapSide.STUDENT: LIVE_STATES | _HELD, CapSide.TUTOR: _HELD}
_SURROUNDINGS = _surroundings()
_TUTOR_GATE = _tutor_gate()


def _of_user(
    query: Select[Any], guild_id: int, user_id: int, *, upcoming: bool, now: datetime
) -> Select[Any]:
    """`query` narrowed and ordered as `for_user` says; `links_for` shares it."""
    mine = or_(BookingRow.student_id == user_id, BookingRow.tutor_id == user_id)
    query = query.where(BookingRow.guild_id == guild_id, mine)
    if upcoming:
        return query.where(BookingRow.end_at > now, BookingRow.live.is_(True)).order_by(
            BookingRow.start_at
        )
    return query.where(or_(BookingRow.end_at <= now, BookingRow.live.is_(False))).order_by(
        BookingRow.start_at.desc()
    )


class SqlBookingRepository(LoggedSqlRepository):
    """Bookings in SQL. PostgreSQL's exclusion constraint is the last line against overlap."""

    def _saw(self, booking: Booking, *, new: bool = False) -> None:
        self._transitions.saved(
            "booking",
            booking.booking_id,
            booking.state.value,
            new=new,
            guild_id=booking.guild_id,
            user_id=booking.student_id,
            booking_id=booking.booking_id,
        )

    async def _write(self, statement: Any, params: dict[str, Any] | None = None) -> Any:
        """Run an INSERT or UPDATE of a booking; an overlap is ConflictError("slot_taken").

        On PostgreSQL two transactions inserting overlapping bookings each wait for the
        other's row before the exclusion constraint can decide, and the server aborts one
        of them as a deadlock: that one lost the race for the slot too.
        """
        try:
            return await self._session.execute(statement, params)
        except IntegrityError as error:
            if OVERLAP_CONSTRAINT in str(error.orig):
                raise ConflictError("slot_taken") from error
            raise
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) == DEADLOCK_DETECTED:
                raise ConflictError("slot_taken") from error
            raise

    async def add(self, booking: Booking, buffer: timedelta) -> Booking:
        """A plain INSERT ... RETURNING id, built once: the row is not loaded into the session."""
        now = booking.created_at
        params = _columns(booking, buffer) | {"updated_at": now, "version": 0}
        result = await self._write(_INSERT, params)
        added = replace(booking, booking_id=result.scalar_one())
        self._saw(added, new=True)
        return added

    async def get(self, booking_id: int, *, for_update: bool = False) -> Booking | None:
        row = await self._fresh(
            select(BookingRow).where(BookingRow.id == booking_id), for_update=for_update
        )
        if row is None:
            return None
        self._transitions.loaded("booking", row.id, row.state)
        return to_booking(row)

    async def save(self, booking: Booking, buffer: timedelta, now: datetime) -> None:
        await self._write(
            update(BookingRow)
            .where(BookingRow.id == booking.booking_id)
            .values(
                **_columns(booking, buffer),
                updated_at=now,
                version=BookingRow.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        self._saw(booking)

    async def tutor_busy(
        self, guild_id: int, tutor_id: int, start: datetime, end: datetime, exclude: int | None
    ) -> list[Busy]:
        found = await self.busy_of(guild_id, [tutor_id], start, end, exclude)
        return found.get(tutor_id, [])

    async def busy_of(
        self,
        guild_id: int,
        tutor_ids: Sequence[int],
        start: datetime,
        end: datetime,
        exclude: int | None = None,
    ) -> dict[int, list[Busy]]:
        bookings, groups = (
            select(t.c.tutor_id, t.c.start_at, t.c.end_at).where(
                t.c.guild_id == guild_id,
                t.c.tutor_id.in_(tutor_ids),
                holds_tutor_time(t, start, end),
            )
            for t in (_BOOKING, _GROUP)  # a live group session holds the tutor's time too
        )
        if exclude is not None:
            bookings = bookings.where(_BOOKING.c.id != exclude)
        found: dict[int, list[Busy]] = {}
        for tutor, s, e in await self._session.execute(union_all(bookings, groups)):
            found.setdefault(tutor, []).append(Busy(s, e))
        return found

    async def surroundings(
        self,
        booking: Booking,
        *,
        tutor_window: tuple[datetime, datetime],
        start: datetime,
        end: datetime,
        exclude: int | None,
    ) -> Surroundings:
        """The tutor's bookings near the slot and the student's clash, in one statement.

        `tutor_busy`: live bookings of the tutor touching `tutor_window` (as `busy_of`);
        `student_busy`: a live session of the student overlapping [start, end) (as
        `student_clash`).
        """
        params = {
            "guild_id": booking.guild_id,
            "tutor_id": booking.tutor_id,
            "student_id": booking.student_id,
            "window_start": tutor_window[0],
            "window_end": tutor_window[1],
            "start": start,
            "end": end,
            "exclude": exclude or 0,
        }
        rows = (await self._session.execute(_SURROUNDINGS, params)).all()
        return Surroundings(
            tutor_busy=[Busy(row.start_at, row.end_at) for row in rows if row.side == 0],
            student_busy=any(row.side == 1 for row in rows),
        )

    async def tutor_gate(
        self, guild_id: int, student_id: int, tutor_id: int, now: datetime
    ) -> TutorGate:
        """Blocks, restrictions and the tutor's next slot, in one statement.

        Whether either blocked the other, whether a moderator restriction holds either,
        and the tutor's cached next open slot.
        """
        params = {"guild_id": guild_id, "student_id": student_id, "tutor_id": tutor_id, "now": now}
        row = (await self._session.execute(_TUTOR_GATE, params)).one()
        return TutorGate(blocked=bool(row[0]), restricted=bool(row[1]), next_slot_at=row[2])

    async def for_user(
        self, guild_id: int, user_id: int, *, upcoming: bool, now: datetime, limit: int
    ) -> list[Booking]:
        query = _of_user(select(BookingRow), guild_id, user_id, upcoming=upcoming, now=now)
        rows = await self._session.scalars(query.limit(limit))
        return [to_booking(row) for row in rows]

    async def links_for(
        self, guild_id: int, user_id: int, *, upcoming: bool, now: datetime, limit: int
    ) -> list[BookingLinks]:
        """Correlated subqueries for the space, the payment and the token, in one SELECT."""
        b = BookingRow
        space = (
            select(SessionSpaceRow.text_id)
            .where(
                SessionSpaceRow.booking_id == b.id,
                SessionSpaceRow.status == SpaceStatus.OPEN.value,
            )
            .scalar_subquery()
        )
        paid = exists().where(PaymentRow.booking_id == b.id)
        token = (
            select(CheckoutTokenRow.token)
            .where(CheckoutTokenRow.booking_id == b.id, CheckoutTokenRow.expires_at > now)
            .order_by(CheckoutTokenRow.expires_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        query = select(b, space, paid, token)
        query = _of_user(query, guild_id, user_id, upcoming=upcoming, now=now).limit(limit)
        rows = (await self._session.execute(query)).all()
        return [
            BookingLinks(to_booking(row), text_id, bool(has_payment), pay_token)
            for row, text_id, has_payment, pay_token in rows
        ]

    async def student_clash(
        self, guild_id: int, student_id: int, start: datetime, end: datetime, exclude: int | None
    ) -> bool:
        query = select(
            exists().where(
                BookingRow.guild_id == guild_id,
                BookingRow.student_id == student_id,
                BookingRow.live.is_(True),
                BookingRow.start_at < end,
                BookingRow.end_at > start,
                BookingRow.id != (exclude or 0),
            )
        )
        return bool(await self._session.scalar(query))

    async def late_cancels_by_tutor(
        self, guild_id: int, tutor_id: int, since: datetime
    ) -> list[datetime]:
        rows = await self._session.scalars(
            select(BookingRow.cancelled_at).where(
                and_(
                    BookingRow.guild_id == guild_id,
                    BookingRow.tutor_id == tutor_id,
                    BookingRow.cancelled_by == Party.TUTOR.value,
                    BookingRow.cancelled_late.is_(True),
                    BookingRow.cancelled_at >= since,
                )
            )
        )
        return [at for at in rows if at is not None]

    async def booked_minutes(
        self, guild_id: int, user_id: int, side: CapSide, week: Window, exclude: int | None
    ) -> int:
        member = BookingRow.student_id if side is CapSide.STUDENT else BookingRow.tutor_id
        rows = await self._session.execute(
            select(BookingRow.start_at, BookingRow.end_at).where(
                BookingRow.guild_id == guild_id,
                member == user_id,
                BookingRow.start_at >= week.start,
                BookingRow.start_at < week.end,
                BookingRow.state.in_([s.value for s in _CAPPED[side]]),
                BookingRow.id != (exclude or 0),
            )
        )
        return sum(int((end - start).total_seconds() // 60) for start, end in rows)

    async def student_has_booked(self, guild_id: int, student_id: int) -> bool:
        return bool(
            await self._session.scalar(
                select(
                    exists().where(
                        BookingRow.guild_id == guild_id, BookingRow.student_id == student_id
                    )
                )
            )
        )
