import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.cancellation import Party
from marketplace.domain.errors import InputError
from marketplace.domain.ranking import (
    NEUTRAL_COMPLETION_PERCENT,
    NEUTRAL_RATING_TENTHS,
    CompletionCounts,
    ReviewCounts,
    TutorCandidate,
    cancel_tally,
    completion_percent,
    rank,
    rating_tenths,
    session_tally,
)
from marketplace.domain.settlement import Outcome

SOON = datetime(2026, 9, 2, 15, tzinfo=UTC)
BASE = TutorCandidate(
    tutor_id=1, subject_level_match=0, reviews=ReviewCounts(10, 45),
    completion=CompletionCounts(held=19, dropped=1), median_response_minutes=30.0,
    late_cancel_penalty=False, rate_minor=2500, next_slot=SOON,
)  # fmt: skip


def tutor(
    tutor_id: int,
    rating: float = 4.5,
    review_count: int = 10,
    completion_rate: float | None = 0.95,
    **changes,
) -> TutorCandidate:
    """BASE with a mean `rating` over `review_count` reviews and a completion rate."""
    reviews = ReviewCounts(review_count, round(rating * review_count))
    held = None if completion_rate is None else round(1000 * completion_rate)
    completion = CompletionCounts() if held is None else CompletionCounts(held, 1000 - held)
    return dataclasses.replace(
        BASE, tutor_id=tutor_id, reviews=reviews, completion=completion, **changes
    )


def ids(candidates) -> list[int]:
    return [c.tutor_id for c in candidates]


def test_exact_level_ranks_before_a_better_rated_farther_match():
    candidates = [tutor(1, subject_level_match=1, rating=5.0), tutor(2, rating=3.5)]
    assert ids(rank(candidates, "best", 3)) == [2, 1]


def test_higher_rating_ranks_first_with_enough_reviews():
    assert ids(rank([tutor(1, rating=4.0), tutor(2, rating=4.8)], "best", 3)) == [2, 1]


def test_rating_with_too_few_reviews_counts_as_neutral():
    lucky = tutor(1, rating=5.0, review_count=1)
    solid = tutor(2, rating=4.2, review_count=20)
    poor = tutor(3, rating=2.0, review_count=20)
    assert ids(rank([lucky, solid, poor], "best", 3)) == [2, 1, 3]


def test_ratings_are_compared_in_tenths_rounded_half_up():
    assert rating_tenths(ReviewCounts(4, 17), 3) == 43  # 4.25
    assert rating_tenths(ReviewCounts(3, 13), 3) == 43  # 4.333...
    assert rating_tenths(ReviewCounts(20, 83), 3) == 42  # 4.15
    assert rating_tenths(ReviewCounts(3, 15), 3) == 50


def test_ratings_equal_to_a_tenth_let_completion_decide():
    sloppy = tutor(1, rating=4.3, completion_rate=0.8)
    reliable = tutor(2, rating=4.25, review_count=4, completion_rate=0.99)
    assert ids(rank([sloppy, reliable], "best", 3)) == [2, 1]


def test_a_rating_needs_the_minimum_reviews_and_at_least_one():
    assert rating_tenths(ReviewCounts(2, 10), 3) == NEUTRAL_RATING_TENTHS
    assert rating_tenths(ReviewCounts(), 0) == NEUTRAL_RATING_TENTHS
    assert rating_tenths(ReviewCounts(1, 5), 0) == 50


def test_completion_is_compared_in_whole_percent_rounded_half_up():
    assert completion_percent(CompletionCounts(held=1, dropped=7)) == 13  # 12.5
    assert completion_percent(CompletionCounts(held=3, dropped=5)) == 38  # 37.5
    assert completion_percent(CompletionCounts(held=2, dropped=1)) == 67
    assert completion_percent(CompletionCounts()) == NEUTRAL_COMPLETION_PERCENT


def test_review_counts_add_up_and_give_the_mean():
    assert ReviewCounts(2, 9) + ReviewCounts(1, 3) == ReviewCounts(3, 12)
    assert ReviewCounts(3, 12) - ReviewCounts(1, 3) == ReviewCounts(2, 9)
    assert ReviewCounts(4, 18).mean == 4.5
    assert ReviewCounts().mean is None


def test_completion_rate_breaks_a_rating_tie():
    assert ids(
        rank([tutor(1, completion_rate=0.8), tutor(2, completion_rate=0.99)], "best", 3)
    ) == [
        2,
        1,
    ]


