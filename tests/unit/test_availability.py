import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.domain.availability import (
    Busy,
    DayOff,
    OneOffWindow,
    Slot,
    SlotSearch,
    WeeklyRule,
    expand_slots,
    expand_windows,
    first_slot_start,
    overlaps_with_buffer,
    validate_day_off,
    validate_rule,
    validate_window,
)
from marketplace.domain.errors import InputError, UnknownTimeZoneError

NY, BERLIN, SYDNEY, KOLKATA = (
    "America/New_York",
    "Europe/Berlin",
    "Australia/Sydney",
    "Asia/Kolkata",
)
H = timedelta(hours=1)
M = timedelta(minutes=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def windows_on(rule: WeeklyRule, day: date) -> list[tuple[datetime, datetime]]:
    zone = ZoneInfo(rule.zone)
    start = datetime.combine(day, time(), zone)
    return expand_windows([rule], [], [], start=start, end=start + timedelta(days=2))


def rule_for(day: date, start: time, end: time, zone: str) -> WeeklyRule:
    return WeeklyRule(day.weekday(), start, end, zone)


# (zone, change day, UTC offset before, UTC offset after the change)
CHANGE_DAYS = [
    (NY, date(2026, 3, 8), -5, -4),
    (NY, date(2026, 11, 1), -4, -5),
    (BERLIN, date(2026, 3, 29), 1, 2),
    (BERLIN, date(2026, 10, 25), 2, 1),
    (SYDNEY, date(2026, 4, 5), 11, 10),
    (SYDNEY, date(2026, 10, 4), 10, 11),
]


@pytest.mark.parametrize(("zone", "change", "before", "after"), CHANGE_DAYS)
@pytest.mark.parametrize("hour", [13, 17, 21])
def test_afternoon_rule_on_change_day_keeps_its_wall_clock(zone, change, before, after, hour):
    rule = rule_for(change, time(hour), time(hour + 2), zone)
    for day, offset in ((change - timedelta(days=7), before), (change, after)):
        (window,) = windows_on(rule, day)
        expected = datetime.combine(day, time(hour)) - timedelta(hours=offset)
        assert window == (expected.replace(tzinfo=UTC), expected.replace(tzinfo=UTC) + 2 * H)
        assert window[0].astimezone(ZoneInfo(zone)).time() == time(hour)


@pytest.mark.parametrize(("zone", "change", "before", "after"), CHANGE_DAYS)
def test_monday_17_rule_moves_one_hour_in_utc_across_the_change(zone, change, before, after):
    monday_before = change - timedelta(days=6)
    monday_after = change + timedelta(days=1)
    rule = WeeklyRule(0, time(17), time(18), zone)
    (first,) = windows_on(rule, monday_before)
    (second,) = windows_on(rule, monday_after)
    assert second[0] - first[0] == timedelta(days=7) - timedelta(hours=after - before)
    for window in (first, second):
        assert window[0].astimezone(ZoneInfo(zone)).time() == time(17)


def test_kolkata_has_no_change_and_a_half_hour_offset():
    rule = WeeklyRule(6, time(17), time(18), KOLKATA)
    for day in (date(2026, 3, 8), date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 1)):
        (window,) = windows_on(rule, day)
        assert window[0] == datetime.combine(day, time(11, 30), UTC)
        assert window[1] - window[0] == H


def test_kolkata_slots_are_aligned_to_the_local_half_hour():
    rule = WeeklyRule(0, time(9), time(10, 30), KOLKATA)
    slots = expand_slots(
        SlotSearch(
            [rule],
            [],
            [],
            [],
            duration=H,
            buffer=10 * M,
            now=utc(2026, 9, 1),
            min_notice=2 * H,
            horizon=timedelta(days=7),
            step=30 * M,
        )
    )
    assert [s.start for s in slots] == [utc(2026, 9, 7, 3, 30), utc(2026, 9, 7, 4)]


@pytest.mark.parametrize(
    ("zone", "day", "start", "end", "expected"),
    [
        # Start in the gap moves to the first instant after it (03:00 local).
        (NY, date(2026, 3, 8), time(2, 30), time(4), (utc(2026, 3, 8, 7), utc(2026, 3, 8, 8))),
        (BERLIN, date(2026, 3, 29), time(2, 15), time(3, 30),
         (utc(2026, 3, 29, 1), utc(2026, 3, 29, 1, 30))),
        (SYDNEY, date(2026, 10, 4), time(2, 30), time(5),
         (utc(2026, 10, 3, 16), utc(2026, 10, 3, 18))),
        # End in the gap moves to the end of the gap.
        (NY, date(2026, 3, 8), time(1), time(2, 30), (utc(2026, 3, 8, 6), utc(2026, 3, 8, 7))),
    ],
)  # fmt: skip
def test_window_touching_spring_forward_gap_starts_after_it(zone, day, start, end, expected):
    assert windows_on(WeeklyRule(day.weekday(), start, end, zone), day) == [expected]


