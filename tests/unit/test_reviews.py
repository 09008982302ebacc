"""Review rules: completed sessions only, validation, the edit window, one reply, abuse held."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.booking import Booking, BookingState, Party
from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    PermissionDeniedError,
)
from marketplace.domain.ranking import ReviewCounts
from marketplace.domain.reviews import (
    ASPECTS,
    REPLY_MAX_LEN,
    TEXT_MAX_LEN,
    Aspect,
    ReviewStatus,
    add_reply,
    counted_rating,
    edit,
    is_abusive,
    make_content,
    new_review,
    parse_aspects,
    parse_stars,
    rating_change,
    release,
    reviewee_side,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STUDENT, TUTOR = 11, 21


def _booking(state: BookingState = BookingState.COMPLETED) -> Booking:
    return Booking(
        booking_id=5, guild_id=1, student_id=STUDENT, tutor_id=TUTOR, subject_key="calculus",
        start=NOW - timedelta(hours=2), end=NOW - timedelta(hours=1), state=state,
        created_at=NOW - timedelta(days=2), expires_at=NOW - timedelta(days=1),
    )  # fmt: skip


def _review(text: str = "Great session", stars: int = 5):
    content = make_content(stars, {Aspect.ON_TIME, Aspect.WOULD_BOOK_AGAIN}, text)
    return new_review(_booking(), STUDENT, content, NOW)


def _student_review(text: str = "Well prepared", stars: int = 4):
    content = make_content(stars, {Aspect.PREPARED, Aspect.WOULD_TEACH_AGAIN}, text)
    return new_review(_booking(), TUTOR, content, NOW)


def test_the_student_reviews_the_tutor_of_a_completed_session():
    review = _review()
    assert (review.reviewer_id, review.reviewee_id, review.booking_id) == (STUDENT, TUTOR, 5)
    assert review.about is Party.TUTOR
    assert review.status is ReviewStatus.VISIBLE
    assert review.counts
    assert review.content.yes == {Aspect.ON_TIME, Aspect.WOULD_BOOK_AGAIN}


@pytest.mark.parametrize(
    "state", [BookingState.CONFIRMED, BookingState.CANCELLED, BookingState.NO_SHOW]
)
def test_a_session_that_was_not_completed_cannot_be_reviewed(state):
    content = make_content(4, set())
    with pytest.raises(InvalidTransitionError) as caught:
        new_review(_booking(state), STUDENT, content, NOW)
    assert caught.value.action == "review"


def test_the_tutor_reviews_the_student_of_a_completed_session():
    review = _student_review()
    assert (review.reviewer_id, review.reviewee_id, review.about) == (TUTOR, STUDENT, Party.STUDENT)
    assert review.counts
    assert review.content.yes == {Aspect.PREPARED, Aspect.WOULD_TEACH_AGAIN}


def test_each_side_answers_four_ratings_of_its_own_and_on_time_is_shared():
    assert len(ASPECTS[Party.TUTOR]) == len(ASPECTS[Party.STUDENT]) == 4
    assert set(ASPECTS[Party.TUTOR]) & set(ASPECTS[Party.STUDENT]) == {Aspect.ON_TIME}
    assert set(ASPECTS[Party.TUTOR]) | set(ASPECTS[Party.STUDENT]) == set(Aspect)
    assert reviewee_side(_booking(), STUDENT) is Party.TUTOR
    assert reviewee_side(_booking(), TUTOR) is Party.STUDENT


def test_a_rating_meant_for_the_other_side_is_refused():
    with pytest.raises(InputError) as caught:
        new_review(_booking(), TUTOR, make_content(4, {Aspect.EXPLAINED_CLEARLY}), NOW)
    assert caught.value.field == "aspects"
    with pytest.raises(InputError):
        new_review(_booking(), STUDENT, make_content(4, {Aspect.PREPARED}), NOW)
    with pytest.raises(InputError):
        edit(_student_review(), TUTOR, make_content(4, {Aspect.WOULD_BOOK_AGAIN}), NOW, 24)


@pytest.mark.parametrize(
    "state", [BookingState.CONFIRMED, BookingState.CANCELLED, BookingState.NO_SHOW]
)
def test_the_tutor_cannot_review_a_session_that_was_not_completed(state):
    with pytest.raises(InvalidTransitionError):
        new_review(_booking(state), TUTOR, make_content(4, set()), NOW)


def test_strangers_cannot_review():
    with pytest.raises(PermissionDeniedError):
        new_review(_booking(), 99, make_content(4, set()), NOW)


@pytest.mark.parametrize("raw", ["0", "6", "", "five", "4.5", "-1"])
def test_stars_outside_one_to_five_are_refused(raw):
    with pytest.raises(InputError) as caught:
        parse_stars(raw)
    assert caught.value.field == "stars"


def test_stars_out_of_range_in_content_are_refused():
    with pytest.raises(InputError):
        make_content(0, set())


def test_a_forged_aspect_is_refused():
    assert parse_aspects(["on_time"]) == {Aspect.ON_TIME}
    with pytest.raises(InputError) as caught:
        parse_aspects(["on_time", "bribed_me"])
    assert caught.value.field == "aspects"


def test_text_is_optional_cleaned_and_limited():
    assert make_content(3, set(), "  \u200b ").text == ""
    assert make_content(3, set(), "Good @everyone").text == "Good ＠everyone"
    with pytest.raises(InputError) as caught:
        make_content(3, set(), "x" * (TEXT_MAX_LEN + 1))
    assert caught.value.problem == "too_long"


def test_editing_works_inside_the_window_and_is_refused_after():
    review = _review()
    better = make_content(4, set(), "Good, a bit rushed")
    edited = edit(review, STUDENT, better, NOW + timedelta(hours=23), 24)
    assert edited.content == better
    assert edited.edited_at == NOW + timedelta(hours=23)
    with pytest.raises(ConflictError, match="review_locked"):
        edit(review, STUDENT, better, NOW + timedelta(hours=24, seconds=1), 24)


def test_only_the_author_edits():
    with pytest.raises(PermissionDeniedError):
        edit(_review(), TUTOR, make_content(1, set()), NOW, 24)
    with pytest.raises(PermissionDeniedError):
        edit(_student_review(), STUDENT, make_content(1, set()), NOW, 24)


def test_the_tutor_edits_their_review_of_the_student_for_24_hours():
    review = _student_review()
    later = make_content(2, {Aspect.ON_TIME}, "Came without the exercises")
    assert edit(review, TUTOR, later, NOW + timedelta(hours=24), 24).content == later
    with pytest.raises(ConflictError, match="review_locked"):
        edit(review, TUTOR, later, NOW + timedelta(hours=24, seconds=1), 24)


def test_the_tutor_replies_once():
    replied = add_reply(_review(), TUTOR, "Thanks, see you next week!", NOW)
    assert replied.reply == "Thanks, see you next week!"
    assert replied.content.stars == 5
    with pytest.raises(ConflictError, match="already_replied"):
        add_reply(replied, TUTOR, "And again", NOW)
    with pytest.raises(PermissionDeniedError):
        add_reply(_review(), STUDENT, "Me too", NOW)
    with pytest.raises(InputError):
        add_reply(_review(), TUTOR, "r" * (REPLY_MAX_LEN + 1), NOW)


def test_the_student_replies_once_to_the_tutors_review():
    replied = add_reply(_student_review(), STUDENT, "Thanks, I'll bring the sheet next time", NOW)
    assert replied.reply.startswith("Thanks")
    assert replied.content.stars == 4
    with pytest.raises(ConflictError, match="already_replied"):
        add_reply(replied, STUDENT, "Again", NOW)
    with pytest.raises(PermissionDeniedError):
        add_reply(_student_review(), TUTOR, "My own", NOW)


def test_an_abusive_review_of_a_student_is_held():
    held = _student_review("Lazy loser")
    assert held.status is ReviewStatus.HELD
    assert not held.counts
    with pytest.raises(InvalidTransitionError):
        add_reply(held, STUDENT, "Hm", NOW)
    assert release(held).counts


def test_abusive_text_is_held_and_released_by_a_moderator():
    held = _review("What an IDIOT.")
    assert held.status is ReviewStatus.HELD
    assert not held.counts
    with pytest.raises(InvalidTransitionError):
        add_reply(held, TUTOR, "Hm", NOW)
    released = release(held)
    assert released.counts
    with pytest.raises(InvalidTransitionError):
        release(released)


def test_a_held_review_stays_held_after_a_clean_edit_and_bad_words_hold_an_edit():
    held = _review("stupid")
    assert edit(held, STUDENT, make_content(5, set(), "fine"), NOW, 24).status is ReviewStatus.HELD
    clean = _review()
    assert edit(clean, STUDENT, make_content(1, set(), "moron"), NOW, 24).status is (
        ReviewStatus.HELD
    )


def test_abuse_matches_whole_words_only():
    assert is_abusive("you scammer!")
    assert not is_abusive("Scunthorpe is lovely; I understood shiitake")
    assert is_abusive("nice", words=["nice"])


def test_an_abusive_reply_is_refused():
    with pytest.raises(ConflictError, match="reply_abusive"):
        add_reply(_review(), TUTOR, "You loser", NOW)


def test_the_rating_counts_only_with_enough_reviews():
    assert counted_rating(4.5, 2, 3) is None
    assert counted_rating(4.5, 3, 3) == 4.5
    assert counted_rating(None, 0, 1) is None


def test_the_edit_window_follows_the_guild_setting():
    review = replace(_review(), created_at=NOW)
    assert review.editable_until(48) == NOW + timedelta(hours=48)


def test_a_visible_review_of_a_tutor_adds_its_stars_to_their_rating():
    assert rating_change(None, _review(stars=4)) == ReviewCounts(1, 4)
    assert rating_change(None, _review("You idiot", stars=1)) == ReviewCounts()


def test_holding_releasing_and_editing_move_the_tutors_rating():
    visible = _review(stars=4)
    held = edit(visible, STUDENT, make_content(2, set(), "idiot"), NOW, 48)
    assert rating_change(visible, held) == ReviewCounts(-1, -4)
    assert rating_change(held, release(held)) == ReviewCounts(1, 2)
    restarred = edit(visible, STUDENT, make_content(5, set()), NOW, 48)
    assert rating_change(visible, restarred) == ReviewCounts(0, 1)
    assert rating_change(visible, add_reply(visible, TUTOR, "Thanks", NOW)) == ReviewCounts()


def test_a_review_of_a_student_never_moves_a_rating():
    review = _student_review(stars=2)
    assert rating_change(None, review) == ReviewCounts()
    assert rating_change(review, replace(review, status=ReviewStatus.HELD)) == ReviewCounts()
