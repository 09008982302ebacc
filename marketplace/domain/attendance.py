"""Attendance: when a participant may check in, and what the check-ins say about a session.

SPEC.md "Attendance": the tutor absent ``no_show_after_minutes`` after the start is a
tutor no-show (full refund); the student absent is a student no-show (the tutor is paid);
a tutor who arrives later than that is a late start (a partial refund). When nobody checked
in, nothing proves who was missing, so the decision is left to Mark complete or to the
moderators (a dispute) rather than refunding or paying on no evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.errors import ConflictError, InvalidTransitionError
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.settlement import Outcome


class CheckInWindow(StrEnum):
    """Why a check-in is refused by time (the `ConflictError.reason`)."""

    TOO_EARLY = "check_in_too_early"
    CLOSED = "check_in_closed"


@dataclass(frozen=True, slots=True)
class Attendance:
    """Who checked in and when (None: not checked in)."""

    tutor_at: datetime | None
    student_at: datetime | None

    @classmethod
    def of(cls, booking: Booking, check_ins: dict[int, datetime]) -> Attendance:
        """The booking's attendance from check-in times keyed by user id."""
        return cls(check_ins.get(booking.tutor_id), check_ins.get(booking.student_id))


def check_in_opens(booking: Booking, policy: GuildPolicy) -> datetime:
    """When Check in starts to work: as the session space opens, before the start."""
    return booking.start - timedelta(minutes=policy.space_opens_before_minutes)


def can_check_in(booking: Booking, policy: GuildPolicy, now: datetime) -> bool:
    """Whether a confirmed booking takes check-ins now (from the opening until its end)."""
    opens = check_in_opens(booking, policy)
    return booking.state is BookingState.CONFIRMED and opens <= now < booking.end


def ensure_check_in_allowed(booking: Booking, policy: GuildPolicy, now: datetime) -> None:
    """Raise unless a check-in fits the booking now.

    ``InvalidTransitionError(action="check_in")`` when the booking is not confirmed;
    ``ConflictError`` with a :class:`CheckInWindow` reason outside the time window.
    """
    if booking.state is not BookingState.CONFIRMED:
        raise InvalidTransitionError("booking", booking.state, "check_in")
    if now < check_in_opens(booking, policy):
        raise ConflictError(CheckInWindow.TOO_EARLY)
    if now >= booking.end:
        raise ConflictError(CheckInWindow.CLOSED)


def no_show_verdict(attendance: Attendance) -> Outcome | None:
    """At the attendance check: the no-show to record, or None (both there, or nobody).

    Only one side missing is evidence enough to decide automatically.
    """
    tutor, student = attendance.tutor_at is not None, attendance.student_at is not None
    if student and not tutor:
        return Outcome.TUTOR_NO_SHOW
    if tutor and not student:
        return Outcome.STUDENT_NO_SHOW
    return None


def completion_outcome(booking: Booking, attendance: Attendance, policy: GuildPolicy) -> Outcome:
    """How a session that happened completes: a late start if the tutor came too late."""
    limit = booking.start + timedelta(minutes=policy.no_show_after_minutes)
    if attendance.tutor_at is not None and attendance.tutor_at > limit:
        return Outcome.LATE_START
    return Outcome.COMPLETED


def both_present(attendance: Attendance) -> bool:
    """Both sides checked in (the session started, SPEC.md "Attendance")."""
    return attendance.tutor_at is not None and attendance.student_at is not None
