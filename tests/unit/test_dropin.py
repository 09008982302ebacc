"""The drop-in queue's rules: the line's order, Skip and Done, the wait estimate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.dropin import (
    DropInHours,
    Visit,
    VisitState,
    board_of,
    estimated_wait_minutes,
    goes_behind,
    help_end,
    in_line,
    median_help_minutes,
)
from marketplace.domain.errors import ConflictError

T0 = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def _visit(visit_id: int, minute: int, *, behind: bool = False, **changes) -> Visit:
    at = T0 + minute * MIN
    fields = {"state": VisitState.WAITING, "behind": behind, **changes}
    return Visit(visit_id, 1, 700, 100 + visit_id, "", at, at, **fields)


def _hours(*tutors: int) -> DropInHours:
    return DropInHours(1, 700, "calculus", 9000, tutors[0], T0, T0 + 120 * MIN, tutors)


def test_the_line_is_first_come_first_served_with_the_recently_helped_behind():
    visits = [
        _visit(1, 0, behind=True),
        _visit(2, 5),
        _visit(3, 3),
        _visit(4, 1, state=VisitState.HELPING),
        _visit(5, 2, state=VisitState.LEFT),
    ]

    assert [v.visit_id for v in in_line(visits)] == [3, 2, 1]
    assert in_line([_visit(1, 0, state=VisitState.DONE)]) == []


def test_skip_sends_to_the_back_once_then_out_of_the_queue():
    called = _visit(1, 0).called(tutor_id=21, booking_id=7, now=T0 + 10 * MIN)

    back = called.skipped(T0 + 12 * MIN)
    assert (back.state, back.skips, back.order_at, back.booking_id) == (
        VisitState.WAITING,
        1,
        T0 + 12 * MIN,
        None,
    )
    out = back.called(21, 8, T0 + 20 * MIN).skipped(T0 + 21 * MIN)
    assert (out.state, out.skips, out.ended_at) == (VisitState.SKIPPED, 2, T0 + 21 * MIN)


def test_done_records_the_help_length_and_only_a_help_in_progress_can_end():
    called = _visit(1, 0).called(21, 7, T0 + 10 * MIN)

    assert called.done(T0 + 24 * MIN).help_minutes == 14
    with pytest.raises(ConflictError, match="queue_not_helping"):
        _visit(2, 0).done(T0)
    with pytest.raises(ConflictError, match="queue_not_waiting"):
        called.left(T0)
    with pytest.raises(ConflictError, match="queue_not_waiting"):
        called.called(22, 9, T0)


def test_closing_ends_a_help_in_progress_and_takes_the_waiting_out():
    assert _visit(1, 0).closed(T0).state is VisitState.CLOSED
    helped = _visit(2, 0).called(21, 7, T0).closed(T0 + 5 * MIN)
    assert (helped.state, helped.help_minutes) == (VisitState.DONE, 5)


@pytest.mark.parametrize(
    ("last", "minutes", "behind"),
    [(None, 60, False), (T0 - 59 * MIN, 60, True), (T0 - 60 * MIN, 60, False), (T0, 0, False)],
)
def test_a_student_goes_behind_only_within_the_rejoin_window(last, minutes, behind):
    assert goes_behind(last, T0, minutes) is behind


def test_the_typical_help_is_the_recent_median_else_the_default():
    assert median_help_minutes([], 10) == 10
    assert median_help_minutes([4, 30, 8], 10) == 8


@pytest.mark.parametrize(
    ("position", "tutors", "median", "wait"),
    [
        (1, 1, 10, 10),
        (3, 1, 10, 30),
        (3, 2, 10, 20),
        (4, 2, 7.5, 15),
        (1, 1, 0.2, 1),
        (0, 1, 10, 0),
    ],
)
def test_the_wait_is_one_typical_help_per_round_of_tutors(position, tutors, median, wait):
    assert estimated_wait_minutes(position, tutors, median) == wait


@given(position=st.integers(1, 500), tutors=st.integers(1, 10), median=st.floats(0.5, 120))
def test_more_tutors_or_an_earlier_place_never_waits_longer(position, tutors, median):
    wait = estimated_wait_minutes(position, tutors, median)
    assert estimated_wait_minutes(position, tutors + 1, median) <= wait
    assert estimated_wait_minutes(max(1, position - 1), tutors, median) <= wait


def test_a_help_ends_before_the_tutors_next_booking_and_needs_five_free_minutes():
    longest = 60 * MIN
    assert help_end(T0, longest, None) == T0 + longest
    assert help_end(T0, longest, T0 + 30 * MIN) == T0 + 30 * MIN
    with pytest.raises(ConflictError, match="queue_tutor_busy"):
        help_end(T0, longest, T0 + 4 * MIN)
    with pytest.raises(ConflictError, match="queue_tutor_busy"):
        help_end(T0, longest, T0 - 10 * MIN)  # in a booked session right now


def test_the_board_counts_the_line_and_who_is_being_helped():
    visits = [_visit(1, 0).called(21, 7, T0), _visit(2, 1), _visit(3, 2)]

    board = board_of(_hours(21, 22), "Calculus", visits, median_minutes=10)

    assert board.helping == ((21, 101),)
    assert (board.waiting, board.next_wait_minutes, board.closed) == (2, 20, False)
