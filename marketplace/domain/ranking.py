"""Ranking tutors in search results (SPEC.md section 3 "Ranking").

``best`` (the default) orders by, in turn:

1. relevance: ``subject_level_match`` ascending (0 is the exact level);
2. the late-cancellation penalty: a penalised tutor goes after every unpenalised one of
   the same relevance (a plain last tie-breaker would almost never bite);
3. rating, higher first, counted only with at least ``min_reviews_for_rating`` reviews;
   a tutor with fewer is given :data:`NEUTRAL_RATING`. Ratings are compared to one
   decimal so that near-equal ones let the next criteria decide;
4. completion rate, higher first, to the whole percent (unknown: :data:`NEUTRAL_COMPLETION`);
5. median response time, faster first, in :data:`RESPONSE_BUCKET_MINUTES` buckets
   (unknown: :data:`NEUTRAL_RESPONSE_MINUTES`);
6. ``tutor_id``, so the order is deterministic.

``price`` orders by ``rate_minor`` then the ``best`` order; ``soonest`` by ``next_slot``
(tutors with no open slot last) then the ``best`` order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from marketplace.domain.errors import InputError, Problem

__all__ = [
    "NEUTRAL_COMPLETION",
    "NEUTRAL_RATING",
    "NEUTRAL_RESPONSE_MINUTES",
    "RESPONSE_BUCKET_MINUTES",
    "RankSort",
    "TutorCandidate",
    "rank",
]

NEUTRAL_RATING = 3.0
NEUTRAL_COMPLETION = 0.9
NEUTRAL_RESPONSE_MINUTES = 240.0
RESPONSE_BUCKET_MINUTES = 15


class RankSort(StrEnum):
    """How the student asked results to be sorted."""

    BEST = "best"
    PRICE = "price"
    SOONEST = "soonest"


@dataclass(frozen=True, slots=True)
class TutorCandidate:
    """What ranking knows about one tutor who matches a search."""

    tutor_id: int
    subject_level_match: int
    rating: float | None
    review_count: int
    completion_rate: float | None
    median_response_minutes: float | None
    late_cancel_penalty: bool
    rate_minor: int
    next_slot: datetime | None


BestKey = tuple[int, bool, float, int, int, int]


def _best_key(candidate: TutorCandidate, min_reviews: int) -> BestKey:
    counted = candidate.rating is not None and candidate.review_count >= min_reviews
    rating = candidate.rating if counted and candidate.rating is not None else NEUTRAL_RATING
    completion = candidate.completion_rate
    response = candidate.median_response_minutes
    return (
        candidate.subject_level_match,
        candidate.late_cancel_penalty,
        -round(rating, 1),
        -round(100 * (NEUTRAL_COMPLETION if completion is None else completion)),
        int(
            (NEUTRAL_RESPONSE_MINUTES if response is None else response) // RESPONSE_BUCKET_MINUTES
        ),
        candidate.tutor_id,
    )


def _sort_of(sort: str) -> RankSort:
    try:
        return RankSort(sort)
    except ValueError:
        raise InputError("sort", Problem.UNKNOWN_CHOICE) from None


def rank(
    candidates: Iterable[TutorCandidate], sort: str, min_reviews_for_rating: int
) -> list[TutorCandidate]:
    """Return ``candidates`` in the order search shows them (see the module docstring).

    ``sort`` is ``best``, ``price`` or ``soonest``; anything else raises
    ``InputError("sort", "unknown_choice")``. Equal inputs always give the same order.
    """
    chosen = _sort_of(sort)
    items = list(candidates)
    if chosen is RankSort.PRICE:
        return sorted(items, key=lambda c: (c.rate_minor, _best_key(c, min_reviews_for_rating)))
    if chosen is RankSort.SOONEST:
        return sorted(items, key=lambda c: _soonest_key(c, min_reviews_for_rating))
    return sorted(items, key=lambda c: _best_key(c, min_reviews_for_rating))


def _soonest_key(
    candidate: TutorCandidate, min_reviews: int
) -> tuple[bool, datetime | None, BestKey]:
    slot = candidate.next_slot
    # A None slot only ever meets another None (the flag differs otherwise), and tuple
    # comparison skips equal items, so None is never ordered against a datetime.
    return (slot is None, slot, _best_key(candidate, min_reviews))
