"""The KPI maths: rates, medians, windows, the daily series, and empty periods."""

from datetime import UTC, date, datetime

import pytest

from marketplace.domain.stats import (
    GuildActivity,
    MoneyTotals,
    Period,
    SessionGroup,
    daily_series,
    median,
    rate,
    summarize,
    window_of,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_rate_over_nothing_does_not_apply():
    assert rate(0, 0) is None
    assert rate(3, 4) == 0.75
    assert rate(0, 5) == 0


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([5.0], 5.0), ([3.0, 1.0, 2.0], 2.0), ([4.0, 1.0, 3.0, 2.0], 2.5)],
)
def test_the_median_is_the_middle_value_or_the_mean_of_the_two_middle_ones(values, expected):
    assert median(values) == expected


def test_periods_are_seven_thirty_or_ninety_days_ending_now():
    assert [p.days for p in Period] == [7, 30, 90]
    window = window_of(Period.WEEK, NOW)
    assert window.start == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert window.end == NOW
    assert window.days[0] == date(2026, 11, 24)
    assert window.days[-1] == date(2026, 12, 1)
    assert len(window.days) == 8  # a partial first and last day


def test_an_empty_period_has_zero_counts_and_no_rates():
    stats = summarize(GuildActivity())
    assert stats.requests == stats.confirmed_sessions == stats.reviews == 0
    assert stats.acceptance_rate is None
    assert stats.completion_rate is None
    assert stats.repeat_rate is None
    assert stats.average_rating is None
    assert stats.helped_share is None
    assert stats.median_resolve_hours is None
    assert stats.money == ()
    series = daily_series(window_of(Period.WEEK, NOW), [])
    assert len(series.days) == 8
    assert set(series.confirmed) == set(series.completed) == set(series.cancelled) == {0}


def test_the_kpis_are_derived_from_the_grouped_counts():
    day = date(2026, 11, 30)
    activity = GuildActivity(
        new_members={"student": 3, "tutor": 1, "both": 1},
        requests={"completed": 2, "confirmed": 1, "declined": 1, "expired": 0, "cancelled": 5},
        sessions=[
            SessionGroup(day, "completed", "completed", False, 2),
            SessionGroup(day, "completed", "late_start", False, 1),
            SessionGroup(day, "no_show", "tutor_no_show", False, 1),
            SessionGroup(day, "no_show", "student_no_show", False, 1),
            SessionGroup(day, "cancelled", None, True, 2),
            SessionGroup(day, "cancelled", None, False, 1),
            SessionGroup(date(2026, 1, 1), "completed", "completed", False, 9),  # outside
        ],
        students_with_sessions=4,
        students_with_repeats=1,
        resolve_seconds=[3600, 7200, 36000],
        reviews=4,
        review_star_sum=18,
        survey={"helped": 2, "partially": 1, "not_helpful": 1},
        money=[MoneyTotals("USD", 5750, 0, 750)],
    )
    stats = summarize(activity)
    assert (stats.new_students, stats.new_tutors) == (4, 2)  # "both" counts on each side
    assert stats.requests == 9
    assert stats.acceptance_rate == 0.75  # 3 accepted of 4 decided; cancelled ones are neither
    assert stats.completed_sessions == 12
    assert stats.tutor_no_shows == stats.student_no_shows == 1
    assert (stats.late_cancellations, stats.early_cancellations) == (2, 1)
    assert stats.completion_rate == 12 / 14
    assert stats.repeat_rate == 0.25
    assert stats.average_rating == 4.5
    assert (stats.helped_share, stats.partially_share, stats.not_helpful_share) == (
        0.5,
        0.25,
        0.25,
    )
    assert stats.median_resolve_hours == 2.0
    series = daily_series(window_of(Period.WEEK, NOW), activity.sessions)
    i = series.days.index(day)
    assert (series.confirmed[i], series.completed[i], series.cancelled[i]) == (5, 3, 3)
    assert sum(series.completed) == 3  # the day outside the window is left out
