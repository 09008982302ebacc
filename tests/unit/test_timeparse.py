from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from marketplace.domain.availability import WeeklyRule
from marketplace.domain.errors import (
    AmbiguousTimeError,
    InputError,
    NonexistentTimeError,
    UnknownTimeZoneError,
)
from marketplace.timeparse import WhenKind, parse_when

NY = "America/New_York"
BERLIN = "Europe/Berlin"
# Wednesday 2 September 2026, 18:00 in New York.
NOW = datetime(2026, 9, 2, 22, 0, tzinfo=UTC)


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


def when(text: str, zone: str = NY, now: datetime = NOW, **kwargs):
    return parse_when(text, zone=zone, now=now, **kwargs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow 3pm", local(NY, 2026, 9, 3, 15)),
        ("Friday at 17:00", local(NY, 2026, 9, 4, 17)),
        ("2026-12-01 09:30", local(NY, 2026, 12, 1, 9, 30)),
        ("next monday 9am", local(NY, 2026, 9, 7, 9)),
        ("  tomorrow   3pm ", local(NY, 2026, 9, 3, 15)),
    ],
)
def test_single_moment_is_read_as_local_wall_clock(text, expected):
    parsed = when(text)
    assert parsed.kind is WhenKind.ONCE
    assert parsed.start == expected
    assert parsed.start.tzinfo is UTC
    assert parsed.local_start == expected
    assert parsed.local_start.tzinfo == ZoneInfo(NY)
    assert parsed.end is None


@pytest.mark.parametrize("text", ["tomorrow 6pm", "Friday 18:00", "next monday 6pm"])
def test_a_time_asked_for_at_that_very_hour_keeps_its_time(text):
    # 18:00:00 sharp in New York: dateparser alone would read "tomorrow 6pm" as a day
    sharp = datetime(2026, 9, 2, 22, 0, 0, tzinfo=UTC)
    parsed = when(text, now=sharp)
    assert parsed.kind is WhenKind.ONCE
    assert parsed.local_start.time() == time(18, 0)
    assert parsed.local_start.date() > sharp.astimezone(ZoneInfo(NY)).date()


def test_five_pm_said_after_six_pm_means_tomorrow():
    assert when("5pm").start == local(NY, 2026, 9, 3, 17)
    assert when("at 17:00").start == local(NY, 2026, 9, 3, 17)


def test_seven_pm_said_at_six_pm_means_today():
    assert when("7pm").start == local(NY, 2026, 9, 2, 19)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("tomorrow 3pm-5pm", local(NY, 2026, 9, 3, 15), local(NY, 2026, 9, 3, 17)),
        ("Dec 3 14:00 to 15:30", local(NY, 2026, 12, 3, 14), local(NY, 2026, 12, 3, 15, 30)),
        ("friday 9-11am", local(NY, 2026, 9, 4, 9), local(NY, 2026, 9, 4, 11)),
        ("friday 11-1pm", local(NY, 2026, 9, 4, 11), local(NY, 2026, 9, 4, 13)),
        ("tomorrow from 3 to 5pm", local(NY, 2026, 9, 3, 15), local(NY, 2026, 9, 3, 17)),
        ("3-5pm", local(NY, 2026, 9, 3, 15), local(NY, 2026, 9, 3, 17)),
        ("10pm-midnight", local(NY, 2026, 9, 2, 22), local(NY, 2026, 9, 3, 0)),
    ],
)
def test_range_is_read_on_one_date(text, start, end):
    parsed = when(text)
    assert parsed.kind is WhenKind.RANGE
    assert (parsed.start, parsed.end) == (start, end)
    assert (parsed.local_start, parsed.local_end) == (start, end)


def test_range_ending_before_it_starts_is_refused():
    with pytest.raises(InputError) as caught:
        when("tomorrow 5pm-3pm")
    assert caught.value.problem == "end_before_start"


@pytest.mark.parametrize(
    ("text", "weekdays", "start", "end"),
    [
        ("Mondays 17:00-19:00", (0,), time(17), time(19)),
        ("every Tuesday 9-11am", (1,), time(9), time(11)),
        ("weekdays 18:00-20:00", (0, 1, 2, 3, 4), time(18), time(20)),
        ("Mon, Wed and Fri 9-10", (0, 2, 4), time(9), time(10)),
        ("every day 8-9am", tuple(range(7)), time(8), time(9)),
        ("weekends from 10am to noon", (5, 6), time(10), time(12)),
        ("mon-fri 22:00-01:00", (0, 1, 2, 3, 4), time(22), time(1)),
    ],
)
def test_weekly_pattern_gives_weekdays_and_wall_clock_times(text, weekdays, start, end):
    parsed = when(text)
    assert parsed.kind is WhenKind.WEEKLY
    assert (parsed.weekdays, parsed.start_time, parsed.end_time) == (weekdays, start, end)
    assert parsed.zone == NY
    assert parsed.start is None


