"""Availability rows ↔ domain rules, one-off windows and days off."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.domain.availability import DayOff, OneOffWindow, WeeklyRule, zone_info
from marketplace.ports.bookings import AvailabilityEntry
from marketplace.storage.models import AvailabilityRuleRow, AvailabilityWindowRow

MINUTES_PER_WEEK = 7 * 24 * 60
DST_SLACK_MINUTES = 60
MAX_ID_DIGITS = 18  # ids beyond a signed 64-bit integer cannot exist


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> time:
    return time(minutes // 60 % 24, minutes % 60)


def utc_week_range(rule: WeeklyRule, now: datetime) -> tuple[int, int]:
    """The rule's window as minutes since Monday 00:00 UTC, widened for daylight saving.

    Computed with the zone's offset at `now`; the slack covers a shift either way. The end
    may exceed a week (a window wrapping past Sunday); searches test both wraps.
    """
    offset = now.astimezone(zone_info(rule.zone)).utcoffset() or timedelta(0)
    start = rule.weekday * 1440 + _minutes(rule.start) - int(offset.total_seconds() // 60)
    length = (_minutes(rule.end) - _minutes(rule.start)) % 1440 or 1440
    start -= DST_SLACK_MINUTES
    start %= MINUTES_PER_WEEK
    return start, start + length + 2 * DST_SLACK_MINUTES


def week_minute(instant: datetime) -> int:
    """Minutes since Monday 00:00 UTC of `instant`."""
    utc = instant.astimezone(UTC)
    return utc.weekday() * 1440 + utc.hour * 60 + utc.minute


class SqlAvailabilityRepository:
    """A tutor's availability in SQL."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def rules(self, guild_id: int, tutor_id: int) -> list[WeeklyRule]:
        """Every weekly rule of the tutor."""
        return (await self.rules_of(guild_id, [tutor_id])).get(tutor_id, [])

    async def rules_of(
        self, guild_id: int, tutor_ids: Sequence[int]
    ) -> dict[int, list[WeeklyRule]]:
        """Every weekly rule of each tutor, in one query."""
        rows = await self._session.scalars(
            select(AvailabilityRuleRow)
            .where(
                AvailabilityRuleRow.guild_id == guild_id,
                AvailabilityRuleRow.tutor_id.in_(tutor_ids),
            )
            .order_by(AvailabilityRuleRow.weekday, AvailabilityRuleRow.start_minute)
        )
        found: dict[int, list[WeeklyRule]] = {}
        for row in rows:
            found.setdefault(row.tutor_id, []).append(self._rule(row))
        return found

    @staticmethod
    def _rule(row: AvailabilityRuleRow) -> WeeklyRule:
        return WeeklyRule(
            row.weekday,
            _time(row.start_minute),
            _time(row.end_minute),
            row.zone,
            row.valid_from,
            row.valid_until,
            rule_id=row.id,
        )

    async def one_offs(self, guild_id: int, tutor_id: int, after: datetime) -> list[OneOffWindow]:
        """One-off windows that end after `after`."""
        return (await self.one_offs_of(guild_id, [tutor_id], after)).get(tutor_id, [])

    async def one_offs_of(
        self, guild_id: int, tutor_ids: Sequence[int], after: datetime
    ) -> dict[int, list[OneOffWindow]]:
        """Each tutor's one-off windows that end after `after`, in one query."""
        rows = await self._session.scalars(
            self._windows(guild_id, tutor_ids, day_off=False).where(
                AvailabilityWindowRow.end_at > after
            )
        )
        found: dict[int, list[OneOffWindow]] = {}
        for row in rows:
            window = OneOffWindow(row.start_at, row.end_at, window_id=row.id)
            found.setdefault(row.tutor_id, []).append(window)
        return found

    async def days_off(self, guild_id: int, tutor_id: int, after: date) -> list[DayOff]:
        """Days off on or after `after`."""
        return (await self.days_off_of(guild_id, [tutor_id], after)).get(tutor_id, [])

    async def days_off_of(
        self, guild_id: int, tutor_ids: Sequence[int], after: date
    ) -> dict[int, list[DayOff]]:
        """Each tutor's days off on or after `after`, in one query."""
        rows = await self._session.scalars(
            self._windows(guild_id, tutor_ids, day_off=True).where(
                AvailabilityWindowRow.day >= after
            )
        )
        found: dict[int, list[DayOff]] = {}
        for row in rows:
            if row.day and row.zone:
                found.setdefault(row.tutor_id, []).append(DayOff(row.day, row.zone))
        return found

    @staticmethod
    def _windows(
        guild_id: int, tutor_ids: Sequence[int], *, day_off: bool
    ) -> Select[AvailabilityWindowRow]:
        return (
            select(AvailabilityWindowRow)
            .where(
                AvailabilityWindowRow.guild_id == guild_id,
                AvailabilityWindowRow.tutor_id.in_(tutor_ids),
                AvailabilityWindowRow.is_day_off.is_(day_off),
            )
            .order_by(AvailabilityWindowRow.start_at)
        )

    async def add_rule(self, guild_id: int, tutor_id: int, rule: WeeklyRule, now: datetime) -> str:
        """Store a weekly rule; return its entry id."""
        week_start, week_end = utc_week_range(rule, now)
        row = AvailabilityRuleRow(
            guild_id=guild_id,
            tutor_id=tutor_id,
            weekday=rule.weekday,
            start_minute=_minutes(rule.start),
            end_minute=_minutes(rule.end),
            zone=rule.zone,
            valid_from=rule.valid_from,
            valid_until=rule.valid_until,
            utc_week_start=week_start,
            utc_week_end=week_end,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return f"r{row.id}"

    async def add_window(
        self, guild_id: int, tutor_id: int, window: OneOffWindow, now: datetime
    ) -> str:
        """Store a one-off window; return its entry id."""
        row = AvailabilityWindowRow(
            guild_id=guild_id,
            tutor_id=tutor_id,
            start_at=window.start,
            end_at=window.end,
            is_day_off=False,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return f"w{row.id}"

    async def add_day_off(
        self, guild_id: int, tutor_id: int, day_off: DayOff, now: datetime
    ) -> str:
        """Store a day off; return its entry id."""
        start, end = day_off.window()
        row = AvailabilityWindowRow(
            guild_id=guild_id,
            tutor_id=tutor_id,
            start_at=start,
            end_at=end,
            is_day_off=True,
            day=day_off.day,
            zone=day_off.zone,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return f"d{row.id}"

    async def entries(self, guild_id: int, tutor_id: int, now: datetime) -> list[AvailabilityEntry]:
        """Everything still relevant, weekly rules first."""
        result = [
            AvailabilityEntry(f"r{rule.rule_id}", rule=rule)
            for rule in await self.rules(guild_id, tutor_id)
        ]
        rows = await self._session.scalars(
            select(AvailabilityWindowRow)
            .where(
                AvailabilityWindowRow.guild_id == guild_id,
                AvailabilityWindowRow.tutor_id == tutor_id,
                AvailabilityWindowRow.end_at > now,
            )
            .order_by(AvailabilityWindowRow.start_at)
        )
        for row in rows:
            if row.is_day_off and row.day and row.zone:
                result.append(AvailabilityEntry(f"d{row.id}", day_off=DayOff(row.day, row.zone)))
            else:
                window = OneOffWindow(row.start_at, row.end_at, window_id=row.id)
                result.append(AvailabilityEntry(f"w{row.id}", window=window))
        return result

    async def remove(self, guild_id: int, tutor_id: int, entry_id: str) -> bool:
        """Delete one of the tutor's entries; False if it is not theirs or not there."""
        kind, number = entry_id[:1], entry_id[1:]
        if not number.isascii() or not number.isdigit() or len(number) > MAX_ID_DIGITS:
            return False
        if kind not in {"r", "w", "d"}:
            return False
        model = AvailabilityRuleRow if kind == "r" else AvailabilityWindowRow
        result = await self._session.execute(
            delete(model).where(
                model.id == int(number), model.guild_id == guild_id, model.tutor_id == tutor_id
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def maybe_free(
        self, guild_id: int, tutor_ids: Sequence[int], start: datetime, end: datetime
    ) -> set[int]:
        """A cheap superset of the tutors whose availability meets [start, end)."""
        if not tutor_ids:
            return set()
        s, e = week_minute(start), week_minute(start) + int((end - start).total_seconds() // 60)
        wraps = [(s, e), (s + MINUTES_PER_WEEK, e + MINUTES_PER_WEEK)]
        rule_hits = await self._session.scalars(
            select(AvailabilityRuleRow.tutor_id)
            .where(
                AvailabilityRuleRow.guild_id == guild_id,
                AvailabilityRuleRow.tutor_id.in_(tutor_ids),
                or_(
                    *(
                        (AvailabilityRuleRow.utc_week_start < hi)
                        & (AvailabilityRuleRow.utc_week_end > lo)
                        for lo, hi in wraps
                    )
                ),
            )
            .distinct()
        )
        window_hits = await self._session.scalars(
            select(AvailabilityWindowRow.tutor_id)
            .where(
                AvailabilityWindowRow.guild_id == guild_id,
                AvailabilityWindowRow.tutor_id.in_(tutor_ids),
                AvailabilityWindowRow.is_day_off.is_(False),
                AvailabilityWindowRow.start_at < end,
                AvailabilityWindowRow.end_at > start,
            )
            .distinct()
        )
        return set(rule_hits) | set(window_hits)