@pytest.mark.parametrize(("zone", "day"), [(NY, date(2026, 3, 8)), (BERLIN, date(2026, 3, 29))])
def test_window_wholly_inside_the_gap_is_dropped(zone, day):
    assert windows_on(WeeklyRule(day.weekday(), time(2), time(2, 30), zone), day) == []


@pytest.mark.parametrize(
    ("zone", "day", "start", "end", "expected"),
    [
        (NY, date(2026, 11, 1), time(1), time(1, 30),
         (utc(2026, 11, 1, 5), utc(2026, 11, 1, 6, 30))),
        (NY, date(2026, 11, 1), time(0, 30), time(1, 30),
         (utc(2026, 11, 1, 4, 30), utc(2026, 11, 1, 6, 30))),
        (BERLIN, date(2026, 10, 25), time(2), time(2, 30),
         (utc(2026, 10, 25, 0), utc(2026, 10, 25, 1, 30))),
        (SYDNEY, date(2026, 4, 5), time(2, 30), time(4),
         (utc(2026, 4, 4, 15, 30), utc(2026, 4, 4, 18))),
    ],
)  # fmt: skip
def test_window_in_fall_back_fold_runs_from_first_to_second_occurrence(
    zone, day, start, end, expected
):
    (window,) = windows_on(WeeklyRule(day.weekday(), start, end, zone), day)
    assert window == expected
    wall = datetime.combine(day, end) - datetime.combine(day, start)
    assert window[1] - window[0] == wall + H


def test_overnight_rule_ends_the_next_local_day():
    rule = WeeklyRule(4, time(22), time(1), BERLIN)  # Friday 22:00 to Saturday 01:00
    saturday = datetime(2026, 9, 5, tzinfo=ZoneInfo(BERLIN))
    windows = expand_windows([rule], [], [], start=saturday, end=saturday + timedelta(days=1))
    assert windows == [(utc(2026, 9, 4, 22), utc(2026, 9, 4, 23))]


def test_midnight_end_means_end_of_day():
    (window,) = windows_on(WeeklyRule(2, time(18), time(0), NY), date(2026, 9, 2))
    assert window == (utc(2026, 9, 2, 22), utc(2026, 9, 3, 4))


def test_rule_outside_its_validity_dates_opens_nothing():
    rule = WeeklyRule(2, time(9), time(10), NY, valid_from=date(2026, 9, 9))
    assert windows_on(rule, date(2026, 9, 2)) == []
    assert len(windows_on(rule, date(2026, 9, 9))) == 1


def test_touching_rule_and_one_off_merge_and_a_slot_may_span_both():
    rule = WeeklyRule(2, time(17), time(19), NY)
    extra = OneOffWindow(utc(2026, 9, 2, 23), utc(2026, 9, 3, 0))  # 19:00-20:00 local
    start = utc(2026, 9, 2)
    assert expand_windows([rule], [extra], [], start=start, end=start + timedelta(days=1)) == [
        (utc(2026, 9, 2, 21), utc(2026, 9, 3, 0))
    ]
    slots = expand_slots(
        SlotSearch(
            [rule],
            [extra],
            [],
            [],
            duration=H,
            buffer=10 * M,
            now=utc(2026, 9, 1),
            min_notice=2 * H,
            horizon=timedelta(days=2),
        )
    )
    assert Slot(utc(2026, 9, 2, 22, 30), utc(2026, 9, 2, 23, 30)) in slots


def test_a_window_grid_stops_at_its_end_even_when_the_next_window_touches_it():
    # Sunday 00:45 to Monday 00:30 (the spring-forward Sunday), then Monday 00:30 to
    # midnight, New York: the windows touch and merge. Monday's starts are on Monday's
    # grid (:00/:30 local), whatever `now` and whatever range is asked; Sunday's grid
    # (:15/:45) ends with Sunday's window, though its last slot may run into Monday's.
    rules = [WeeklyRule(0, time(0, 30), time(0), NY), WeeklyRule(6, time(0, 45), time(0, 30), NY)]
    start, end = utc(2026, 3, 9, 5, 15), utc(2026, 3, 9, 6, 15)  # Monday 01:15-02:15 EDT

    def search(now, min_notice, horizon):
        return SlotSearch(
            rules, [], [], [], duration=30 * M, buffer=0 * M,
            now=now, min_notice=min_notice, horizon=horizon,
        )  # fmt: skip

    now = utc(2026, 3, 5)
    shown = first_slot_start(search(now, start - now, end - now), (start, end))
    offered = [s.start for s in expand_slots(search(now, 0 * M, timedelta(days=14)))]
    assert shown == utc(2026, 3, 9, 5, 30)
    assert [s for s in offered if start <= s < end] == [utc(2026, 3, 9, 5, 30), utc(2026, 3, 9, 6)]
    later = [s.start for s in expand_slots(search(start - H, 0 * M, timedelta(days=1)))]
    assert [s for s in later if start <= s < end] == [utc(2026, 3, 9, 5, 30), utc(2026, 3, 9, 6)]
    # Sunday's last start, 00:15 EDT, runs on into Monday's window; Monday's first is 00:30.
    assert [s for s in offered if utc(2026, 3, 9, 4) <= s < utc(2026, 3, 9, 5)] == [
        utc(2026, 3, 9, 4, 15),
        utc(2026, 3, 9, 4, 30),
    ]


