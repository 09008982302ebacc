"""Durable due work: what kinds exist and what one row of it carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class ActionKind(StrEnum):
    """Kinds of scheduled work; each has one handler."""

    NOTIFY = "notify"  # deliver one message now (outbox): payload {"notice": ..., "to": user_id}
    REMINDER = "reminder"  # payload {"offset_minutes": 120 | 15}
    EXPIRE_REQUEST = "expire_request"
    NUDGE = "nudge"  # a student who hasn't booked within N days of /start
    REFRESH_NEXT_SLOT = "refresh_next_slot"  # recompute a tutor's cached next open slot
    MOVE_MONEY = "move_money"  # payload {"op": "capture" | "void" | "refund", "amount": n}
    PAY_OUT = "pay_out"  # after the dispute window: payload {"tutor": n, "platform": n}
    ATTENDANCE_CHECK = "attendance_check"  # start + no-show limit: payload {"sequence": n}
    AUTO_COMPLETE = "auto_complete"  # at the end, if both checked in: payload {"sequence": n}
    OPEN_SPACE = "open_space"  # before the start: payload {"sequence": n}
    CLOSE_SPACE = "close_space"  # after the end + grace, or at once when the booking is off
    SWEEP_SPACES = "sweep_spaces"  # the reconciler: close any space whose booking is over


class ActionState(StrEnum):
    """Where a row is: waiting, finished (done or skipped), or given up on."""

    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class NewAction:
    """Work to schedule. `dedupe_key` makes scheduling idempotent."""

    kind: ActionKind
    dedupe_key: str
    guild_id: int
    due_at: datetime
    booking_id: int | None = None
    user_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ClaimedAction:
    """A row this worker holds a lease on."""

    action_id: int
    kind: ActionKind
    guild_id: int
    due_at: datetime
    booking_id: int | None
    user_id: int | None
    payload: dict[str, Any]
    attempts: int

    @property
    def nonce(self) -> str:
        """A deterministic Discord nonce (≤ 25 chars): a retry never posts twice."""
        return f"tb{self.action_id}"
