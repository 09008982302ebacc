"""The post-session survey: one quick answer per participant per completed session.

SPEC.md section 1 step 7: after the session each side gets a 30-second survey, helped /
partially / not helpful. "Not helpful" may carry a short reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.errors import InvalidTransitionError, choice
from marketplace.domain.text import clean_text

REASON_MAX_LEN = 300
SUGGESTIONS_SHOWN = 3


class Answer(StrEnum):
    """How the session went, in the participant's own view."""

    HELPED = "helped"
    PARTIALLY = "partially"
    NOT_HELPFUL = "not_helpful"


@dataclass(frozen=True, slots=True)
class SurveyResponse:
    """One participant's answer about one booking, with when they gave it."""

    booking_id: int
    user_id: int
    answer: Answer
    reason: str
    answered_at: datetime


def parse_answer(value: str) -> Answer:
    """The answer a button carries; InputError("survey_answer", unknown_choice) otherwise."""
    return choice(Answer, value, "survey_answer")


def clean_reason(text: str) -> str:
    """The optional "not helpful" reason, made safe to store (at most REASON_MAX_LEN)."""
    return clean_text(text, field="survey_reason", max_len=REASON_MAX_LEN, required=False)


def check_can_answer(booking: Booking, user_id: int) -> None:
    """Only the booking's two participants answer, and only once the session is completed.

    Raises PermissionDeniedError for anyone else, InvalidTransitionError before completion.
    """
    booking.party_of(user_id, "survey")
    if booking.state is not BookingState.COMPLETED:
        raise InvalidTransitionError("booking", booking.state.value, "survey")


def new_response(
    booking: Booking, user_id: int, answer: Answer, reason: str, now: datetime
) -> SurveyResponse:
    """A checked answer; a reason is kept only with "not helpful"."""
    check_can_answer(booking, user_id)
    kept = clean_reason(reason) if answer is Answer.NOT_HELPFUL else ""
    return SurveyResponse(booking.booking_id, user_id, answer, kept, now)
