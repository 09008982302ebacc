"""The weekly report's week, its Monday-morning time, and the subjects in demand."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from marketplace.domain.weekly_report import (
    SubjectDemand,
    most_searched,
    most_unmet,
    next_report_at,
    report_week,
)

BERLIN = ZoneInfo("Europe/Berlin")


def test_the_report_covers_the_last_full_week_in_the_guilds_zone():
    monday_morning = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # Monday 08:00 in Berlin

    week = report_week(monday_morning, BERLIN)

    assert week.start == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # Mon 30 Nov 00:00 CET
    assert week.end == datetime(2026, 12, 6, 23, 0, tzinfo=UTC)


def test_the_next_report_is_monday_at_eight_local_even_across_the_clock_change():
    assert next_report_at(datetime(2026, 12, 3, 12, tzinfo=UTC), BERLIN) == datetime(
        2026, 12, 7, 7, 0, tzinfo=UTC
    )
    # Monday 08:00 has passed: next week's
    assert next_report_at(datetime(2026, 12, 7, 7, 30, tzinfo=UTC), BERLIN) == datetime(
        2026, 12, 14, 7, 0, tzinfo=UTC
    )
    # the week of 25 Oct 2026 (summer time ends): Monday 26 Oct 08:00 is CET, 07:00 UTC
    assert next_report_at(datetime(2026, 10, 24, 12, tzinfo=UTC), BERLIN) == datetime(
        2026, 10, 26, 7, 0, tzinfo=UTC
    )


def test_demand_is_ranked_by_searches_and_by_unmet_searches():
    demand = [
        SubjectDemand("Physics", 3, 3),
        SubjectDemand("Calculus", 9, 0),
        SubjectDemand("Chemistry", 3, 1),
        SubjectDemand("Art", 0, 0),
    ]

    assert [d.subject for d in most_searched(demand)] == ["Calculus", "Chemistry", "Physics"]
    assert [d.subject for d in most_unmet(demand)] == ["Physics", "Chemistry"]
