"""Moderation cases: a report about a user (and maybe a booking), and how it was closed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    Problem,
    choice,
)
from marketplace.domain.text import clean_text

REASON_MAX_LEN = 500
NOTE_MAX_LEN = 500


class CaseStatus(StrEnum):
    """Where a case stands."""

    OPEN = "open"
    RESOLVED = "resolved"


class CaseAction(StrEnum):
    """What a moderator did when closing a case."""

    NO_ACTION = "no_action"
    WARNED = "warned"
    RESTRICTED = "restricted"
    REMOVED_CONTENT = "removed_content"


@dataclass(frozen=True, slots=True)
class Case:
    """One report in a guild's moderator queue; `case_id` is 0 until it is stored."""

    case_id: int
    guild_id: int
    reporter_id: int
    target_id: int
    booking_id: int | None
    reason: str
    created_at: datetime
    status: CaseStatus = CaseStatus.OPEN
    resolved_by: int | None = None
    resolved_at: datetime | None = None
    action: CaseAction | None = None
    note: str = ""

    @property
    def is_open(self) -> bool:
        """Whether the case still waits for a moderator."""
        return self.status is CaseStatus.OPEN


def open_case(  # noqa: PLR0917 - a report has this many facts
    guild_id: int,
    reporter_id: int,
    target_id: int,
    booking_id: int | None,
    reason: str,
    now: datetime,
) -> Case:
    """A new open case; raises ConflictError("self_report") or InputError on the reason."""
    if reporter_id == target_id:
        raise ConflictError("self_report")
    if booking_id is not None and booking_id <= 0:
        raise InputError("booking", Problem.OUT_OF_RANGE)
    clean = clean_text(reason, field="reason", max_len=REASON_MAX_LEN)
    return Case(0, guild_id, reporter_id, target_id, booking_id, clean, now)


def check_report_quota(made_today: int, per_day: int) -> None:
    """Refuse a report beyond the guild's daily limit per reporter (ConflictError)."""
    if made_today >= per_day:
        raise ConflictError("report_limit")


def parse_action(raw: str) -> CaseAction:
    """The action a moderator picked; InputError("action", unknown_choice) otherwise."""
    return choice(CaseAction, raw.strip().lower(), "action")


def resolve(case: Case, moderator_id: int, action: CaseAction, note: str, now: datetime) -> Case:
    """The case closed by `moderator_id`; resolving twice is an InvalidTransitionError."""
    if not case.is_open:
        raise InvalidTransitionError("case", case.status.value, "resolve")
    clean = clean_text(note, field="note", max_len=NOTE_MAX_LEN, required=False, multiline=True)
    return replace(
        case,
        status=CaseStatus.RESOLVED,
        resolved_by=moderator_id,
        resolved_at=now,
        action=action,
        note=clean,
    )
