"""Refunds that failed: the money came back to the platform, and a moderator decides.

Stripe can fail a refund days after it was made (the card was closed, say). The failed
amount is held again and listed in `/mod queue` until a moderator decides: try the
refund again (``retried``), or record that it was given back another way (``settled``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from marketplace.domain.errors import InvalidTransitionError


class RefundFailureState(StrEnum):
    """Where a failed refund is: waiting for a moderator, retried, or settled elsewhere."""

    OPEN = "open"
    RETRIED = "retried"
    SETTLED = "settled"


@dataclass(frozen=True, slots=True)
class RefundFailure:
    """One refund Stripe reported failed."""

    refund_id: str
    booking_id: int
    guild_id: int
    amount: int
    currency: str
    reason: str
    state: RefundFailureState
    created_at: datetime
    decided_by: int | None = None
    decided_at: datetime | None = None

    def decide(self, state: RefundFailureState, by: int, at: datetime) -> RefundFailure:
        """A moderator's decision; only once, and only to retry or settle."""
        if self.state is not RefundFailureState.OPEN or state is RefundFailureState.OPEN:
            raise InvalidTransitionError("refund_failure", self.state.value, state.value)
        return dataclasses.replace(self, state=state, decided_by=by, decided_at=at)
