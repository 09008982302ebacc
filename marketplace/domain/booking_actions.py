"""What a viewer may do with a booking right now, and why not: one answer for every UI.

The rules reuse :data:`~marketplace.domain.booking.ALLOWED_FROM` and the booking's own
predicates, so a button is offered exactly when the transition behind it would succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from marketplace.domain.booking import ALLOWED_FROM, Booking, BookingState

__all__ = ["Action", "AllowedActions", "Refusal", "allowed_actions"]


class Action(StrEnum):
    """Something the `/bookings` list can offer on a booking."""

    PAY = "pay"
    MARK_COMPLETE = "mark_complete"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    REVIEW = "review"


class Refusal(StrEnum):
    """Why an action is not offered."""

    WRONG_STATE = "wrong_state"
    NOT_STARTED = "not_started"
    ONLY_THE_STUDENT = "only_the_student"
    UNPAID = "unpaid"
    ALREADY_STARTED = "already_started"  # past its start it is marked complete instead
    GROUP_SEAT = "group_seat"  # a group session keeps the time its tutor set


@dataclass(frozen=True, slots=True)
class AllowedActions:
    """The viewer's allowed actions, and a reason for each one refused."""

    allowed: frozenset[Action]
    refused: dict[Action, Refusal]

    def __contains__(self, action: object) -> bool:
        return action in self.allowed


def _pay(booking: Booking, viewer_id: int) -> Refusal | None:
    if booking.state not in ALLOWED_FROM["pay"] or booking.price is None:
        return Refusal.WRONG_STATE
    return None if viewer_id == booking.student_id else Refusal.ONLY_THE_STUDENT


def _mark_complete(booking: Booking, now: datetime) -> Refusal | None:
    if booking.state not in ALLOWED_FROM["complete"]:
        return Refusal.WRONG_STATE
    return None if booking.can_end_session(now) else Refusal.NOT_STARTED


def _reschedule(booking: Booking, now: datetime) -> Refusal | None:
    # Offered on any booking not awaiting payment that cannot be marked complete (even one
    # listed only for its dispute window): the reschedule flow explains what is refused.
    if booking.state in (BookingState.COMPLETED, BookingState.NO_SHOW):
        return Refusal.WRONG_STATE
    if booking.state is BookingState.AWAITING_PAYMENT:
        return Refusal.UNPAID
    if booking.group_id is not None:
        return Refusal.GROUP_SEAT
    return Refusal.ALREADY_STARTED if booking.can_end_session(now) else None


def _cancel(booking: Booking) -> Refusal | None:
    return None if booking.live else Refusal.WRONG_STATE


def _review(booking: Booking) -> Refusal | None:
    return None if booking.state is BookingState.COMPLETED else Refusal.WRONG_STATE


def allowed_actions(booking: Booking, viewer_id: int, now: datetime) -> AllowedActions:
    """Return which actions ``viewer_id`` may take on ``booking`` at ``now``, and why not."""
    answers = {
        Action.PAY: _pay(booking, viewer_id),
        Action.MARK_COMPLETE: _mark_complete(booking, now),
        Action.RESCHEDULE: _reschedule(booking, now),
        Action.CANCEL: _cancel(booking),
        Action.REVIEW: _review(booking),
    }
    allowed = frozenset(a for a, why in answers.items() if why is None)
    refused = {a: why for a, why in answers.items() if why is not None}
    return AllowedActions(allowed, refused)
