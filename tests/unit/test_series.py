"""Weekly series' weeks: the tutor's wall-clock time kept across daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from marketplace.domain.errors import InputError
from marketplace.domain.series import (
    DST_GAP,
    SeriesWeek,
    bookable_weeks,
    moved_weeks,
    weekly_starts,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def test_the_weeks_keep_the_tutors_local_time_across_the_autumn_change():
    first = datetime(2026, 10, 15, 14, 0, tzinfo=UTC)  # Thursday 16:00 in Berlin (CEST)

    weeks = weekly_starts(first, 4, BERLIN)

    assert [w.start.astimezone(BERLIN).strftime("%a %H:%M") for w in weeks] == ["Thu 16:00"] * 4
    assert [w.start.hour for w in weeks] == [14, 14, 15, 15]  # UTC moves by an hour on 25 Oct


def test_a_week_in_the_spring_gap_is_marked_and_the_others_are_kept():
    # Sundays 02:30 in New York; 2027-03-14 has no 02:30 (the clocks jump to 03:00).
    first = datetime(2027, 3, 7, 7, 30, tzinfo=UTC)

    weeks = weekly_starts(first, 3, NEW_YORK)

    assert [w.problem for w in weeks] == [None, DST_GAP, None]
    assert weeks[1].start is None
    assert weeks[2].start == datetime(2027, 3, 21, 6, 30, tzinfo=UTC)  # 02:30 EDT


def test_a_time_that_happens_twice_takes_the_first():
    first = datetime(2026, 10, 25, 5, 30, tzinfo=UTC)  # Sunday 01:30 EDT

    weeks = weekly_starts(first, 3, NEW_YORK)

    # 1 Nov 2026 01:30 happens twice (the clocks go back at 02:00 EDT): the first, EDT
    assert weeks[1].start == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert weeks[2].start == datetime(2026, 11, 8, 6, 30, tzinfo=UTC)  # 01:30 EST


@pytest.mark.parametrize("weeks", [1, 17, 0])
def test_a_series_is_two_to_sixteen_weeks(weeks):
    with pytest.raises(InputError) as refused:
        weekly_starts(datetime(2026, 12, 10, 15, tzinfo=UTC), weeks, BERLIN)
    assert (refused.value.field, refused.value.problem) == ("weeks", "out_of_range")


def test_fewer_than_two_bookable_weeks_is_no_series():
    start = datetime(2026, 12, 10, 15, tzinfo=UTC)
    with pytest.raises(InputError) as refused:
        bookable_weeks([SeriesWeek(0, start), SeriesWeek(1, None, DST_GAP)])
    assert refused.value.problem == "too_short"
    assert len(bookable_weeks([SeriesWeek(0, start), SeriesWeek(1, start)])) == 2


def test_moving_the_following_weeks_keeps_the_tutors_wall_clock_time_across_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    thursdays = [datetime(2026, 10, 22, 14, tzinfo=UTC), datetime(2026, 10, 29, 15, tzinfo=UTC)]
    friday = datetime(2026, 10, 23, 15, tzinfo=UTC)  # Thursday 16:00 → Friday 17:00 Berlin
    moved = moved_weeks(thursdays, thursdays[0], friday, berlin)
    assert [w.start for w in moved] == [friday, datetime(2026, 10, 30, 16, tzinfo=UTC)]
    assert all(w.start and w.start.astimezone(berlin).hour == 17 for w in moved)


def test_a_following_week_moved_into_a_spring_gap_is_marked() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    saturdays = [datetime(2026, 3, 21, 1, 30, tzinfo=UTC), datetime(2026, 3, 28, 1, 30, tzinfo=UTC)]
    sunday = datetime(2026, 3, 22, 1, 30, tzinfo=UTC)  # 02:30 Berlin, one day later
    moved = moved_weeks(saturdays, saturdays[0], sunday, berlin)
    assert moved[0].start == sunday
    assert (moved[1].start, moved[1].problem) == (None, DST_GAP)
