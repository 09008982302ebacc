"""Dispute rules: who may open one and when, the statement, automated rules, decisions."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.attendance import Attendance
from marketplace.domain.booking import Booking, BookingState, Party
from marketplace.domain.disputes import (
    DisputeOutcome,
    DisputeStatus,
    automated_outcome,
    ensure_can_open,
    open_dispute,
    parse_outcome,
    resolve,
    settled_refund,
)
from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    PermissionDeniedError,
)
from marketplace.domain.policy import DEFAULT_POLICY
from marketplace.domain.settlement import Outcome

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
START = NOW + timedelta(days=3)
END = START + timedelta(hours=1)
M = timedelta(minutes=1)
STUDENT, TUTOR = 100, 200
NOBODY = Attendance(None, None)


def confirmed() -> Booking:
    booking, _ = Booking.request(
        booking_id=7, guild_id=1, student_id=STUDENT, tutor_id=TUTOR, subject_key="calculus",
        start=START, end=END, now=NOW, policy=DEFAULT_POLICY, note="",
        price=None, instant=False,
    )  # fmt: skip
    return booking.accept(Party.TUTOR, NOW)[0]


def ended(outcome: Outcome) -> Booking:
    return confirmed().end_session(outcome, END)[0]


@pytest.mark.parametrize("who", [STUDENT, TUTOR])
def test_either_side_may_open_until_the_window_closes_inclusive(who):
    booking = ended(Outcome.COMPLETED)
    deadline = END + timedelta(hours=DEFAULT_POLICY.dispute_window_hours)
    assert ensure_can_open(booking, who, DEFAULT_POLICY, deadline) in (Party.STUDENT, Party.TUTOR)
    with pytest.raises(ConflictError) as late:
        ensure_can_open(booking, who, DEFAULT_POLICY, deadline + timedelta(seconds=1))
    assert late.value.reason == "dispute_window_closed"


def test_a_stranger_may_not_open_one():
    with pytest.raises(PermissionDeniedError):
        ensure_can_open(ended(Outcome.COMPLETED), 999, DEFAULT_POLICY, END)


def test_a_session_not_started_yet_cannot_be_disputed_but_one_under_way_can():
    booking = confirmed()
    with pytest.raises(ConflictError) as early:
        ensure_can_open(booking, STUDENT, DEFAULT_POLICY, START - M)
    assert early.value.reason == "dispute_not_held"
    assert ensure_can_open(booking, STUDENT, DEFAULT_POLICY, START) is Party.STUDENT


def test_a_cancelled_booking_cannot_be_disputed():
    booking = replace(confirmed(), state=BookingState.CANCELLED)
    with pytest.raises(ConflictError):
        ensure_can_open(booking, STUDENT, DEFAULT_POLICY, END)


@pytest.mark.parametrize(
    ("statement", "problem"), [(" \u200b ", "empty"), ("x" * 1501, "too_long")]
)
def test_the_statement_is_required_and_at_most_1500_characters(statement, problem):
    with pytest.raises(InputError) as bad:
        open_dispute(confirmed(), Party.STUDENT, STUDENT, statement, END)
    assert bad.value.problem == problem
    kept = open_dispute(confirmed(), Party.STUDENT, STUDENT, "  line one\nline two ", END)
    assert kept.statement == "line one\nline two"


@pytest.mark.parametrize(
    ("attendance", "booking", "expected"),
    [
        (Attendance(None, START), confirmed(), Outcome.TUTOR_NO_SHOW),
        (Attendance(START + 20 * M, START), confirmed(), Outcome.LATE_START),
        (Attendance(START + 15 * M, START), confirmed(), None),  # on the limit: on time
        (Attendance(START, START), ended(Outcome.COMPLETED), None),
        (NOBODY, confirmed(), None),
        (NOBODY, ended(Outcome.TUTOR_NO_SHOW), Outcome.TUTOR_NO_SHOW),
        (Attendance(START, None), ended(Outcome.STUDENT_NO_SHOW), None),
    ],
)
def test_automated_rules_read_the_check_ins_for_the_student(attendance, booking, expected):
    assert automated_outcome(booking, attendance, Party.STUDENT, DEFAULT_POLICY, END) is expected
    assert automated_outcome(booking, attendance, Party.TUTOR, DEFAULT_POLICY, END) is None


def test_a_tutor_no_show_is_not_decided_before_the_no_show_limit():
    early = START + 10 * M
    attendance = Attendance(None, START)
    assert automated_outcome(confirmed(), attendance, Party.STUDENT, DEFAULT_POLICY, early) is None


def test_what_the_settlement_already_refunded():
    assert settled_refund(confirmed(), DEFAULT_POLICY) == 0
    assert settled_refund(ended(Outcome.LATE_START), DEFAULT_POLICY) == 50
    assert settled_refund(ended(Outcome.TUTOR_NO_SHOW), DEFAULT_POLICY) == 100


def test_a_moderator_decision_is_recorded_once_with_who_when_and_why():
    dispute = open_dispute(confirmed(), Party.STUDENT, STUDENT, "Rude", END)
    decided = resolve(dispute, 9, DisputeOutcome.REFUND, 30, " Logs show it ", END + M)
    assert (decided.status, decided.resolved_by, decided.resolved_at) == (
        DisputeStatus.RESOLVED, 9, END + M,
    )  # fmt: skip
    assert (decided.refund_percent, decided.note) == (30, "Logs show it")
    with pytest.raises(InvalidTransitionError):
        resolve(decided, 9, DisputeOutcome.DISMISS, None, "", END + M)


@pytest.mark.parametrize(
    ("outcome", "percent", "error"),
    [
        (DisputeOutcome.REFUND, None, InputError),
        (DisputeOutcome.REFUND, 101, InputError),
        (DisputeOutcome.REFUND, -1, InputError),
        (DisputeOutcome.NO_REFUND, 20, InputError),
        (DisputeOutcome.REFUND, 40, ConflictError),  # below the 50 % already refunded
    ],
)
def test_bad_decisions_are_refused(outcome, percent, error):
    dispute = open_dispute(confirmed(), Party.STUDENT, STUDENT, "Rude", END)
    with pytest.raises(error):
        resolve(dispute, 9, outcome, percent, "", END, already_refunded=50)


def test_outcomes_are_parsed_and_unknown_ones_refused():
    assert parse_outcome(" Refund ") is DisputeOutcome.REFUND
    with pytest.raises(InputError):
        parse_outcome("maybe")
