"""Attendance rules: the check-in window, the no-show verdict and late starts (pure)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.attendance import (
    Attendance,
    CheckInWindow,
    both_present,
    can_check_in,
    completion_outcome,
    ensure_check_in_allowed,
    no_show_verdict,
)
from marketplace.domain.booking import Booking, BookingState, Party
from marketplace.domain.errors import ConflictError, InvalidTransitionError
from marketplace.domain.policy import DEFAULT_POLICY
from marketplace.domain.settlement import Outcome

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
START = NOW + timedelta(days=3)
M = timedelta(minutes=1)
STUDENT, TUTOR = 100, 200


def confirmed() -> Booking:
    booking, _ = Booking.request(
        booking_id=7, guild_id=1, student_id=STUDENT, tutor_id=TUTOR, subject_key="calculus",
        start=START, end=START + 60 * M, now=NOW, policy=DEFAULT_POLICY, note="",
        price=None, instant=False,
    )  # fmt: skip
    return booking.accept(Party.TUTOR, NOW)[0]


def test_attendance_reads_each_side_from_the_check_ins():
    booking = confirmed()

    seen = Attendance.of(booking, {STUDENT: START, 999: START})

    assert seen == Attendance(tutor_at=None, student_at=START)


@pytest.mark.parametrize(
    ("tutor_at", "student_at", "verdict"),
    [
        (None, START, Outcome.TUTOR_NO_SHOW),
        (START, None, Outcome.STUDENT_NO_SHOW),
        (None, None, None),
        (START, START, None),
    ],
)
def test_only_one_side_missing_is_a_no_show(tutor_at, student_at, verdict):
    assert no_show_verdict(Attendance(tutor_at, student_at)) is verdict


def test_a_tutor_later_than_the_limit_is_a_late_start_and_at_the_limit_is_not():
    booking = confirmed()
    limit = START + DEFAULT_POLICY.no_show_after_minutes * M

    late = completion_outcome(booking, Attendance(limit + M, START), DEFAULT_POLICY)
    on_limit = completion_outcome(booking, Attendance(limit, START), DEFAULT_POLICY)
    unknown = completion_outcome(booking, Attendance(None, None), DEFAULT_POLICY)

    assert (late, on_limit, unknown) == (Outcome.LATE_START, Outcome.COMPLETED, Outcome.COMPLETED)


def test_check_in_opens_with_the_space_and_closes_at_the_end():
    booking = confirmed()
    opens = START - DEFAULT_POLICY.space_opens_before_minutes * M

    assert not can_check_in(booking, DEFAULT_POLICY, opens - M)
    assert can_check_in(booking, DEFAULT_POLICY, opens)
    assert can_check_in(booking, DEFAULT_POLICY, booking.end - M)
    assert not can_check_in(booking, DEFAULT_POLICY, booking.end)


@pytest.mark.parametrize(
    ("offset", "reason"),
    [(-16 * M, CheckInWindow.TOO_EARLY), (60 * M, CheckInWindow.CLOSED)],
)
def test_a_check_in_outside_the_window_says_which_side(offset, reason):
    with pytest.raises(ConflictError) as refused:
        ensure_check_in_allowed(confirmed(), DEFAULT_POLICY, START + offset)
    assert refused.value.reason == reason


def test_a_booking_that_is_not_confirmed_takes_no_check_in():
    ended = replace(confirmed(), state=BookingState.COMPLETED)

    with pytest.raises(InvalidTransitionError) as refused:
        ensure_check_in_allowed(ended, DEFAULT_POLICY, START)
    assert refused.value.action == "check_in"
    assert not can_check_in(ended, DEFAULT_POLICY, START)


@given(
    tutor=st.none() | st.integers(-30, 90).map(lambda m: START + m * M),
    student=st.none() | st.integers(-30, 90).map(lambda m: START + m * M),
)
def test_a_no_show_and_an_automatic_completion_never_both_apply(tutor, student):
    seen = Attendance(tutor, student)

    assert not (no_show_verdict(seen) is not None and both_present(seen))
