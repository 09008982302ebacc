"""Availability rows ↔ domain rules, one-off windows and days off."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from sqlalchemy import Integer, Row, Table, and_, bindparam, delete, or_, select

from marketplace.domain.availability import DayOff, OneOffWindow, WeeklyRule, zone_info
from marketplace.ports.bookings import AvailabilityEntry
from marketplace.storage.models import AvailabilityRuleRow, AvailabilityWindowRow
from marketplace.storage.sql_repository import SqlRepository

MINUTES_PER_WEEK = 7 * 24 * 60
DST_SLACK_MINUTES = 60
MAX_ID_DIGITS = 18  # ids beyond a signed 64-bit integer cannot exist


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


_TIMES = tuple(time(m // 60, m % 60) for m in range(24 * 60))  # shared: times are immutable


def _time(minutes: int) -> time:
    return _TIMES[minutes % (24 * 60)]


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


# The booking path's reads, built once with named parameters and the tables' own
# columns (Core statements): building a statement costs more than SQLite takes to run it.
_RULES = cast(Table, AvailabilityRuleRow.__table__).c
_WINDOWS = cast(Table, AvailabilityWindowRow.__table__).c
_RULES_OF = (
    select(
        _RULES.tutor_id, _RULES.id, _RULES.weekday, _RULES.start_minute, _RULES.end_minute,
        _RULES.zone, _RULES.valid_from, _RULES.valid_until,
    )
    .where(
        _RULES.guild_id == bindparam("guild_id"),
        _RULES.tutor_id.in_(bindparam("tutor_ids", expanding=True)),
    )
    .order_by(_RULES.weekday, _RULES.start_minute)
)  # fmt: skip
_WEEK_LOW = bindparam("low", type_=Integer())
_WEEK_HIGH = bindparam("high", type_=Integer())
_RULES_MEETING = select(
    _RULES.tutor_id, _RULES.id, _RULES.weekday, _RULES.start_minute, _RULES.end_minute,
    _RULES.zone, _RULES.valid_from, _RULES.valid_until,
).where(
    _RULES.guild_id == bindparam("guild_id"),
    _RULES.tutor_id.in_(bindparam("tutor_ids", expanding=True)),
    or_(
        *(
            (_RULES.utc_week_start < _WEEK_HIGH + shift) & (_RULES.utc_week_end > _WEEK_LOW + shift)
            for shift in (-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK)
        )
    ),
)  # fmt: skip
_WINDOWS_OF = (
    select(
        _WINDOWS.tutor_id, _WINDOWS.id, _WINDOWS.start_at, _WINDOWS.end_at,
        _WINDOWS.is_day_off, _WINDOWS.day, _WINDOWS.zone,
    )
    .where(
        _WINDOWS.guild_id == bindparam("guild_id"),
        _WINDOWS.tutor_id.in_(bindparam("tutor_ids", expanding=True)),
        or_(
            and_(_WINDOWS.is_day_off.is_(False), _WINDOWS.end_at > bindparam("after")),
            and_(_WINDOWS.is_day_off.is_(True), _WINDOWS.day >= bindparam("days_from")),
        ),
    )
    .order_by(_WINDOWS.start_at, _WINDOWS.id)
)  # fmt: skip


class SqlAvailabilityRepository(SqlRepository):
    """A tutor's availability in SQL."""

    async def rules(self, guild_id: int, tutor_id: int) -> list[WeeklyRule]:
        return (await self.rules_of(guild_id, [tutor_id])).get(tutor_id, [])

    async def rules_of(
        self, guild_id: int, tutor_ids: Sequence[int]
    ) -> dict[int, list[WeeklyRule]]:
        """Every weekly rule of each tutor, in one query (columns, not ORM objects)."""
        params = {"guild_id": guild_id, "tutor_ids": list(tutor_ids)}
        rows = await self._session.execute(_RULES_OF, params)
        return self._rules_by_tutor(rows)

    @staticmethod
    def _rules_by_tutor(
        rows: Iterable[Row[int, int, int, int, int, str, date | None, date | None]],
    ) -> dict[int, list[WeeklyRule]]:
        found: dict[int, list[WeeklyRule]] = {}
        for tutor_id, rule_id, weekday, start, end, zone, valid_from, valid_until in rows:
            rule = WeeklyRule(
                weekday, _time(start), _time(end), zone, valid_from, valid_until, rule_id=rule_id
            )
            found.setdefault(tutor_id, []).append(rule)
        return found

    async def rules_meeting(
        self, guild_id: int, tutor_ids: Sequence[int], start: datetime, end: datetime
    ) -> dict[int, list[WeeklyRule]]:
        """One query, picked by the widened UTC week range (`utc_week_range`).

        So a superset of the rules that do, as the search's "may be free" test; every shift
        by a week is tried, for ranges and windows either side of Monday 00:00 UTC. Meant
        for short ranges (a week or more meets every rule). In no particular order.
        """
        low = week_minute(start)
        high = low + -(-(end - start) // timedelta(minutes=1)) + 1  # rounded up, past seconds
        params = {"guild_id": guild_id, "tutor_ids": list(tutor_ids), "low": low, "high": high}
        rows = await self._session.execute(_RULES_MEETING, params)
        return self._rules_by_tutor(rows)

    async def windows_of(
        self, guild_id: int, tutor_ids: Sequence[int], after: datetime, days_from: date
    ) -> tuple[dict[int, list[OneOffWindow]], dict[int, list[DayOff]]]:
        params = {
            "guild_id": guild_id, "tutor_ids": list(tutor_ids), "after": after,
            "days_from": days_from,
        }  # fmt: skip
        rows = await self._session.execute(_WINDOWS_OF, params)
        one_offs: dict[int, list[OneOffWindow]] = {}
        days_off: dict[int, list[DayOff]] = {}
        for tutor_id, window_id, start, end, is_day_off, day, zone in rows:
            if not is_day_off:
                one_offs.setdefault(tutor_id, []).append(OneOffWindow(start, end, window_id))
            elif day and zone:
                days_off.setdefault(tutor_id, []).append(DayOff(day, zone))
        return one_offs, days_off

    async def add_rule(self, guild_id: int, tutor_id: int, rule: WeeklyRule, now: datetime) -> str:
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
        return f"r{(await self._insert(row)).id}"

    async def add_window(
        self, guild_id: int, tutor_id: int, window: OneOffWindow, now: datetime
    ) -> str:
        return f"w{await self._window_row(guild_id, tutor_id, (window.start, window.end), now)}"

    async def add_day_off(
        self, guild_id: int, tutor_id: int, day_off: DayOff, now: datetime
    ) -> str:
        span = day_off.window()
        return f"d{await self._window_row(guild_id, tutor_id, span, now, day_off)}"

    async def _window_row(
        self,
        guild_id: int,
        tutor_id: int,
        span: tuple[datetime, datetime],
        now: datetime,
        day_off: DayOff | None = None,
    ) -> int:
        """Store a window row, a day off when `day_off` is given; its id."""
        row = AvailabilityWindowRow(
            guild_id=guild_id,
            tutor_id=tutor_id,
            start_at=span[0],
            end_at=span[1],
            is_day_off=day_off is not None,
            day=day_off.day if day_off else None,
            zone=day_off.zone if day_off else None,
            created_at=now,
        )
        return (await self._insert(row)).id

    async def entries(self, guild_id: int, tutor_id: int, now: datetime) -> list[AvailabilityEntry]:
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
        kind, number = entry_id[:1], entry_id[1:]
        if not number.isascii() or not number.isdigit() or len(number) > MAX_ID_DIGITS:
            return False
        if kind not in {"r", "w", "d"}:
            return False
        model = AvailabilityRuleRow if kind == "r" else AvailabilityWindowRow
        removed = await self._affected(
            delete(model).where(
                model.id == int(number), model.guild_id == guild_id, model.tutor_id == tutor_id
            )
        )
        return bool(removed)