def test_day_off_removes_weekly_and_one_off_availability_on_that_local_date():
    rule = WeeklyRule(6, time(9), time(12), NY)
    extra = OneOffWindow(utc(2026, 3, 8, 20), utc(2026, 3, 8, 22))
    off = DayOff(date(2026, 3, 8), NY)
    start = utc(2026, 3, 7)
    windows = expand_windows([rule], [extra], [off], start=start, end=start + timedelta(days=3))
    assert windows == []
    assert off.window() == (utc(2026, 3, 8, 5), utc(2026, 3, 9, 4))  # a 23-hour day


def test_expand_windows_clips_to_the_range():
    rule = WeeklyRule(2, time(9), time(17), "UTC")
    windows = expand_windows([rule], [], [], start=utc(2026, 9, 2, 12), end=utc(2026, 9, 2, 14))
    assert windows == [(utc(2026, 9, 2, 12), utc(2026, 9, 2, 14))]


def test_slots_respect_notice_horizon_and_step_from_window_start():
    rule = WeeklyRule(2, time(9, 15), time(12), "UTC")
    now = utc(2026, 9, 2, 8)
    slots = expand_slots(
        SlotSearch(
            [rule],
            [],
            [],
            [],
            duration=H,
            buffer=0 * M,
            now=now,
            min_notice=2 * H,
            horizon=timedelta(hours=3, minutes=15),
        )
    )
    assert [s.start for s in slots] == [utc(2026, 9, 2, 10, 15), utc(2026, 9, 2, 10, 45)]


def test_busy_booking_blocks_slots_within_the_buffer():
    rule = WeeklyRule(2, time(9), time(13), "UTC")
    busy = [Busy(utc(2026, 9, 2, 11), utc(2026, 9, 2, 11, 30))]
    slots = expand_slots(
        SlotSearch(
            [rule],
            [],
            [],
            busy,
            duration=30 * M,
            buffer=10 * M,
            now=utc(2026, 9, 1),
            min_notice=2 * H,
            horizon=timedelta(days=2),
        )
    )
    starts = [s.start.time() for s in slots]
    assert starts == [time(9), time(9, 30), time(10), time(12), time(12, 30)]


def test_slot_ending_exactly_a_buffer_before_a_booking_is_free():
    assert not overlaps_with_buffer(
        utc(2026, 1, 1, 9),
        utc(2026, 1, 1, 10),
        utc(2026, 1, 1, 10, 10),
        utc(2026, 1, 1, 11),
        10 * M,
    )
    assert overlaps_with_buffer(
        utc(2026, 1, 1, 9), utc(2026, 1, 1, 10), utc(2026, 1, 1, 10, 9), utc(2026, 1, 1, 11), 10 * M
    )


def test_expansion_rejects_naive_datetimes():
    with pytest.raises(ValueError, match="aware"):
        expand_windows([], [], [], start=datetime(2026, 1, 1), end=utc(2026, 1, 2))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (WeeklyRule(7, time(9), time(10), NY), "out_of_range"),
        (WeeklyRule(1, time(9), time(9), NY), "zero_length"),
        (WeeklyRule(1, time(9), time(10), NY, date(2026, 2, 1), date(2026, 1, 1)),
         "end_before_start"),
    ],
)  # fmt: skip
def test_invalid_rules_are_refused(rule, problem):
    with pytest.raises(InputError) as caught:
        validate_rule(rule)
    assert caught.value.problem == problem


def test_rule_with_unknown_zone_is_refused():
    with pytest.raises(UnknownTimeZoneError):
        validate_rule(WeeklyRule(1, time(9), time(10), "Mars/Olympus"))


def test_valid_rule_is_returned():
    rule = WeeklyRule(1, time(22), time(1), NY)
    assert validate_rule(rule) is rule


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (utc(2026, 9, 3, 10), utc(2026, 9, 3, 10), "end_before_start"),
        (utc(2026, 9, 3, 10), utc(2026, 9, 4, 10, 1), "too_long"),
        (utc(2026, 8, 30, 10), utc(2026, 8, 30, 11), "in_the_past"),
        (utc(2026, 12, 30, 10), utc(2026, 12, 30, 11), "too_far_ahead"),
    ],
)
def test_invalid_one_off_windows_are_refused(start, end, problem):
    with pytest.raises(InputError) as caught:
        validate_window(OneOffWindow(start, end), now=utc(2026, 9, 1), horizon=timedelta(days=60))
    assert caught.value.problem == problem


