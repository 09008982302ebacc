"""Marketplace KPIs for `/admin stats`: the period, the raw counts, and the rates from them.

Storage hands over grouped counts (`GuildActivity`); everything derived (rates, medians,
the chart's daily series) is computed here, with no I/O. A rate or a median over nothing
is ``None`` ("not applicable"), never 0.

Cohorts: new members by when they ran `/start`; booking requests by when they were made;
sessions, their outcomes, survey answers and money by the session's scheduled start;
disputes, reports and reviews by when they were opened, decided or left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

__all__ = [
    "ACCEPTED_STATES",
    "DaySeries",
    "GuildActivity",
    "GuildStats",
    "MoneyTotals",
    "Period",
    "SessionGroup",
    "Window",
    "daily_series",
    "median",
    "rate",
    "summarize",
    "window_of",
]


class Period(StrEnum):
    """How far back the stats look."""

    WEEK = "7d"
    MONTH = "30d"
    QUARTER = "90d"

    @property
    def days(self) -> int:
        """The period's length in days."""
        return int(self.value.removesuffix("d"))


@dataclass(frozen=True, slots=True)
class Window:
    """The half-open range [start, end) the stats cover, in UTC."""

    start: datetime
    end: datetime

    @property
    def days(self) -> tuple[date, ...]:
        """Every UTC calendar day the window touches, oldest first."""
        first, last = self.start.date(), (self.end - timedelta(microseconds=1)).date()
        return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def window_of(period: Period, now: datetime) -> Window:
    """The period ending now."""
    return Window(now - timedelta(days=period.days), now)


# Booking states that mean the tutor (or instant booking) accepted and the session was on.
ACCEPTED_STATES = frozenset({"confirmed", "completed", "no_show"})
_DECIDED_NOT_ACCEPTED = frozenset({"declined", "expired"})


@dataclass(frozen=True, slots=True)
class SessionGroup:
    """How many sessions scheduled on one UTC day ended one way."""

    day: date
    state: str
    outcome: str | None
    cancelled_late: bool
    count: int


@dataclass(frozen=True, slots=True)
class MoneyTotals:
    """Ledger totals in one currency, in minor units."""

    currency: str
    captured: int
    refunded: int
    fees: int


@dataclass(frozen=True, slots=True)
class GuildActivity:
    """The raw counts storage reads for one guild over one window."""

    new_members: Mapping[str, int] = field(default_factory=dict)  # role → count
    requests: Mapping[str, int] = field(default_factory=dict)  # state → count
    sessions: Sequence[SessionGroup] = ()
    students_with_sessions: int = 0
    students_with_repeats: int = 0
    disputes_opened: int = 0
    disputes_decided: int = 0
    reports_opened: int = 0
    reports_resolved: int = 0
    resolve_seconds: Sequence[float] = ()  # one per report resolved in the window
    reviews: int = 0
    review_star_sum: int = 0
    survey: Mapping[str, int] = field(default_factory=dict)  # answer → count
    drop_in_waits: Sequence[float] = ()  # seconds, one per student helped at drop-in hours
    money: Sequence[MoneyTotals] = ()
    referrals: int = 0  # members who named who brought them, in the window
    referrals_credited: int = 0  # referrals credited (or, free, thanked) in the window


@dataclass(frozen=True, slots=True)
class DaySeries:
    """Sessions per scheduled day: on (confirmed, whatever came of it), completed, cancelled."""

    days: tuple[date, ...]
    confirmed: tuple[int, ...]
    completed: tuple[int, ...]
    cancelled: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class GuildStats:
    """The KPIs `/admin stats` shows; ``None`` where a figure does not apply."""

    new_students: int
    new_tutors: int
    requests: int
    acceptance_rate: float | None
    confirmed_sessions: int
    completed_sessions: int
    completion_rate: float | None
    tutor_no_shows: int
    student_no_shows: int
    late_cancellations: int
    early_cancellations: int
    repeat_rate: float | None
    reviews: int
    average_rating: float | None
    survey_answers: int
    helped_share: float | None
    partially_share: float | None
    not_helpful_share: float | None
    disputes_opened: int
    disputes_decided: int
    reports_opened: int
    reports_resolved: int
    median_resolve_hours: float | None
    money: tuple[MoneyTotals, ...]
    drop_in_helped: int = 0
    median_drop_in_wait_minutes: float | None = None
    referrals: int = 0
    referrals_credited: int = 0


