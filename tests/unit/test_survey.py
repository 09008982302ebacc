"""Survey rules: the two participants of a completed session answer; a reason is cleaned."""

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.errors import InputError, InvalidTransitionError, PermissionDeniedError
from marketplace.domain.survey import (
    REASON_MAX_LEN,
    Answer,
    new_response,
    parse_answer,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STUDENT, TUTOR = 11, 21


def _booking(state: BookingState = BookingState.COMPLETED) -> Booking:
    return Booking(
        booking_id=5, guild_id=1, student_id=STUDENT, tutor_id=TUTOR, subject_key="calculus",
        start=NOW - timedelta(hours=2), end=NOW - timedelta(hours=1), state=state,
        created_at=NOW - timedelta(days=2), expires_at=NOW - timedelta(days=1),
    )  # fmt: skip


@pytest.mark.parametrize("who", [STUDENT, TUTOR])
def test_either_participant_answers_a_completed_session(who):
    response = new_response(_booking(), who, Answer.HELPED, "", NOW)
    assert (response.booking_id, response.user_id, response.answer) == (5, who, Answer.HELPED)
    assert response.answered_at == NOW


def test_a_stranger_cannot_answer():
    with pytest.raises(PermissionDeniedError):
        new_response(_booking(), 99, Answer.HELPED, "", NOW)


@pytest.mark.parametrize("state", [BookingState.CONFIRMED, BookingState.NO_SHOW])
def test_no_survey_before_completion_or_after_a_no_show(state):
    with pytest.raises(InvalidTransitionError):
        new_response(_booking(state), STUDENT, Answer.PARTIALLY, "", NOW)


def test_a_not_helpful_reason_is_cleaned_and_kept():
    response = new_response(
        _booking(), STUDENT, Answer.NOT_HELPFUL, "  too\u200b fast @everyone \n", NOW
    )
    assert response.reason == "too fast ＠everyone"


def test_a_reason_with_another_answer_is_dropped():
    assert new_response(_booking(), STUDENT, Answer.HELPED, "whatever", NOW).reason == ""


def test_a_too_long_reason_is_refused():
    with pytest.raises(InputError) as caught:
        new_response(_booking(), STUDENT, Answer.NOT_HELPFUL, "x" * (REASON_MAX_LEN + 1), NOW)
    assert (caught.value.field, caught.value.limit) == ("survey_reason", REASON_MAX_LEN)


def test_answers_parse_from_button_values_only():
    assert parse_answer("not_helpful") is Answer.NOT_HELPFUL
    with pytest.raises(InputError):
        parse_answer("meh")
