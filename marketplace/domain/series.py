"""Weekly series: one request for 2-16 sessions at the same time each week.

SPEC.md section 3 "Series, groups and drop-ins" and issue 15 item 1. The sessions keep
the tutor's wall-clock time across a daylight-saving change (Thursdays at 16:00 stay at
16:00 where the tutor is); a week whose time doesn't exist there (a spring-forward gap)
is listed and skipped, and one that happens twice takes the first. Each session is a
booking of its own once booked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from marketplace.domain.errors import InputError, Problem

MIN_WEEKS = 2
MAX_WEEKS = 16
DST_GAP = "dst_gap"  # the week's time doesn't exist in the tutor's zone


@dataclass(frozen=True, slots=True)
class SeriesWeek:
    """One week of a series: its start, or why it can't be booked (a problem code)."""

    index: int  # 0 for the first week
    start: datetime | None
    problem: str | None = None

    @property
    def bookable(self) -> bool:
        """Whether this week will be booked."""
        return self.problem is None and self.start is not None


def check_weeks(weeks: int) -> int:
    """The number of weeks, or `InputError("weeks", ...)` outside 2-16."""
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise InputError("weeks", Problem.OUT_OF_RANGE, MAX_WEEKS)
    return weeks


def weekly_starts(first: datetime, weeks: int, zone: ZoneInfo) -> list[SeriesWeek]:
    """Each week's start at the first one's wall-clock time in `zone` (aware UTC).

    A local time that doesn't exist that week (a spring-forward gap) gives a week with
    the `DST_GAP` problem; one that happens twice (fall back) takes its first instant.
    """
    local = _wall(first, zone)
    return [_at_wall(i, local + timedelta(weeks=i), zone) for i in range(check_weeks(weeks))]


def _wall(when: datetime, zone: ZoneInfo) -> datetime:
    """`when` as the naive wall-clock time it is in `zone`."""
    return when.astimezone(zone).replace(tzinfo=None)


def _at_wall(index: int, wall: datetime, zone: ZoneInfo) -> SeriesWeek:
    """Week `index` at the wall-clock time `wall` in `zone` (a gap: `DST_GAP`; twice: first)."""
    start = wall.replace(tzinfo=zone, fold=0)
    if _wall(start.astimezone(UTC), zone) != wall:
        return SeriesWeek(index, None, DST_GAP)
    return SeriesWeek(index, start.astimezone(UTC))


def moved_weeks(
    starts: list[datetime], old: datetime, new: datetime, zone: ZoneInfo
) -> list[SeriesWeek]:
    """Each start moved as `old` moves to `new`, by the same wall-clock offset in `zone`.

    "This and the following": Thursday 16:00 moved to Friday 17:00 moves every later
    Thursday 16:00 to that week's Friday 17:00, across a daylight-saving change too; a
    moved time that doesn't exist that week gives the `DST_GAP` problem.
    """
    shift = _wall(new, zone) - _wall(old, zone)
    return [_at_wall(i, _wall(start, zone) + shift, zone) for i, start in enumerate(starts)]


def bookable_weeks(plan: list[SeriesWeek]) -> list[SeriesWeek]:
    """The weeks that will be booked; `InputError("weeks", "too_few")` if under two."""
    weeks = [week for week in plan if week.bookable]
    if len(weeks) < MIN_WEEKS:
        raise InputError("weeks", Problem.TOO_SHORT, MIN_WEEKS)
    return weeks


@dataclass(frozen=True, slots=True)
class BookingSeries:
    """A weekly series as requested: who, which subject, how many weeks were asked for."""

    series_id: int
    guild_id: int
    student_id: int
    tutor_id: int
    subject_key: str
    weeks: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SeriesMembership:
    """Where one booking sits in its series: the week, and the series' first booked week."""

    series_id: int
    week_index: int
    first_week_index: int
    booked_weeks: int

    @property
    def is_first(self) -> bool:
        """Whether this is the series' first booked week (it speaks for the series)."""
        return self.week_index == self.first_week_index


@dataclass(frozen=True, slots=True)
class SeriesPlace:
    """Which week of its series a booking is, as `/bookings` shows it ("week 2 of 4")."""

    week_number: int  # 1 for the first week
    weeks: int  # the weeks the series asked for
    series_id: int = 0  # which series (`/bookings` lists a series' weeks together)


@dataclass(frozen=True, slots=True)
class SavedCard:
    """A member's card saved at the payment provider for a paid series (one per guild).

    `customer_id` is the provider's customer for this member in this guild, and
    `payment_method_id` the card each week is authorized with, off-session.
    """

    guild_id: int
    user_id: int
    customer_id: str
    payment_method_id: str
    saved_at: datetime


def authorize_at(start: datetime, days_before: int) -> datetime:
    """When a paid series' week is authorized: `days_before` days before its start.

    Stripe's card holds last 7 days, so a week is never authorized at booking time.
    """
    return start - timedelta(days=days_before)


def pay_by(start: datetime, min_notice_minutes: int) -> datetime:
    """Until when a paid series' week may still be paid: the guild's minimum notice."""
    return start - timedelta(minutes=min_notice_minutes)
