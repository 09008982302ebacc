import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.cancellation import (
    CancellationOutcome,
    Party,
    cancellation_outcome,
    late_cancel_penalty_active,
    penalty_ends_at,
)
from marketplace.domain.policy import DEFAULT_POLICY

START = datetime(2026, 9, 10, 15, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)


def outcome(by: Party, before_start: timedelta, policy=DEFAULT_POLICY) -> CancellationOutcome:
    return cancellation_outcome(by, START, START - before_start, policy)


def test_student_cancelling_a_day_ahead_gets_everything_back():
    assert outcome(Party.STUDENT, 24 * H) == CancellationOutcome(100, 0, False, False)


def test_student_cancelling_late_gets_half_back():
    assert outcome(Party.STUDENT, 23 * H) == CancellationOutcome(50, 50, True, False)


def test_student_cancelling_late_follows_the_guild_numbers():
    policy = dataclasses.replace(
        DEFAULT_POLICY, late_cancel_refund_percent=30, late_cancel_tutor_share_percent=70
    )
    assert outcome(Party.STUDENT, H, policy) == CancellationOutcome(30, 70, True, False)


def test_student_cancelling_after_the_start_gets_nothing_back():
    assert outcome(Party.STUDENT, -H / 4) == CancellationOutcome(0, 100, True, True)
    assert outcome(Party.STUDENT, timedelta(0)).after_start


@pytest.mark.parametrize("before", [48 * H, 24 * H, 23 * H, H, -H])
def test_tutor_cancelling_always_refunds_in_full(before):
    result = outcome(Party.TUTOR, before)
    assert (result.refund_percent, result.tutor_share_percent) == (100, 0)
    assert result.late == (before < 24 * H)


@pytest.mark.parametrize("party", [Party.SYSTEM, Party.MODERATOR])
def test_system_or_moderator_cancelling_refunds_in_full_and_is_never_late(party):
    assert outcome(party, H) == CancellationOutcome(100, 0, False, False)


def test_full_refund_notice_comes_from_the_policy():
    policy = dataclasses.replace(DEFAULT_POLICY, full_refund_notice_hours=48)
    assert outcome(Party.STUDENT, 30 * H, policy).late


NOW = datetime(2026, 9, 30, tzinfo=UTC)


def test_three_late_cancels_within_thirty_days_penalise_the_tutor():
    cancels = [NOW - 20 * D, NOW - 10 * D, NOW - D]
    assert late_cancel_penalty_active(cancels, NOW, DEFAULT_POLICY)


def test_two_late_cancels_do_not_penalise():
    assert not late_cancel_penalty_active([NOW - 10 * D, NOW - D], NOW, DEFAULT_POLICY)


def test_three_late_cancels_spread_over_more_than_thirty_days_do_not_penalise():
    cancels = [NOW - 40 * D, NOW - 10 * D, NOW - D]
    assert not late_cancel_penalty_active(cancels, NOW, DEFAULT_POLICY)


def test_penalty_lasts_thirty_days_after_the_last_late_cancel():
    cancels = [NOW - 5 * D, NOW - 4 * D, NOW - 3 * D]
    assert penalty_ends_at(cancels, DEFAULT_POLICY) == NOW + 27 * D
    assert late_cancel_penalty_active(cancels, NOW + 26 * D, DEFAULT_POLICY)
    assert not late_cancel_penalty_active(cancels, NOW + 27 * D, DEFAULT_POLICY)


def test_late_cancels_in_the_future_of_now_are_ignored():
    cancels = [NOW - 2 * D, NOW - D, NOW + D]
    assert not late_cancel_penalty_active(cancels, NOW, DEFAULT_POLICY)