def test_day_off_in_the_past_is_refused():
    with pytest.raises(InputError) as caught:
        validate_day_off(DayOff(date(2026, 8, 1), NY), now=utc(2026, 9, 1), horizon=60 * 24 * H)
    assert caught.value.problem == "in_the_past"


# --- properties -------------------------------------------------------------------------

ZONES = [NY, BERLIN, SYDNEY, KOLKATA, "UTC"]
# Around the 2026 changes, so properties keep meeting gaps and folds.
NOWS = [utc(2026, 3, 5), utc(2026, 3, 26), utc(2026, 4, 2), utc(2026, 10, 1), utc(2026, 10, 22)]

quarter_hours = st.integers(0, 95).map(lambda q: time(q // 4, q % 4 * 15))
rules = st.builds(
    WeeklyRule, st.integers(0, 6), quarter_hours, quarter_hours, st.sampled_from(ZONES)
)
offsets = st.integers(0, 14 * 24 * 4).map(lambda q: q * 15 * M)


@st.composite
def intervals(draw, cls, base):
    start = base + draw(offsets)
    return cls(start, start + draw(st.integers(1, 16)) * 15 * M)


@st.composite
def scenarios(draw):
    now = draw(st.sampled_from(NOWS)) + draw(st.integers(0, 95)) * 15 * M
    return {
        "rules": draw(st.lists(rules.filter(lambda r: r.start != r.end), max_size=4)),
        "one_offs": draw(st.lists(intervals(OneOffWindow, now), max_size=3)),
        "days_off": [
            DayOff(now.date() + timedelta(days=d), z)
            for d, z in draw(
                st.lists(st.tuples(st.integers(0, 14), st.sampled_from(ZONES)), max_size=2)
            )
        ],
        "busy": draw(st.lists(intervals(Busy, now), max_size=6)),
        "now": now,
        "duration": draw(st.sampled_from([30 * M, H, 90 * M])),
        "buffer": draw(st.sampled_from([0 * M, 10 * M])),
    }


def slots_of(case):
    return expand_slots(
        SlotSearch(
            case["rules"],
            case["one_offs"],
            case["days_off"],
            case["busy"],
            duration=case["duration"],
            buffer=case["buffer"],
            now=case["now"],
            min_notice=2 * H,
            horizon=timedelta(days=10),
        )
    )


@settings(max_examples=120, deadline=None)
@given(scenarios())
def test_slots_are_sorted_unique_utc_inside_availability_and_clear_of_bookings(case):
    slots = slots_of(case)
    assert slots == sorted(set(slots))
    now, duration = case["now"], case["duration"]
    windows = expand_windows(
        case["rules"], case["one_offs"], case["days_off"],
        start=now - timedelta(days=2), end=now + timedelta(days=12),
    )  # fmt: skip
    for slot in slots:
        assert slot.start.tzinfo is UTC
        assert slot.end.tzinfo is UTC
        assert slot.end - slot.start == duration
        assert now + 2 * H <= slot.start <= now + timedelta(days=10)
        assert any(s <= slot.start and slot.end <= e for s, e in windows)
        for busy in case["busy"]:
            assert not overlaps_with_buffer(
                slot.start, slot.end, busy.start, busy.end, case["buffer"]
            )


@settings(max_examples=120, deadline=None)
@given(scenarios())
def test_windows_are_disjoint_positive_and_within_range(case):
    start = case["now"]
    end = start + timedelta(days=10)
    windows = expand_windows(
        case["rules"], case["one_offs"], case["days_off"], start=start, end=end
    )
    for window_start, window_end in windows:
        assert start <= window_start < window_end <= end
        assert window_start.tzinfo is UTC
    for (_, first_end), (second_start, _) in itertools.pairwise(windows):
        assert first_end < second_start


@settings(max_examples=200, deadline=None)
@given(rules.filter(lambda r: r.start != r.end), st.sampled_from(NOWS), st.integers(0, 20))
def test_rule_windows_start_at_the_rule_wall_clock_unless_it_does_not_exist(rule, base, days):
    zone = ZoneInfo(rule.zone)
    day = base.date() + timedelta(days=days)
    if day.weekday() != rule.weekday:
        return
    window_start, window_end = rule.window_on(day)
    local = datetime.combine(day, rule.start)
    exists = local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if exists == local:
        assert window_start.astimezone(zone).replace(tzinfo=None) == local
    assert window_end - window_start <= timedelta(hours=25)
