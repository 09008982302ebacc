"""Durable due work: what kinds exist and what one row of it carries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

NONCE_MAX_LENGTH = 25  # the shortest limit of a channel we deliver to (Discord: 400, 50035)
_HASHED_NONCE_PREFIX = "h"


def delivery_nonce(key: str) -> str:
    """A delivery nonce every channel accepts, the same for the same key (a retry dedupes).

    A key of at most 25 characters is its own nonce; a longer one becomes "h" and the
    first 24 hex digits of its SHA-256, which is 25 characters long.
    """
    if len(key) <= NONCE_MAX_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return _HASHED_NONCE_PREFIX + digest[: NONCE_MAX_LENGTH - len(_HASHED_NONCE_PREFIX)]


def carries_check_in(offset_minutes: int, offsets_minutes: tuple[int, ...]) -> bool:
    """Whether the reminder this long before the start carries **Check in**.

    The last reminder does: the one at the guild's smallest offset (or closer, when the
    offsets changed after it was scheduled).
    """
    return offset_minutes <= min(offsets_minutes, default=offset_minutes)


class ActionKind(StrEnum):
    """Kinds of scheduled work; each has one handler."""

    NOTIFY = "notify"  # deliver one message now (outbox): payload {"notice": ..., "to": user_id}
    REMINDER = "reminder"  # payload {"offset_minutes": one of the guild's reminder offsets}
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
    ALERT_ADMINS = "alert_admins"  # tell the guild's admins: payload {"reason": ...}
    RETRY_REFUND = "retry_refund"  # a moderator's decision: payload {"refund": id, "amount": n}
    REVERSE_PAYOUT = "reverse_payout"  # a dispute lost after the payout: {"dispute", "amount"}
    PURGE_SESSION_LOG = "purge_session_log"  # retention: payload {"check": n}
    SHOW_QUEUE = "show_queue"  # post or edit a drop-in queue's message: {"hours", "version"}
    CLOSE_HOURS = "close_hours"  # drop-in hours reach their `until`: payload {"hours": n}
    WEEKLY_REPORT = "weekly_report"  # Monday morning: the last week's report to report_channel
    SEAT_OFFER_ENDS = "seat_offer_ends"  # a waitlist offer's time is up: payload {"group": n}
    GROUP_MIN_SEATS = "group_min_seats"  # too few seats taken by now: call it off {"group": n}
    AUTHORIZE_WEEK = "authorize_week"  # a paid series' week: hold it on the saved card
    WEEK_PAY_DEADLINE = "week_pay_deadline"  # a paid series' week still unpaid: cancel it
    GRANT_REFERRAL = "grant_referral"  # the dispute window closed: payload {"referral": id}


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


class AboutBooking(Protocol):
    """Anything that names one booking of one guild (a booking, a failed refund, ...)."""

    @property
    def guild_id(self) -> int:
        """The guild the booking is in."""
        ...

    @property
    def booking_id(self) -> int:
        """The booking."""
        ...


def booking_work(
    kind: ActionKind,
    about: AboutBooking,
    dedupe_key: str,
    due_at: datetime,
    *,
    user_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> NewAction:
    """Work about one booking, in its guild, due at `due_at`."""
    return NewAction(
        kind, dedupe_key, about.guild_id, due_at, about.booking_id, user_id, payload or {}
    )


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
        return self.nonce_for("")

    def nonce_for(self, part: str) -> str:
        """The nonce of one of several messages this row sends (e.g. "s" for the student)."""
        return delivery_nonce(f"tb{self.action_id}{part}")
