"""SQL aggregates for `/admin stats`: a handful of grouped queries per call.

Every query is bounded by `guild_id`, the leading column of an index on its table. Booking
queries also bound `block_start` (= the session's start): `ix_booking_tutor_block` is
`(guild_id, tutor_id, block_start)`, so the range is checked inside the index scan. A
request is always made before its session starts, so "made in the window" implies
"starts at or after the window's start", and that redundant bound keeps the request
count on the index too. Survey answers and ledger entries are reached from the
window's bookings through their `booking_id` indexes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, cast, exists, func, select

from marketplace.domain.ledger import Account
from marketplace.domain.stats import GuildActivity, MoneyTotals, SessionGroup, Window
from marketplace.storage.models import (
    BookingRow,
    CaseRow,
    DisputeRow,
    DropInHelpRow,
    DropInVisitRow,
    LedgerEntryRow,
    MemberRow,
    ReferralRow,
    ReviewRow,
    SurveyResponseRow,
)
from marketplace.storage.sql_repository import SqlRepository, within

_ACCEPTED = ("confirmed", "completed", "no_show")
_NOT_DROP_IN = ~exists().where(DropInHelpRow.booking_id == BookingRow.id)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class SqlStatsRepository(SqlRepository):
    """Reads a guild's activity over a window; never writes."""

    async def activity(self, guild_id: int, window: Window) -> GuildActivity:
        """The guild's raw counts for the window."""
        sessions = await self._sessions(guild_id, window)
        with_sessions, with_repeats = await self._repeat_students(guild_id, window)
        disputes_opened, disputes_decided = await self._disputes(guild_id, window)
        reports_opened, reports_resolved, resolve_seconds = await self._reports(guild_id, window)
        reviews, star_sum = await self._reviews(guild_id, window)
        referrals, credited = await self._referrals(guild_id, window)
        return GuildActivity(
            new_members=await self._new_members(guild_id, window),
            requests=await self._requests(guild_id, window),
            sessions=sessions,
            students_with_sessions=with_sessions,
            students_with_repeats=with_repeats,
            disputes_opened=disputes_opened,
            disputes_decided=disputes_decided,
            reports_opened=reports_opened,
            reports_resolved=reports_resolved,
            resolve_seconds=resolve_seconds,
            reviews=reviews,
            review_star_sum=star_sum,
            survey=await self._survey(guild_id, window),
            drop_in_waits=await self._drop_in_waits(guild_id, window),
            money=await self._money(guild_id, window),
            referrals=referrals,
            referrals_credited=credited,
        )

    def _in_window(self, guild_id: int, window: Window) -> ColumnElement[bool]:
        """Bookings of the guild whose session starts in the window (index range)."""
        return and_(BookingRow.guild_id == guild_id, within(BookingRow.block_start, window))

    def _booked_in_window(self, guild_id: int, window: Window) -> ColumnElement[bool]:
        """`_in_window`, without the sessions of drop-in helps (they have their own line)."""
        return and_(self._in_window(guild_id, window), _NOT_DROP_IN)

    async def _new_members(self, guild_id: int, window: Window) -> dict[str, int]:
        rows = await self._session.execute(
            select(MemberRow.role, func.count())
            .where(MemberRow.guild_id == guild_id, within(MemberRow.started_at, window))
            .group_by(MemberRow.role)
        )
        return dict(rows.all())

    async def _requests(self, guild_id: int, window: Window) -> dict[str, int]:
        rows = await self._session.execute(
            select(BookingRow.state, func.count())
            .where(
                BookingRow.guild_id == guild_id,
                BookingRow.block_start >= window.start,
                within(BookingRow.created_at, window),
                _NOT_DROP_IN,
            )
            .group_by(BookingRow.state)
        )
        return dict(rows.all())

    async def _sessions(self, guild_id: int, window: Window) -> list[SessionGroup]:
        day = self._utc_day(BookingRow.start_at).label("day")
        rows = await self._session.execute(
            select(
                day,
                BookingRow.state,
                BookingRow.outcome,
                BookingRow.cancelled_late,
                func.count(),
            )
            .where(self._booked_in_window(guild_id, window))
            .group_by(day, BookingRow.state, BookingRow.outcome, BookingRow.cancelled_late)
        )
        return [
            SessionGroup(_as_date(d), state, outcome, bool(late), count)
            for d, state, outcome, late, count in rows.all()
        ]

    def _utc_day(self, column: Any) -> ColumnElement[Any]:
        """The UTC calendar day of a stored instant, on either backend."""
        if self._session.get_bind().dialect.name == "postgresql":
            return cast(func.timezone("UTC", column), Date)
        return func.date(column)  # SQLite stores naive UTC text

    async def _repeat_students(self, guild_id: int, window: Window) -> tuple[int, int]:
        per_student = (
            select(BookingRow.student_id, func.count().label("sessions"))
            .where(self._booked_in_window(guild_id, window), BookingRow.state.in_(_ACCEPTED))
            .group_by(BookingRow.student_id)
            .subquery()
        )
        row = (
            await self._session.execute(
                select(func.count(), _count_if(per_student.c.sessions >= 2))
            )
        ).one()
        return int(row[0]), int(row[1])

    async def _disputes(self, guild_id: int, window: Window) -> tuple[int, int]:
        row = (
            await self._session.execute(
                select(
                    _count_if(within(DisputeRow.created_at, window)),
                    _count_if(within(DisputeRow.resolved_at, window)),
                ).where(DisputeRow.guild_id == guild_id)
            )
        ).one()
        return int(row[0]), int(row[1])

    async def _reports(self, guild_id: int, window: Window) -> tuple[int, int, list[float]]:
        opened = await self._session.scalar(
            select(func.count()).where(
                CaseRow.guild_id == guild_id, within(CaseRow.created_at, window)
            )
        )
        resolved = await self._session.execute(
            select(CaseRow.created_at, CaseRow.resolved_at).where(
                CaseRow.guild_id == guild_id,
                CaseRow.status == "resolved",
                within(CaseRow.resolved_at, window),
            )
        )
        seconds = [
            (done - made).total_seconds()
            for made, done in resolved.all()
            if isinstance(done, datetime)
        ]
        return int(opened or 0), len(seconds), seconds

    async def _reviews(self, guild_id: int, window: Window) -> tuple[int, int]:
        row = (
            await self._session.execute(
                select(func.count(), func.coalesce(func.sum(ReviewRow.stars), 0)).where(
                    ReviewRow.guild_id == guild_id, within(ReviewRow.created_at, window)
                )
            )
        ).one()
        return int(row[0]), int(row[1])

    async def _survey(self, guild_id: int, window: Window) -> dict[str, int]:
        rows = await self._session.execute(
            select(SurveyResponseRow.answer, func.count())
            .join(BookingRow, BookingRow.id == SurveyResponseRow.booking_id)
            .where(self._in_window(guild_id, window))
            .group_by(SurveyResponseRow.answer)
        )
        return dict(rows.all())

    async def _drop_in_waits(self, guild_id: int, window: Window) -> list[float]:
        """Seconds each student helped at drop-in hours in the window waited to be called."""
        rows = await self._session.execute(
            select(DropInVisitRow.joined_at, DropInVisitRow.started_at).where(
                DropInVisitRow.guild_id == guild_id,
                DropInVisitRow.state == "done",
                within(DropInVisitRow.started_at, window),
            )
        )
        return [(started - joined).total_seconds() for joined, started in rows.all() if started]

    async def _referrals(self, guild_id: int, window: Window) -> tuple[int, int]:
        """Referrals named in the window, and those credited (or thanked) in it."""
        row = ReferralRow
        named, credited = (
            await self._session.execute(
                select(
                    func.count(case((within(row.created_at, window), 1))),
                    func.count(
                        case((and_(row.status == "credited", within(row.decided_at, window)), 1))
                    ),
                ).where(row.guild_id == guild_id)
            )
        ).one()
        return int(named), int(credited)

    async def _money(self, guild_id: int, window: Window) -> list[MoneyTotals]:
        entry = LedgerEntryRow
        # A referral credit paying part of a fee is no sale, and no fee the platform got.
        credit = entry.source == Account.REFERRAL_CREDIT.value
        paid_in = and_(entry.target == Account.HELD.value, ~credit)
        fee_received = case(
            (entry.target == Account.PLATFORM.value, entry.amount_minor),
            (credit, -entry.amount_minor),
            else_=0,
        )
        rows = await self._session.execute(
            select(
                entry.currency,
                func.coalesce(func.sum(case((paid_in, entry.amount_minor))), 0),
                func.coalesce(func.sum(case((entry.target == "refunded", entry.amount_minor))), 0),
                func.coalesce(func.sum(fee_received), 0),
            )
            .join(
                BookingRow,
                and_(BookingRow.guild_id == entry.guild_id, BookingRow.id == entry.booking_id),
            )
            .where(self._in_window(guild_id, window), entry.guild_id == guild_id)
            .group_by(entry.currency)
        )
        return [
            MoneyTotals(currency, int(captured), int(refunded), int(fees))
            for currency, captured, refunded, fees in rows.all()
        ]


def _as_date(value: object) -> date:
    """SQLite hands back 'YYYY-MM-DD' text, PostgreSQL a date."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
