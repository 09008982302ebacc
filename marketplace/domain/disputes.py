"""Platform disputes: a participant objects to how a session went; rules or moderators decide.

SPEC.md "Disputes". Either participant may open one about a session that took place or
should have (completed, a no-show, or confirmed past its start), until
``dispute_window_hours`` after the scheduled end. There is one dispute per booking: the
money can only be settled once more, and the moderators hear both sides in one case.

The automated rules read the check-in evidence (`attendance`) and apply only to the
student's disputes, whose refunds they are: a confirmed tutor no-show refunds in full, a
late start beyond the no-show limit refunds ``late_start_refund_percent``. Everything else
(a completed session, a student no-show, a tutor's objection, nobody checked in) waits
for a moderator, who refunds a percentage, refuses a refund, or dismisses it. A refund
can never take back money a settlement already returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from marketplace.domain.attendance import Attendance, completion_outcome, no_show_verdict
from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.cancellation import Party
from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    Problem,
    choice,
)
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.settlement import Outcome, outcome_split
from marketplace.domain.text import clean_text

STATEMENT_MAX_LEN = 1500
NOTE_MAX_LEN = 500
AUTOMATED_RULES = frozenset({Outcome.TUTOR_NO_SHOW, Outcome.LATE_START})


class DisputeStatus(StrEnum):
    """Where a dispute stands."""

    OPEN = "open"
    RESOLVED = "resolved"


class DisputeOutcome(StrEnum):
    """How a dispute was decided."""

    REFUND = "refund"  # refund_percent of the total goes back to the student
    NO_REFUND = "no_refund"  # the session's settlement stands
    DISMISS = "dismiss"  # not a dispute to decide (wrong booking, abuse): settlement stands


@dataclass(frozen=True, slots=True)
class Dispute:
    """One booking's dispute; `dispute_id` is 0 until stored, `resolved_by` 0 is TutorBot."""

    dispute_id: int
    guild_id: int
    booking_id: int
    opened_by: int
    opener_role: Party
    statement: str
    created_at: datetime
    evidence: dict[str, Any] = field(default_factory=dict)
    status: DisputeStatus = DisputeStatus.OPEN
    resolved_by: int | None = None
    resolved_at: datetime | None = None
    outcome: DisputeOutcome | None = None
    refund_percent: int | None = None
    note: str = ""

    @property
    def is_open(self) -> bool:
        """Whether the dispute still waits for a decision."""
        return self.status is DisputeStatus.OPEN


def dispute_deadline(booking: Booking, policy: GuildPolicy) -> datetime:
    """The last moment a dispute may be opened: the scheduled end plus the window."""
    return booking.end + timedelta(hours=policy.dispute_window_hours)


def took_place(booking: Booking, now: datetime) -> bool:
    """Whether the session happened or should have (so there is something to dispute)."""
    if booking.state in (BookingState.COMPLETED, BookingState.NO_SHOW):
        return True
    return booking.state is BookingState.CONFIRMED and now >= booking.start


def can_open(booking: Booking, policy: GuildPolicy, now: datetime) -> bool:
    """Whether a dispute about the booking may be opened now (by one of its participants)."""
    return took_place(booking, now) and now <= dispute_deadline(booking, policy)


def ensure_can_open(booking: Booking, user_id: int, policy: GuildPolicy, now: datetime) -> Party:
    """The opener's side; raises unless they may dispute the booking now.

    ``PermissionDeniedError`` for anyone but the two participants; ``ConflictError``
    "dispute_not_held" before the session started (or for one that never was on), and
    "dispute_window_closed" after the window.
    """
    party = booking.party_of(user_id, "dispute")
    if not took_place(booking, now):
        raise ConflictError("dispute_not_held")
    if now > dispute_deadline(booking, policy):
        raise ConflictError("dispute_window_closed")
    return party


def open_dispute(
    booking: Booking, party: Party, user_id: int, statement: str, now: datetime
) -> Dispute:
    """A new open dispute; raises InputError on the statement (required, ≤ 1500)."""
    clean = clean_text(statement, field="statement", max_len=STATEMENT_MAX_LEN, multiline=True)
    return Dispute(0, booking.guild_id, booking.booking_id, user_id, party, clean, now)


def evidence_outcome(
    booking: Booking, attendance: Attendance, policy: GuildPolicy, now: datetime
) -> Outcome | None:
    """How the check-ins say the session went, else the recorded outcome (None: unknown).

    The student checked in and the tutor never did (once the no-show limit has passed) is
    a confirmed tutor no-show; the tutor checking in after the limit is a late start.
    """
    limit = booking.start + timedelta(minutes=policy.no_show_after_minutes)
    if now >= limit and no_show_verdict(attendance) is Outcome.TUTOR_NO_SHOW:
        return Outcome.TUTOR_NO_SHOW
    if completion_outcome(booking, attendance, policy) is Outcome.LATE_START:
        return Outcome.LATE_START
    return booking.outcome


def automated_outcome(
    booking: Booking, attendance: Attendance, party: Party, policy: GuildPolicy, now: datetime
) -> Outcome | None:
    """The outcome an automated rule decides the dispute by, or None (moderators decide)."""
    if party is not Party.STUDENT:
        return None
    outcome = evidence_outcome(booking, attendance, policy, now)
    return outcome if outcome in AUTOMATED_RULES else None


def settled_refund(booking: Booking, policy: GuildPolicy) -> int:
    """The refund % the session's recorded outcome already gave (0 while none is recorded)."""
    return 0 if booking.outcome is None else outcome_split(booking.outcome, policy)[0]


def refund_split(refund_percent: int) -> tuple[int, int]:
    """(refund %, tutor share %) for a dispute's refund: the tutor keeps the rest of the rate."""
    return refund_percent, 100 - refund_percent


def parse_outcome(raw: str) -> DisputeOutcome:
    """The outcome a moderator picked; InputError("outcome", unknown_choice) otherwise."""
    return choice(DisputeOutcome, raw.strip().lower(), "outcome")


def resolve(  # noqa: PLR0917 - a decision has this many facts
    dispute: Dispute,
    by: int,
    outcome: DisputeOutcome,
    refund_percent: int | None,
    note: str,
    now: datetime,
    *,
    already_refunded: int = 0,
) -> Dispute:
    """The dispute decided by `by` (0: an automated rule).

    A refund needs ``refund_percent`` 0–100 (InputError "refund_percent") and may not be
    below what the settlement already refunded (ConflictError "refund_below_settled");
    the other outcomes take none. Deciding twice is an InvalidTransitionError.
    """
    if not dispute.is_open:
        raise InvalidTransitionError("dispute", dispute.status.value, "decide")
    if outcome is DisputeOutcome.REFUND:
        if refund_percent is None or not 0 <= refund_percent <= 100:
            raise InputError("refund_percent", Problem.OUT_OF_RANGE, 100)
        if refund_percent < already_refunded:
            raise ConflictError("refund_below_settled")
    elif refund_percent is not None:
        raise InputError("refund_percent", Problem.CONFLICT)
    clean = clean_text(note, field="note", max_len=NOTE_MAX_LEN, required=False, multiline=True)
    return replace(
        dispute,
        status=DisputeStatus.RESOLVED,
        resolved_by=by,
        resolved_at=now,
        outcome=outcome,
        refund_percent=refund_percent,
        note=clean,
    )