def test_weekly_pattern_becomes_one_rule_per_weekday():
    rules = when("Mon and Thu 17:00-19:00").weekly_rules()
    assert rules == (
        WeeklyRule(0, time(17), time(19), NY),
        WeeklyRule(3, time(17), time(19), NY),
    )


def test_singular_weekday_with_range_is_a_one_off_on_the_next_such_day():
    parsed = when("Monday 17:00-19:00")
    assert parsed.kind is WhenKind.RANGE
    assert parsed.start == local(NY, 2026, 9, 7, 17)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Mondays 5pm", "missing_end"),
        ("weekdays 9:00-9:00", "zero_length"),
        ("tomorrow", "missing_time"),
        ("Dec 3", "missing_time"),
        ("garbage text", "unparseable"),
        ("🙂🙂🙂", "unparseable"),
        ("'; DROP TABLE bookings; --", "unparseable"),
        ("", "empty"),
        ("   ", "empty"),
        ("tomorrow " + "x" * 95, "too_long"),
        ("25:00", "unparseable"),
    ],
)
def test_bad_input_is_refused_with_a_problem_code(text, problem):
    with pytest.raises(InputError) as caught:
        when(text)
    assert caught.value.field == "when"
    assert caught.value.problem == problem


def test_oversize_input_reports_the_limit():
    with pytest.raises(InputError) as caught:
        when("a" * 101)
    assert caught.value.limit == 100


@pytest.mark.parametrize(
    ("zone", "text", "now"),
    [
        (NY, "2026-03-08 02:30", datetime(2026, 3, 1, tzinfo=UTC)),
        (NY, "Mar 8 2:30am-4am", datetime(2026, 3, 1, tzinfo=UTC)),
        (BERLIN, "2026-03-29 02:15", datetime(2026, 3, 20, tzinfo=UTC)),
        (BERLIN, "Mar 29 01:00 to 02:30", datetime(2026, 3, 20, tzinfo=UTC)),
    ],
)
def test_time_in_spring_forward_gap_is_a_question_not_a_guess(zone, text, now):
    with pytest.raises(NonexistentTimeError) as caught:
        when(text, zone=zone, now=now)
    assert caught.value.zone == zone
    assert caught.value.local.tzinfo is None
    assert caught.value.problem == "nonexistent_time"


@pytest.mark.parametrize(
    ("zone", "text", "now", "earlier", "later"),
    [
        (NY, "2026-11-01 01:30", datetime(2026, 10, 20, tzinfo=UTC),
         datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
        (BERLIN, "Oct 25 2:30am", datetime(2026, 10, 20, tzinfo=UTC),
         datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_time_in_fall_back_fold_offers_both_instants(zone, text, now, earlier, later):
    with pytest.raises(AmbiguousTimeError) as caught:
        when(text, zone=zone, now=now)
    error = caught.value
    assert (error.earlier_utc, error.later_utc) == (earlier, later)
    assert error.local == datetime(*later.astimezone(ZoneInfo(zone)).timetuple()[:5])  # noqa: DTZ001


def test_afternoon_on_change_day_is_plain():
    parsed = when("2026-11-01 17:00", now=datetime(2026, 10, 20, tzinfo=UTC))
    assert parsed.start == datetime(2026, 11, 1, 22, 0, tzinfo=UTC)


def test_weekly_pattern_in_the_gap_is_accepted_and_left_to_expansion():
    parsed = when("Sundays 02:30-04:00", now=datetime(2026, 3, 1, tzinfo=UTC))
    assert parsed.start_time == time(2, 30)


def test_other_languages_are_read_when_configured():
    parsed = when("morgen 15:00", zone=BERLIN, languages=("de",))
    assert parsed.start == local(BERLIN, 2026, 9, 4, 15)


def test_unknown_zone_is_refused():
    with pytest.raises(UnknownTimeZoneError):
        when("tomorrow 3pm", zone="Nowhere/Special")


def test_naive_now_is_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        when("tomorrow 3pm", now=datetime(2026, 9, 2))  # noqa: DTZ001
