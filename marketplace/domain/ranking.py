"""Ranking tutors in search results (SPEC.md section 3 "Ranking").

``best`` (the default) orders by, in turn:

1. relevance: ``subject_level_match`` ascending (0 is the exact level);
2. the late-cancellation penalty: a penalised tutor goes after every unpenalised one of
   the same relevance (a plain last tie-breaker would almost never bite);
3. rating, higher first, counted only with at least ``min_reviews_for_rating`` reviews
   (and at least one); a tutor with fewer is given :data:`NEUTRAL_RATING_TENTHS`. Ratings
   are compared in tenths of a star, rounded half up (:func:`rating_tenths`), so that
   near-equal ones let the next criteria decide;
4. completion rate, higher first, in whole percent rounded half up
   (:func:`completion_percent`; unknown: :data:`NEUTRAL_COMPLETION_PERCENT`; see
   "Completion rate" below);
5. median response time, faster first, in :data:`RESPONSE_BUCKET_MINUTES` buckets
   (unknown: :data:`NEUTRAL_RESPONSE_MINUTES`);
6. ``tutor_id``, so the order is deterministic.

``price`` orders by ``rate_minor`` then the ``best`` order; ``soonest`` by ``next_slot``
(tutors with no open slot last) then the ``best`` order.

The rating and completion keys are integer arithmetic on the counts (never a rounded
float), so the search's SQL can compute exactly the same figures to pick which tutors
this ranking sees (``marketplace/storage/marketplace_repositories.py``).

Completion rate
---------------
A tutor's completion rate is the sessions they *held* divided by the sessions that
*ended on them*:

- held: sessions that ended ``completed`` or ``late_start``;
- ended on them: those, plus ``tutor_no_show`` sessions, plus confirmed bookings the
  tutor cancelled (at any time, late or not).

A student no-show, a student's cancellation, and a cancellation by a moderator or the
system don't count for or against the tutor, and neither does a tutor cancelling a
request that was never confirmed. The rate is unknown (``None``) until at least one
session ended on the tutor. :func:`session_tally` and :func:`cancel_tally` say what one
event adds to a tutor's :class:`CompletionCounts`; storage keeps the two counts on the
tutor's profile, updated in the transaction that records the event, so search never
counts bookings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from marketplace.domain.cancellation import Party
from marketplace.domain.errors import choice
from marketplace.domain.settlement import Outcome

__all__ = [
    "NEUTRAL_COMPLETION_PERCENT",
    "NEUTRAL_RATING_TENTHS",
    "NEUTRAL_RESPONSE_MINUTES",
    "RESPONSE_BUCKET_MINUTES",
    "CompletionCounts",
    "RankSort",
    "ReviewCounts",
    "TutorCandidate",
    "cancel_tally",
    "completion_percent",
    "rank",
    "rating_tenths",
    "session_tally",
]

NEUTRAL_RATING_TENTHS = 30  # 3.0 stars
NEUTRAL_COMPLETION_PERCENT = 90
NEUTRAL_RESPONSE_MINUTES = 240.0
RESPONSE_BUCKET_MINUTES = 15


@dataclass(frozen=True, slots=True)
class CompletionCounts:
    """Sessions a tutor held, and those that ended on them without being held.

    ``dropped`` counts tutor no-shows and confirmed bookings the tutor cancelled; the
    sessions that ended on the tutor are ``held + dropped`` (see the module docstring).
    """

    held: int = 0
    dropped: int = 0

    @property
    def ended(self) -> int:
        """Every session that ended on the tutor, held or not."""
        return self.held + self.dropped

    @property
    def rate(self) -> float | None:
        """``held / ended``, from 0 to 1; ``None`` before the first session that counts."""
        return self.held / self.ended if self.ended else None


@dataclass(frozen=True, slots=True)
class ReviewCounts:
    """A tutor's visible reviews as a tutor: how many, and their stars added up.

    Also what one change to a review adds to them (``reviews.rating_change``), which may
    be negative.
    """

    count: int = 0
    stars: int = 0

    def __add__(self, other: ReviewCounts) -> ReviewCounts:
        return ReviewCounts(self.count + other.count, self.stars + other.stars)

    def __sub__(self, other: ReviewCounts) -> ReviewCounts:
        return ReviewCounts(self.count - other.count, self.stars - other.stars)

    @property
    def mean(self) -> float | None:
        """The mean stars; ``None`` without a review."""
        return self.stars / self.count if self.count else None


def rating_tenths(reviews: ReviewCounts, min_reviews: int) -> int:
    """The rating ranked on, in tenths of a star rounded half up.

    :data:`NEUTRAL_RATING_TENTHS` with fewer than ``min_reviews`` reviews (or none).
    """
    if reviews.count < max(min_reviews, 1):
        return NEUTRAL_RATING_TENTHS
    # round(10 * stars / count) half up, in integers: floor((20 * stars + count) / (2 * count))
    return (20 * reviews.stars + reviews.count) // (2 * reviews.count)


def completion_percent(counts: CompletionCounts) -> int:
    """The completion rate ranked on, in whole percent rounded half up.

    :data:`NEUTRAL_COMPLETION_PERCENT` while it is unknown.
    """
    if not counts.ended:
        return NEUTRAL_COMPLETION_PERCENT
    return (200 * counts.held + counts.ended) // (2 * counts.ended)


HELD_OUTCOMES = frozenset({Outcome.COMPLETED, Outcome.LATE_START})


def session_tally(outcome: Outcome) -> CompletionCounts:
    """What a session that ended with ``outcome`` adds to its tutor's counts.

    Held for ``completed`` and ``late_start``, dropped for ``tutor_no_show``, nothing for
    ``student_no_show``.
    """
    if outcome in HELD_OUTCOMES:
        return CompletionCounts(held=1)
    if outcome is Outcome.TUTOR_NO_SHOW:
        return CompletionCounts(dropped=1)
    return CompletionCounts()


def cancel_tally(by: Party, *, was_confirmed: bool) -> CompletionCounts:
    """What a cancellation by ``by`` adds to the tutor's counts.

    Dropped when the tutor called off a confirmed booking; nothing otherwise.
    """
    if by is Party.TUTOR and was_confirmed:
        return CompletionCounts(dropped=1)
    return CompletionCounts()


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
    reviews: ReviewCounts
    completion: CompletionCounts
    median_response_minutes: float | None
    late_cancel_penalty: bool
    rate_minor: int
    next_slot: datetime | None


BestKey = tuple[int, bool, int, int, int, int]


def _best_key(candidate: TutorCandidate, min_reviews: int) -> BestKey:
    response = candidate.median_response_minutes
    return (
        candidate.subject_level_match,
        candidate.late_cancel_penalty,
        -rating_tenths(candidate.reviews, min_reviews),
        -completion_percent(candidate.completion),
        int(
            (NEUTRAL_RESPONSE_MINUTES if response is None else response) // RESPONSE_BUCKET_MINUTES
        ),
        candidate.tutor_id,
    )


def _sort_of(sort: str) -> RankSort:
    return choice(RankSort, sort, "sort")


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
