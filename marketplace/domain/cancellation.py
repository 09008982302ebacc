"""Cancellation policy: who gets what back, and when a tutor's late cancels cost them.

SPEC.md section 3 "Cancellation", with the numbers from :class:`GuildPolicy`:

- student, at least ``full_refund_notice_hours`` before the start: full refund;
- student, later than that: ``late_cancel_refund_percent`` of the total back, and the
  tutor receives ``late_cancel_tutor_share_percent`` of the rate;
- student, at or after the start: no refund, the tutor receives the whole rate;
- tutor, any time: full refund; within the notice it counts as late;
- system or moderator: full refund and never counted as late against anyone (a
  moderator who wants a different split uses the dispute outcome instead).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from marketplace.domain.policy import GuildPolicy

__all__ = [
    "CancellationOutcome",
    "Party",
    "cancellation_outcome",
    "is_late",
    "late_cancel_penalty_active",
    "penalty_ends_at",
]


class Party(StrEnum):
    """Who acts on a booking."""

    STUDENT = "student"
    TUTOR = "tutor"
    SYSTEM = "system"
    MODERATOR = "moderator"


@dataclass(frozen=True, slots=True)
class CancellationOutcome:
    """What a cancellation means for money and reputation.

    ``refund_percent`` applies to the student's total; ``tutor_share_percent`` to the
    tutor's rate. ``late`` is true when it happened within the full-refund notice (or
    after the start) and was made by a student or tutor.
    """

    refund_percent: int
    tutor_share_percent: int
    late: bool
    after_start: bool


def is_late(start: datetime, now: datetime, policy: GuildPolicy) -> bool:
    """Tell whether cancelling at ``now`` is inside the full-refund notice before ``start``."""
    return start - now < timedelta(hours=policy.full_refund_notice_hours)


def cancellation_outcome(
    by: Party, start: datetime, now: datetime, policy: GuildPolicy
) -> CancellationOutcome:
    """Return the outcome of ``by`` cancelling, at ``now``, a session starting at ``start``."""
    after_start = now >= start
    late = is_late(start, now, policy)
    if by is Party.STUDENT:
        if after_start:
            return CancellationOutcome(0, 100, late=True, after_start=True)
        if late:
            refund = policy.late_cancel_refund_percent
            share = policy.late_cancel_tutor_share_percent
            return CancellationOutcome(refund, share, late=True, after_start=False)
        return CancellationOutcome(100, 0, late=False, after_start=False)
    counts = by is Party.TUTOR
    return CancellationOutcome(100, 0, late=counts and late, after_start=after_start)


def penalty_ends_at(late_cancels: Iterable[datetime], policy: GuildPolicy) -> datetime | None:
    """Return when the ranking penalty earned by ``late_cancels`` ends, if one was earned.

    A penalty is earned at the moment a tutor's late cancellation is the
    ``late_cancel_limit``-th within ``late_cancel_window_days``; it lasts
    ``late_cancel_penalty_days`` from the latest such moment.
    """
    moments = sorted(late_cancels)
    window = timedelta(days=policy.late_cancel_window_days)
    limit = policy.late_cancel_limit
    ends: datetime | None = None
    for index in range(limit - 1, len(moments)):
        if moments[index] - moments[index - limit + 1] < window:
            ends = moments[index] + timedelta(days=policy.late_cancel_penalty_days)
    return ends


def late_cancel_penalty_active(
    late_cancels: list[datetime], now: datetime, policy: GuildPolicy
) -> bool:
    """Tell whether a tutor with these late cancellations is penalised in ranking at ``now``.

    True when, at some point, ``late_cancel_limit`` late cancellations fell within
    ``late_cancel_window_days``, and ``now`` is less than ``late_cancel_penalty_days``
    after the last cancellation that completed such a run. Cancellations after ``now``
    are ignored.
    """
    ends = penalty_ends_at((m for m in late_cancels if m <= now), policy)
    return ends is not None and now < ends