def test_an_unknown_completion_rate_ranks_as_neutral():
    candidates = [tutor(1, completion_rate=0.8), tutor(2, completion_rate=None), tutor(3)]
    assert ids(rank(candidates, "best", 3)) == [3, 2, 1]


def test_completion_rates_within_a_percent_let_the_next_criteria_decide():
    candidates = [
        tutor(1, completion_rate=0.951, median_response_minutes=300.0),
        tutor(2, completion_rate=0.949, median_response_minutes=5.0),
    ]
    assert ids(rank(candidates, "best", 3)) == [2, 1]


@pytest.mark.parametrize(
    ("outcome", "tally"),
    [
        (Outcome.COMPLETED, CompletionCounts(held=1)),
        (Outcome.LATE_START, CompletionCounts(held=1)),
        (Outcome.TUTOR_NO_SHOW, CompletionCounts(dropped=1)),
        (Outcome.STUDENT_NO_SHOW, CompletionCounts()),
    ],
)
def test_held_sessions_and_tutor_no_shows_count_a_student_no_show_does_not(outcome, tally):
    assert session_tally(outcome) == tally


@pytest.mark.parametrize("by", list(Party))
@pytest.mark.parametrize("was_confirmed", [True, False])
def test_only_a_tutor_calling_off_a_confirmed_booking_counts(by, was_confirmed):
    counted = by is Party.TUTOR and was_confirmed
    expected = CompletionCounts(dropped=1) if counted else CompletionCounts()
    assert cancel_tally(by, was_confirmed=was_confirmed) == expected


def test_the_completion_rate_is_unknown_until_a_session_counts():
    assert CompletionCounts().rate is None
    assert CompletionCounts(dropped=1).rate == 0.0
    assert CompletionCounts(held=3, dropped=1).rate == 0.75
    assert CompletionCounts(held=3).rate == 1.0


def test_faster_response_breaks_a_completion_tie():
    candidates = [tutor(1, median_response_minutes=300.0), tutor(2, median_response_minutes=5.0)]
    assert ids(rank(candidates, "best", 3)) == [2, 1]


def test_penalised_tutor_goes_after_unpenalised_ones_of_the_same_relevance():
    candidates = [tutor(1, rating=5.0, late_cancel_penalty=True), tutor(2, rating=3.9)]
    assert ids(rank(candidates, "best", 3)) == [2, 1]


def test_equal_tutors_are_ordered_by_id():
    assert ids(rank([tutor(9), tutor(3), tutor(5)], "best", 3)) == [3, 5, 9]


def test_price_sort_puts_the_cheapest_first():
    candidates = [tutor(1, rate_minor=3000), tutor(2, rate_minor=1500, rating=3.0)]
    assert ids(rank(candidates, "price", 3)) == [2, 1]


def test_soonest_sort_puts_tutors_without_slots_last():
    candidates = [
        tutor(1, next_slot=None),
        tutor(2, next_slot=SOON + timedelta(days=2)),
        tutor(3, next_slot=SOON),
        tutor(4, next_slot=None, rating=5.0),
    ]
    assert ids(rank(candidates, "soonest", 3)) == [3, 2, 4, 1]


def test_unknown_sort_is_refused():
    with pytest.raises(InputError) as caught:
        rank([], "cheapest", 3)
    assert (caught.value.field, caught.value.problem) == ("sort", "unknown_choice")


reviews = st.integers(0, 20).flatmap(
    lambda n: st.builds(ReviewCounts, st.just(n), st.integers(n, 5 * n))
)
candidates = st.builds(
    TutorCandidate,
    tutor_id=st.integers(1, 10_000),
    subject_level_match=st.integers(0, 2),
    reviews=reviews,
    completion=st.builds(CompletionCounts, st.integers(0, 50), st.integers(0, 50)),
    median_response_minutes=st.none() | st.floats(0, 5000),
    late_cancel_penalty=st.booleans(),
    rate_minor=st.integers(0, 10_000),
    next_slot=st.none() | st.just(SOON),
)


@given(st.lists(candidates, max_size=12, unique_by=lambda c: c.tutor_id), st.randoms())
def test_ranking_is_a_deterministic_permutation(items, random):
    for sort in ("best", "price", "soonest"):
        shuffled = list(items)
        random.shuffle(shuffled)
        ranked = rank(items, sort, 3)
        assert ranked == rank(shuffled, sort, 3)
        assert sorted(ids(ranked)) == sorted(ids(items))
