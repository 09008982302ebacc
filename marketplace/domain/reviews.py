"""Reviews of a completed session (SPEC.md section 3 "Reviews").

Each side of a completed booking reviews the other once: the student the tutor, and the
tutor the student. A review is 1-5 stars, four yes/no ratings (each side has its own
four, see :data:`ASPECTS`) and an optional text. It can be edited for
``review_edit_hours``; the reviewee can reply once and never changes the score. Text with
an abusive word is *held*: stored, but not shown or counted until a moderator releases it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from marketplace.domain.booking import Booking, BookingState, Party
from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    PermissionDeniedError,
    Problem,
)
from marketplace.domain.ranking import ReviewCounts
from marketplace.domain.text import clean_text

STARS_MIN = 1
STARS_MAX = 5
TEXT_MAX_LEN = 1000
REPLY_MAX_LEN = 500
# A deliberately small starter list; moderators see everything it holds.
ABUSIVE_WORDS = frozenset(
    {"idiot", "stupid", "moron", "scammer", "retard", "loser", "bitch", "fuck", "shit"}
)
_WORD = re.compile(r"[^\W\d_]+")


class ReviewStatus(StrEnum):
    """Whether a review counts and shows (visible) or waits for a moderator (held)."""

    VISIBLE = "visible"
    HELD = "held"


class Aspect(StrEnum):
    """A structured rating, a yes or a no; each side answers four (see ASPECTS)."""

    ON_TIME = "on_time"
    EXPLAINED_CLEARLY = "explained_clearly"
    HELPED_UNDERSTAND = "helped_understand"
    WOULD_BOOK_AGAIN = "would_book_again"
    PREPARED = "prepared"
    RESPECTFUL = "respectful"
    WOULD_TEACH_AGAIN = "would_teach_again"


# What is asked about the reviewee, in a fixed order: storage keeps the i-th answer of
# either side in the same i-th yes/no column, so the order is part of the schema.
ASPECTS: dict[Party, tuple[Aspect, ...]] = {
    Party.TUTOR: (
        Aspect.ON_TIME,
        Aspect.EXPLAINED_CLEARLY,
        Aspect.HELPED_UNDERSTAND,
        Aspect.WOULD_BOOK_AGAIN,
    ),
    Party.STUDENT: (
        Aspect.ON_TIME,
        Aspect.PREPARED,
        Aspect.RESPECTFUL,
        Aspect.WOULD_TEACH_AGAIN,
    ),
}


@dataclass(frozen=True, slots=True)
class ReviewContent:
    """What the reviewer said: stars, the aspects they answered yes to, and text."""

    stars: int
    yes: frozenset[Aspect]
    text: str = ""


@dataclass(frozen=True, slots=True)
class Review:
    """One side's review of one booking; ``review_id`` is 0 until it is stored.

    ``about`` is the reviewee's side: ``Party.TUTOR`` for a student's review of the
    tutor (the only kind that feeds ranking), ``Party.STUDENT`` for the tutor's review.
    """

    review_id: int
    guild_id: int
    booking_id: int
    reviewer_id: int
    reviewee_id: int
    about: Party
    content: ReviewContent
    status: ReviewStatus
    created_at: datetime
    edited_at: datetime | None = None
    reply: str = ""
    replied_at: datetime | None = None
    flag_reason: str | None = None  # why it is held: "abusive", "burst", "retaliation", "copy"

    @property
    def counts(self) -> bool:
        """Whether the review is shown and counted in the rating."""
        return self.status is ReviewStatus.VISIBLE

    def editable_until(self, edit_hours: int) -> datetime:
        """The last moment the reviewer may still change it."""
        return self.created_at + timedelta(hours=edit_hours)


def is_abusive(text: str, words: Iterable[str] = ABUSIVE_WORDS) -> bool:
    """Whether ``text`` contains one of ``words`` as a whole word (case-insensitive)."""
    wanted = {w.casefold() for w in words}
    return any(token.casefold() in wanted for token in _WORD.findall(text))


def parse_stars(raw: str) -> int:
    """The stars picked in a select; InputError("stars", unknown_choice) for anything else."""
    if raw.strip() not in {str(n) for n in range(STARS_MIN, STARS_MAX + 1)}:
        raise InputError("stars", Problem.UNKNOWN_CHOICE)
    return int(raw)


def parse_aspects(raw: Iterable[str]) -> frozenset[Aspect]:
    """The aspects ticked in a select; InputError("aspects", unknown_choice) on a forgery.

    Whether they fit the side being reviewed is checked when the review is made.
    """
    try:
        return frozenset(Aspect(value) for value in raw)
    except ValueError:
        raise InputError("aspects", Problem.UNKNOWN_CHOICE) from None


def _check_aspects(content: ReviewContent, about: Party) -> None:
    """InputError("aspects", unknown_choice) for a rating the other side is asked."""
    if not content.yes <= frozenset(ASPECTS[about]):
        raise InputError("aspects", Problem.UNKNOWN_CHOICE)


def make_content(stars: int, yes: Iterable[Aspect], text: str = "") -> ReviewContent:
    """Validated content: stars in 1..5, text cleaned and at most TEXT_MAX_LEN characters."""
    if not STARS_MIN <= stars <= STARS_MAX:
        raise InputError("stars", Problem.OUT_OF_RANGE, STARS_MAX)
    clean = clean_text(
        text, field="review_text", max_len=TEXT_MAX_LEN, required=False, multiline=True
    )
    return ReviewContent(stars, frozenset(yes), clean)


def _status_for(content: ReviewContent, words: Iterable[str]) -> ReviewStatus:
    return ReviewStatus.HELD if is_abusive(content.text, words) else ReviewStatus.VISIBLE


def reviewee_side(booking: Booking, reviewer_id: int) -> Party:
    """The side ``reviewer_id`` reviews (the other one); PermissionDeniedError for others."""
    mine = booking.party_of(reviewer_id, "review")
    return Party.STUDENT if mine is Party.TUTOR else Party.TUTOR


def counterpart_of(booking: Booking, user_id: int) -> int:
    """The other participant of the booking; PermissionDeniedError for non-parties."""
    if reviewee_side(booking, user_id) is Party.TUTOR:
        return booking.tutor_id
    return booking.student_id


def held_for(review: Review, reason: str) -> Review:
    """The review held for a moderator, for `reason` (an abusive hold keeps its reason)."""
    if review.status is ReviewStatus.HELD:
        return review
    return replace(review, status=ReviewStatus.HELD, flag_reason=reason)


def new_review(
    booking: Booking,
    reviewer_id: int,
    content: ReviewContent,
    now: datetime,
    words: Iterable[str] = ABUSIVE_WORDS,
) -> Review:
    """One side's review of the other side of a completed booking.

    The student reviews the tutor and the tutor the student. Raises
    PermissionDeniedError for a non-party, InvalidTransitionError("booking", state,
    "review") before completion, InputError("aspects") for the other side's ratings.
    """
    about = reviewee_side(booking, reviewer_id)
    if booking.state is not BookingState.COMPLETED:
        raise InvalidTransitionError("booking", booking.state.value, "review")
    _check_aspects(content, about)
    return Review(
        review_id=0,
        guild_id=booking.guild_id,
        booking_id=booking.booking_id,
        reviewer_id=reviewer_id,
        reviewee_id=booking.tutor_id if about is Party.TUTOR else booking.student_id,
        about=about,
        content=content,
        status=(status := _status_for(content, words)),
        created_at=now,
        flag_reason="abusive" if status is ReviewStatus.HELD else None,
    )


def edit(  # noqa: PLR0917 - an edit has this many facts
    review: Review,
    editor_id: int,
    content: ReviewContent,
    now: datetime,
    edit_hours: int,
    words: Iterable[str] = ABUSIVE_WORDS,
) -> Review:
    """The review with new content; ConflictError("review_locked") after the edit window.

    A held review stays held (only a moderator releases it); new abusive text holds it.
    """
    if editor_id != review.reviewer_id:
        raise PermissionDeniedError("edit_review", "owner")
    if now > review.editable_until(edit_hours):
        raise ConflictError("review_locked")
    _check_aspects(content, review.about)
    abusive = is_abusive(content.text, words)
    held = review.status is ReviewStatus.HELD or abusive
    status = ReviewStatus.HELD if held else ReviewStatus.VISIBLE
    reason = review.flag_reason or ("abusive" if abusive else None)
    return replace(review, content=content, status=status, edited_at=now, flag_reason=reason)


def add_reply(
    review: Review, replier_id: int, text: str, now: datetime, words: Iterable[str] = ABUSIVE_WORDS
) -> Review:
    """The reviewee's one reply; ConflictError("already_replied") for a second one.

    An abusive reply is refused outright (ConflictError("reply_abusive")): unlike a
    review it carries no score worth keeping for a moderator.
    """
    if replier_id != review.reviewee_id:
        raise PermissionDeniedError("reply_review", "owner")
    if review.replied_at is not None:
        raise ConflictError("already_replied")
    if not review.counts:
        raise InvalidTransitionError("review", review.status.value, "reply")
    clean = clean_text(text, field="reply", max_len=REPLY_MAX_LEN, multiline=True)
    if is_abusive(clean, words):
        raise ConflictError("reply_abusive")
    return replace(review, reply=clean, replied_at=now)


def release(review: Review) -> Review:
    """A held review made visible by a moderator."""
    if review.status is not ReviewStatus.HELD:
        raise InvalidTransitionError("review", review.status.value, "release")
    return replace(review, status=ReviewStatus.VISIBLE)


def _weight(review: Review | None) -> ReviewCounts:
    """What one review contributes to its reviewee's rating as a tutor."""
    if review is None or not review.counts or review.about is not Party.TUTOR:
        return ReviewCounts()
    return ReviewCounts(1, review.content.stars)


def rating_change(before: Review | None, after: Review) -> ReviewCounts:
    """What storing ``after`` over ``before`` adds to the reviewee's rating as a tutor.

    ``before`` is None for a new review. Only a visible review of a tutor counts, with
    its stars: holding it takes it out, releasing it puts it back, an edit moves its
    stars. A review of a student adds nothing.
    """
    return _weight(after) - _weight(before)


def counted_rating(mean: float | None, count: int, min_reviews: int) -> float | None:
    """The rating to show and rank on: the mean once ``min_reviews`` reviews exist."""
    if mean is None or count < min_reviews:
        return None
    return mean
