"""Which reviews wait for a moderator: bursts of new members, retaliation, copy-paste."""

from datetime import UTC, datetime, timedelta

from marketplace.domain.policy import DEFAULT_POLICY
from marketplace.domain.review_integrity import (
    COPY_MIN_CHARS,
    NEW_MEMBER_DAYS,
    RETALIATION_HOURS,
    HoldReason,
    ReviewFacts,
    integrity_hold,
    is_new_member,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
NEW = NOW - timedelta(days=1)
OLD = NOW - timedelta(days=NEW_MEMBER_DAYS, hours=3)


def _facts(**changes) -> ReviewFacts:
    base = {"now": NOW, "text": "", "reviewer_id": 1, "reviewer_joined": NEW}
    return ReviewFacts(**{**base, **changes})


def test_an_ordinary_review_counts_at_once():
    assert integrity_hold(_facts(text="Clear and patient, thank you!"), DEFAULT_POLICY) is None


def test_the_third_new_member_in_a_day_completes_a_burst():
    two = ((NOW - timedelta(hours=1), 2, NEW), (NOW - timedelta(hours=2), 3, NEW))
    assert integrity_hold(_facts(earlier_reviews=two), DEFAULT_POLICY) is HoldReason.BURST
    assert integrity_hold(_facts(earlier_reviews=two[:1]), DEFAULT_POLICY) is None


def test_no_burst_from_old_members_outside_the_window_or_about_a_student():
    policy = DEFAULT_POLICY
    two_old = ((NOW - timedelta(hours=1), 2, OLD), (NOW - timedelta(hours=2), 3, OLD))
    assert integrity_hold(_facts(earlier_reviews=two_old), policy) is None
    late = timedelta(hours=policy.review_burst_hours, seconds=1)
    two_late = ((NOW - late, 2, NEW), (NOW - late, 3, NEW))
    assert integrity_hold(_facts(earlier_reviews=two_late), policy) is None
    two = ((NOW, 2, NEW), (NOW, 3, NEW))
    assert integrity_hold(_facts(earlier_reviews=two, reviewer_joined=OLD), policy) is None
    assert integrity_hold(_facts(earlier_reviews=two, about_tutor=False), policy) is None


def test_one_student_reviewing_several_sessions_is_not_a_burst():
    mine = ((NOW - timedelta(hours=1), 1, NEW), (NOW - timedelta(hours=2), 1, NEW))
    assert integrity_hold(_facts(earlier_reviews=mine), DEFAULT_POLICY) is None


def test_a_review_right_after_a_dispute_or_report_is_retaliation():
    inside = NOW - timedelta(hours=RETALIATION_HOURS)
    outside = NOW - timedelta(hours=RETALIATION_HOURS, seconds=1)
    assert integrity_hold(_facts(conflicts=(inside,)), DEFAULT_POLICY) is HoldReason.RETALIATION
    assert integrity_hold(_facts(conflicts=(outside,)), DEFAULT_POLICY) is None


def test_the_same_text_about_someone_else_is_a_copy_but_short_texts_are_not():
    text = "Best tutor ever, totally recommend!!"
    others = ("  best TUTOR ever,   totally recommend!! ",)
    assert integrity_hold(_facts(text=text, texts_about_others=others), DEFAULT_POLICY) is (
        HoldReason.COPY
    )
    short = "x" * (COPY_MIN_CHARS - 1)
    assert integrity_hold(_facts(text=short, texts_about_others=(short,)), DEFAULT_POLICY) is None


def test_an_unknown_join_time_counts_as_new():
    assert is_new_member(None, NOW)
    assert not is_new_member(OLD, NOW)