def rate(part: int, whole: int) -> float | None:
    """`part / whole`, or None when there is nothing to divide by."""
    return part / whole if whole > 0 else None


def median(values: Iterable[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None if empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def daily_series(window: Window, groups: Iterable[SessionGroup]) -> DaySeries:
    """One value per day of the window for each line of the chart (0 on quiet days)."""
    days = window.days
    index = {day: i for i, day in enumerate(days)}
    confirmed, completed, cancelled = [0] * len(days), [0] * len(days), [0] * len(days)
    for group in groups:
        i = index.get(group.day)
        if i is None:
            continue
        if group.state in ACCEPTED_STATES:
            confirmed[i] += group.count
        if group.state == "completed":
            completed[i] += group.count
        if group.state == "cancelled":
            cancelled[i] += group.count
    return DaySeries(days, tuple(confirmed), tuple(completed), tuple(cancelled))


def summarize(activity: GuildActivity) -> GuildStats:
    """Turn the raw counts into the KPIs."""
    sessions = activity.sessions
    accepted = sum(activity.requests.get(state, 0) for state in ACCEPTED_STATES)
    refused = sum(activity.requests.get(state, 0) for state in _DECIDED_NOT_ACCEPTED)
    confirmed = _count(sessions, lambda g: g.state in ACCEPTED_STATES)
    completed = _count(sessions, lambda g: g.state == "completed")
    answers = sum(activity.survey.values())
    return GuildStats(
        new_students=_members(activity.new_members, "student"),
        new_tutors=_members(activity.new_members, "tutor"),
        requests=sum(activity.requests.values()),
        acceptance_rate=rate(accepted, accepted + refused),
        confirmed_sessions=confirmed,
        completed_sessions=completed,
        completion_rate=rate(completed, confirmed),
        tutor_no_shows=_count(sessions, lambda g: g.outcome == "tutor_no_show"),
        student_no_shows=_count(sessions, lambda g: g.outcome == "student_no_show"),
        late_cancellations=_count(sessions, lambda g: g.state == "cancelled" and g.cancelled_late),
        early_cancellations=_count(
            sessions, lambda g: g.state == "cancelled" and not g.cancelled_late
        ),
        repeat_rate=rate(activity.students_with_repeats, activity.students_with_sessions),
        reviews=activity.reviews,
        average_rating=activity.review_star_sum / activity.reviews if activity.reviews else None,
        survey_answers=answers,
        helped_share=rate(activity.survey.get("helped", 0), answers),
        partially_share=rate(activity.survey.get("partially", 0), answers),
        not_helpful_share=rate(activity.survey.get("not_helpful", 0), answers),
        disputes_opened=activity.disputes_opened,
        disputes_decided=activity.disputes_decided,
        reports_opened=activity.reports_opened,
        reports_resolved=activity.reports_resolved,
        median_resolve_hours=_hours(median(activity.resolve_seconds)),
        money=tuple(sorted(activity.money, key=lambda m: m.currency)),
        drop_in_helped=len(activity.drop_in_waits),
        median_drop_in_wait_minutes=_minutes(median(activity.drop_in_waits)),
        referrals=activity.referrals,
        referrals_credited=activity.referrals_credited,
    )


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def _members(by_role: Mapping[str, int], side: str) -> int:
    """Members who picked this side at `/start`; "both" counts on each side."""
    return by_role.get(side, 0) + by_role.get("both", 0)


def _count(groups: Iterable[SessionGroup], keep: Callable[[SessionGroup], bool]) -> int:
    return sum(group.count for group in groups if keep(group))


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600
