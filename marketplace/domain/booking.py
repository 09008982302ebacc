"""The booking state machine: each transition is a method with its allowed from-states.

Transitions return ``(new_booking, event)``; the booking itself is never mutated.
Events are past-tense records for the outbox. Any transition from a state not listed in
:data:`ALLOWED_FROM` raises :class:`InvalidTransitionError`; an actor who may not take
the action raises :class:`PermissionDeniedError` (needed ``"owner"``).

In a paid guild a request starts in ``awaiting_payment``, holding the slot until the
checkout expires; once the payment is held it becomes ``requested`` (or ``confirmed``
with instant booking). A session that was on ends ``completed`` or ``no_show``, with its
:class:`Outcome`. A pending reschedule is not a state: a confirmed booking carries
``proposed_start``/``proposed_end`` until the counterparty answers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from marketplace.domain.cancellation import Party, cancellation_outcome
from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    PermissionDeniedError,
    Problem,
)
from marketplace.domain.money import Money
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.settlement import Outcome

__all__ = [
    "ALLOWED_FROM",
    "LIVE_STATES",
    "TERMINAL_STATES",
    "Booking",
    "BookingCancelled",
    "BookingConfirmed",
    "BookingDeclined",
    "BookingEvent",
    "BookingExpired",
    "BookingRequested",
    "BookingRescheduled",
    "BookingState",
    "Outcome",
    "Party",
    "RescheduleDeclined",
    "RescheduleRequested",
    "SessionEnded",
    "earliest_start",
    "request_expiry",
    "validate_booking_time",
]

_OWNER = "owner"


class BookingState(StrEnum):
    """Where a booking is in its life."""

    REQUESTED = "requested"
    AWAITING_PAYMENT = "awaiting_payment"  # a paid guild's request until the hold exists
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    COMPLETED = "completed"  # the session happened (possibly with a late start)
    NO_SHOW = "no_show"  # one side did not come: see `Booking.outcome`


_S = BookingState
TERMINAL_STATES = frozenset({_S.DECLINED, _S.EXPIRED, _S.CANCELLED})

ALLOWED_FROM: MappingProxyType[str, frozenset[BookingState]] = MappingProxyType(
    {
        "pay": frozenset({_S.AWAITING_PAYMENT}),
        "accept": frozenset({_S.REQUESTED}),
        "decline": frozenset({_S.REQUESTED}),
        "expire": frozenset({_S.REQUESTED, _S.AWAITING_PAYMENT}),
        "cancel": frozenset({_S.AWAITING_PAYMENT, _S.REQUESTED, _S.CONFIRMED}),
        "complete": frozenset({_S.CONFIRMED}),
        "no_show": frozenset({_S.CONFIRMED}),
        "request_reschedule": frozenset({_S.CONFIRMED}),
        "accept_reschedule": frozenset({_S.CONFIRMED}),
        "decline_reschedule": frozenset({_S.CONFIRMED}),
    }
)

# A booking is live while it can still be cancelled: it holds the tutor's time.
LIVE_STATES = ALLOWED_FROM["cancel"]


@dataclass(frozen=True, slots=True)
class BookingRequested:
    """A student asked a tutor for a session."""

    booking_id: int
    student_id: int
    tutor_id: int
    start: datetime
    end: datetime
    expires_at: datetime
    at: datetime


@dataclass(frozen=True, slots=True)
class BookingConfirmed:
    """The session is on: the tutor accepted, or instant booking confirmed it."""

    booking_id: int
    start: datetime
    end: datetime
    instant: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class BookingDeclined:
    """The tutor said no to a request."""

    booking_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class BookingExpired:
    """Nobody answered the request in time."""

    booking_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class BookingCancelled:
    """A booking was called off; the percentages are the policy outcome."""

    booking_id: int
    by: Party
    late: bool
    after_start: bool
    refund_percent: int
    tutor_share_percent: int
    sequence: int
    at: datetime


@dataclass(frozen=True, slots=True)
class SessionEnded:
    """A session that was on is over: completed (maybe late), or someone did not come."""

    booking_id: int
    outcome: Outcome
    at: datetime


@dataclass(frozen=True, slots=True)
class RescheduleRequested:
    """One side proposed a new time; the other must answer."""

    booking_id: int
    by: Party
    proposed_start: datetime
    proposed_end: datetime
    at: datetime


@dataclass(frozen=True, slots=True)
class BookingRescheduled:
    """The booking moved to a new time (same booking, same payment)."""

    booking_id: int
    old_start: datetime
    old_end: datetime
    start: datetime
    end: datetime
    sequence: int
    at: datetime


@dataclass(frozen=True, slots=True)
class RescheduleDeclined:
    """A proposed new time was refused; the booking keeps its time."""

    booking_id: int
    by: Party
    at: datetime


BookingEvent = (
    BookingRequested
    | BookingConfirmed
    | BookingDeclined
    | BookingExpired
    | BookingCancelled
    | RescheduleRequested
    | BookingRescheduled
    | RescheduleDeclined
    | SessionEnded
)


def request_expiry(created_at: datetime, start: datetime, policy: GuildPolicy) -> datetime:
    """Return when a request made at ``created_at`` expires unanswered.

    ``request_expiry_hours`` after it was made, or ``request_expiry_before_start_minutes``
    before the start, whichever is sooner. The result may be at or before ``created_at``
    when the start is that close; such a request is expired as soon as it is swept.
    """
    by_age = created_at + timedelta(hours=policy.request_expiry_hours)
    by_start = start - timedelta(minutes=policy.request_expiry_before_start_minutes)
    return min(by_age, by_start)


def validate_booking_time(
    start: datetime, duration_minutes: int, now: datetime, policy: GuildPolicy
) -> datetime:
    """Return the end of a session of ``duration_minutes`` starting at ``start``.

    ``InputError``: ``("duration", "unknown_choice")`` for a duration the guild does not
    offer; on ``"when"``: ``in_the_past``, ``too_soon`` (limit: minimum notice in
    minutes), ``too_far_ahead`` (limit: horizon in days).
    """
    if duration_minutes not in policy.allowed_durations_minutes:
        raise InputError("duration", Problem.UNKNOWN_CHOICE)
    if start < now:
        raise InputError("when", Problem.IN_THE_PAST)
    if start < now + timedelta(minutes=policy.min_notice_minutes):
        raise InputError("when", Problem.TOO_SOON, policy.min_notice_minutes)
    if start > now + timedelta(days=policy.booking_horizon_days):
        raise InputError("when", Problem.TOO_FAR_AHEAD, policy.booking_horizon_days)
    return start + timedelta(minutes=duration_minutes)


def _counterparty(party: Party) -> Party:
    return Party.TUTOR if party is Party.STUDENT else Party.STUDENT


@dataclass(frozen=True, slots=True)
class Booking:
    """One session between a student and a tutor; times are aware UTC.

    ``sequence`` is the iCalendar SEQUENCE: it grows on every time change and on
    cancellation, never shrinks. ``proposed_*`` hold a pending reschedule proposed by
    ``proposed_by``.
    """

    booking_id: int
    guild_id: int
    student_id: int
    tutor_id: int
    subject_key: str
    start: datetime
    end: datetime
    state: BookingState
    created_at: datetime
    expires_at: datetime
    note: str = ""
    price: Money | None = None
    cancelled_by: Party | None = None
    cancelled_at: datetime | None = None
    cancelled_late: bool = False
    cancelled_after_start: bool = False
    proposed_start: datetime | None = None
    proposed_end: datetime | None = None
    proposed_by: Party | None = None
    sequence: int = 0
    instant: bool = False
    outcome: Outcome | None = None
    group_id: int | None = None  # a seat of this group session: the group holds the time

    @classmethod
    def request(
        cls,
        *,
        booking_id: int,
        guild_id: int,
        student_id: int,
        tutor_id: int,
        subject_key: str,
        start: datetime,
        end: datetime,
        now: datetime,
        policy: GuildPolicy,
        note: str = "",
        price: Money | None = None,
        instant: bool = False,
        pay_by: datetime | None = None,
        group_id: int | None = None,
    ) -> tuple[Booking, BookingRequested | BookingConfirmed]:
        """Create a booking request; with ``instant`` it is confirmed at once.

        With ``pay_by`` (a paid session) it awaits payment until then instead, and
        becomes a request (or is confirmed) once :meth:`pay` records the hold.

        Raises ``ConflictError("self_booking")`` when student and tutor are the same
        person and ``InputError("when", "end_before_start")`` for an empty interval.
        Times are validated against the policy by :func:`validate_booking_time`.
        """
        if student_id == tutor_id:
            raise ConflictError("self_booking")
        if end <= start:
            raise InputError("when", Problem.END_BEFORE_START)
        state = _S.CONFIRMED if instant else _S.REQUESTED
        expires_at = request_expiry(now, start, policy)
        if pay_by is not None:
            state, expires_at = _S.AWAITING_PAYMENT, pay_by
        booking = cls(
            booking_id=booking_id, guild_id=guild_id, student_id=student_id,
            tutor_id=tutor_id, subject_key=subject_key, start=start, end=end, state=state,
            created_at=now, expires_at=expires_at, note=note, price=price, instant=instant,
            group_id=group_id,
        )  # fmt: skip
        if state is _S.CONFIRMED:
            return booking, BookingConfirmed(booking_id, start, end, instant=True, at=now)
        return booking, BookingRequested(
            booking_id, student_id, tutor_id, start, end, booking.expires_at, now
        )

    @property
    def terminal(self) -> bool:
        """True when no transition can ever leave this state."""
        return self.state in TERMINAL_STATES

    @property
    def reschedule_pending(self) -> bool:
        """True while a proposed new time awaits an answer."""
        return self.proposed_start is not None

    @property
    def live(self) -> bool:
        """True while the booking still holds the tutor's time (and can be cancelled)."""
        return self.state in LIVE_STATES

    def can_end_session(self, now: datetime) -> bool:
        """True when :meth:`end_session` would accept a completion now."""
        return self.state in ALLOWED_FROM["complete"] and now >= self.start

    def party_of(self, user_id: int, action: str) -> Party:
        """Return whether ``user_id`` is this booking's student or tutor.

        Raises ``PermissionDeniedError(action, "owner")`` for anyone else.
        """
        if user_id == self.student_id:
            return Party.STUDENT
        if user_id == self.tutor_id:
            return Party.TUTOR
        raise PermissionDeniedError(action, _OWNER)

    def _check(self, action: str) -> None:
        if self.state not in ALLOWED_FROM[action]:
            raise InvalidTransitionError("booking", self.state, action)

    def _only(self, action: str, by: Party, *allowed: Party) -> None:
        if by not in allowed:
            raise PermissionDeniedError(action, _OWNER)

    def pay(
        self, now: datetime, policy: GuildPolicy
    ) -> tuple[Booking, BookingRequested | BookingConfirmed]:
        """The payment is held: the request goes to the tutor (or is confirmed if instant).

        The tutor's answer window starts now, as for a free request.
        """
        self._check("pay")
        if self.instant:
            booking = dataclasses.replace(self, state=_S.CONFIRMED)
            return booking, BookingConfirmed(self.booking_id, self.start, self.end, True, now)
        expires_at = request_expiry(now, self.start, policy)
        booking = dataclasses.replace(self, state=_S.REQUESTED, expires_at=expires_at)
        event = BookingRequested(
            self.booking_id, self.student_id, self.tutor_id, self.start, self.end, expires_at, now
        )
        return booking, event

    def end_session(self, outcome: Outcome, now: datetime) -> tuple[Booking, SessionEnded]:
        """Record how a confirmed session ended; only once it has started.

        Raises ``ConflictError("not_started")`` before the start.
        """
        action = "complete" if outcome in (Outcome.COMPLETED, Outcome.LATE_START) else "no_show"
        self._check(action)
        if now < self.start:
            raise ConflictError("not_started")
        state = _S.COMPLETED if action == "complete" else _S.NO_SHOW
        booking = dataclasses.replace(
            self, state=state, outcome=outcome, proposed_start=None, proposed_end=None,
            proposed_by=None,
        )  # fmt: skip
        return booking, SessionEnded(self.booking_id, outcome, now)

    def accept(self, by: Party, now: datetime) -> tuple[Booking, BookingConfirmed]:
        """The tutor accepts a request before it expires.

        Raises ``ConflictError("request_expired")`` at or after ``expires_at``.
        """
        self._check("accept")
        self._only("accept", by, Party.TUTOR)
        if now >= self.expires_at:
            raise ConflictError("request_expired")
        booking = dataclasses.replace(self, state=_S.CONFIRMED)
        return booking, BookingConfirmed(self.booking_id, self.start, self.end, False, now)

    def decline(self, by: Party, now: datetime) -> tuple[Booking, BookingDeclined]:
        """The tutor declines a request."""
        self._check("decline")
        self._only("decline", by, Party.TUTOR)
        return dataclasses.replace(self, state=_S.DECLINED), BookingDeclined(self.booking_id, now)

    def expire(self, now: datetime) -> tuple[Booking, BookingExpired]:
        """The system expires an unanswered request, once ``now >= expires_at``.

        Raises ``ConflictError("not_yet_expired")`` before that.
        """
        self._check("expire")
        if now < self.expires_at:
            raise ConflictError("not_yet_expired")
        return dataclasses.replace(self, state=_S.EXPIRED), BookingExpired(self.booking_id, now)

    def cancel(
        self, by: Party, now: datetime, policy: GuildPolicy
    ) -> tuple[Booking, BookingCancelled]:
        """Cancel a request or a confirmed booking; any pending reschedule is dropped.

        Students, tutors, moderators and the system may cancel (use :meth:`party_of` to
        map a user to a party). The event carries the policy's refund outcome.
        """
        self._check("cancel")
        outcome = cancellation_outcome(by, self.start, now, policy)
        booking = dataclasses.replace(
            self, state=_S.CANCELLED, cancelled_by=by, cancelled_at=now,
            cancelled_late=outcome.late, cancelled_after_start=outcome.after_start,
            proposed_start=None, proposed_end=None, proposed_by=None,
            sequence=self.sequence + 1,
        )  # fmt: skip
        event = BookingCancelled(
            self.booking_id, by, outcome.late, outcome.after_start, outcome.refund_percent,
            outcome.tutor_share_percent, booking.sequence, now,
        )  # fmt: skip
        return booking, event

    def request_reschedule(
        self, new_start: datetime, new_end: datetime, by: Party, now: datetime, *, instant: bool
    ) -> tuple[Booking, RescheduleRequested | BookingRescheduled]:
        """Propose a new time for a confirmed booking; ``instant`` moves it at once.

        Only the student or tutor may propose; a new proposal replaces a pending one.
        Raises ``InputError("when", "end_before_start")`` for an empty interval and
        ``ConflictError("same_time")`` when nothing would change, and
        ``ConflictError("group_seat_fixed")`` for a seat: a group session keeps its time.
        """
        self._check("request_reschedule")
        self._only("request_reschedule", by, Party.STUDENT, Party.TUTOR)
        if self.group_id is not None:
            raise ConflictError("group_seat_fixed")
        if new_end <= new_start:
            raise InputError("when", Problem.END_BEFORE_START)
        if (new_start, new_end) == (self.start, self.end):
            raise ConflictError("same_time")
        if instant:
            return self._move(new_start, new_end, now)
        booking = dataclasses.replace(
            self, proposed_start=new_start, proposed_end=new_end, proposed_by=by
        )
        return booking, RescheduleRequested(self.booking_id, by, new_start, new_end, now)

    def _move(
        self, new_start: datetime, new_end: datetime, now: datetime
    ) -> tuple[Booking, BookingRescheduled]:
        booking = dataclasses.replace(
            self, start=new_start, end=new_end, proposed_start=None, proposed_end=None,
            proposed_by=None, sequence=self.sequence + 1,
        )  # fmt: skip
        event = BookingRescheduled(
            self.booking_id, self.start, self.end, new_start, new_end, booking.sequence, now
        )
        return booking, event

    def _answer_reschedule(self, action: str, by: Party) -> tuple[datetime, datetime]:
        self._check(action)
        if self.proposed_start is None or self.proposed_end is None or self.proposed_by is None:
            raise InvalidTransitionError("booking", self.state, action)
        self._only(action, by, _counterparty(self.proposed_by))
        return self.proposed_start, self.proposed_end

    def accept_reschedule(self, by: Party, now: datetime) -> tuple[Booking, BookingRescheduled]:
        """The other side accepts the pending proposal: the booking moves, sequence + 1."""
        new_start, new_end = self._answer_reschedule("accept_reschedule", by)
        return self._move(new_start, new_end, now)

    def decline_reschedule(self, by: Party, now: datetime) -> tuple[Booking, RescheduleDeclined]:
        """The other side refuses the pending proposal: the booking keeps its time."""
        self._answer_reschedule("decline_reschedule", by)
        booking = dataclasses.replace(
            self, proposed_start=None, proposed_end=None, proposed_by=None
        )
        return booking, RescheduleDeclined(self.booking_id, by, now)


def earliest_start(
    now: datetime, policy: GuildPolicy, *, instant: bool, paying: bool = False
) -> datetime:
    """Return the earliest start a student may pick now.

    Instant bookings need only the minimum notice. A request must also leave the tutor
    ``request_answer_minutes`` to answer before it expires ``request_expiry_before_start_minutes``
    ahead of the start; otherwise it would be created already expired. A paid request
    reaches the tutor only after checkout, which may take ``checkout_expiry_minutes``.
    """
    notice = timedelta(minutes=policy.min_notice_minutes)
    if instant:
        return now + notice
    answer = timedelta(
        minutes=policy.request_expiry_before_start_minutes + policy.request_answer_minutes
    )
    if paying:
        answer += timedelta(minutes=policy.checkout_expiry_minutes)
    return now + max(notice, answer)
