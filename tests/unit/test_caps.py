"""Weekly caps: the ISO week in the guild's zone, and what fits under a cap."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.texts import describe_error
from marketplace.domain.caps import CapSide, WeeklyCapError, WeeklyLoad, check_cap, iso_week

BERLIN = ZoneInfo("Europe/Berlin")


def test_the_week_runs_from_local_monday_midnight_to_the_next() -> None:
    week = iso_week(datetime(2026, 12, 6, 22, 30, tzinfo=UTC), BERLIN)  # Sun 23:30 in Berlin

    assert week.start == datetime(2026, 11, 29, 23, tzinfo=UTC)  # Mon 30 Nov 00:00 CET
    assert week.end == datetime(2026, 12, 6, 23, tzinfo=UTC)
    next_week = iso_week(datetime(2026, 12, 6, 23, 0, tzinfo=UTC), BERLIN)  # Mon 00:00
    assert next_week.start == week.end


def test_a_week_across_daylight_saving_is_167_hours_long() -> None:
    week = iso_week(datetime(2026, 3, 25, 12, tzinfo=UTC), BERLIN)

    assert (week.end - week.start).total_seconds() == 167 * 3600


def _load(booked: int) -> WeeklyLoad:
    return WeeklyLoad(
        CapSide.STUDENT, 11, iso_week(datetime(2026, 12, 2, tzinfo=UTC), BERLIN), booked
    )


def test_a_booking_that_fills_the_cap_exactly_fits_and_one_past_it_does_not() -> None:
    check_cap(_load(120), 60, 3)
    with pytest.raises(WeeklyCapError) as refused:
        check_cap(_load(150), 60, 3)

    error = refused.value
    assert (error.side, error.user_id, error.cap_hours, error.booked_minutes) == (
        CapSide.STUDENT,
        11,
        3,
        150,
    )
    assert error.resets_at == datetime(2026, 12, 6, 23, tzinfo=UTC)


def test_no_cap_means_no_limit() -> None:
    check_cap(_load(100 * 60), 90, 0)


def test_the_capped_member_and_the_other_side_are_told_differently() -> None:
    error = WeeklyCapError(CapSide.TUTOR, 21, 10, 570, datetime(2026, 12, 6, 23, tzinfo=UTC))

    theirs = describe_error(error, viewer_id=11)
    yours = describe_error(error, viewer_id=21)

    assert theirs.startswith("That tutor has reached this server's weekly cap of 10 hours")
    assert "<t:1796598000:F>" in theirs
    assert yours.startswith("That would take you past this server's weekly cap of 10 hours")
    assert "9.5 hours booked" in yours
