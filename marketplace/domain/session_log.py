"""Session logs and screening flags: what was said in a space, and what moderators decided.

SPEC.md "Safety" and "Privacy". Every message in a session space is logged (author, time,
text, attachment names; sealed at rest) and kept `session_log_retention_days` after the
session, longer while a dispute about it is open. A message screening flags goes to the
moderator queue with its context; a moderator dismisses it, warns the sender, or restricts
them, once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from marketplace.domain.errors import InvalidTransitionError, choice

CONTEXT_MESSAGES = 5
"""How many earlier messages of the space a flag carries as its context."""

LOG_TEXT_MAX = 4_000
"""Discord's own message limit (with Nitro); longer text is cut."""

RATE_FLAG = "rate"
"""The flag kind of a member sending faster than `message_rate_per_minute`."""


@dataclass(frozen=True, slots=True)
class LoggedMessage:
    """One message written in a session space."""

    message_id: int
    guild_id: int
    booking_id: int
    channel_id: int
    author_id: int
    sent_at: datetime
    text: str
    attachments: tuple[str, ...] = ()
    edited_at: datetime | None = None

    def to_record(self) -> dict[str, Any]:
        """What a flag's context and a dispute's evidence keep of it (JSON-ready)."""
        return {
            "id": self.message_id,
            "author": self.author_id,
            "at": self.sent_at.isoformat(),
            "text": self.text,
            "files": list(self.attachments),
        }


class FlagState(StrEnum):
    """Where a flagged message stands."""

    OPEN = "open"
    DISMISSED = "dismissed"
    WARNED = "warned"
    RESTRICTED = "restricted"


class FlagAction(StrEnum):
    """What a moderator does about a flag (the queue's buttons)."""

    DISMISS = "dismiss"
    WARN = "warn"
    RESTRICT = "restrict"


_STATE_AFTER = {
    FlagAction.DISMISS: FlagState.DISMISSED,
    FlagAction.WARN: FlagState.WARNED,
    FlagAction.RESTRICT: FlagState.RESTRICTED,
}


@dataclass(frozen=True, slots=True)
class MessageFlag:
    """A flagged message (or a burst of messages) and its context; `flag_id` 0 until stored."""

    flag_id: int
    guild_id: int
    booking_id: int | None
    message_id: int
    channel_id: int
    author_id: int
    kinds: tuple[str, ...]
    context: tuple[LoggedMessage, ...]
    created_at: datetime
    state: FlagState = FlagState.OPEN
    decided_by: int | None = None
    decided_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """Whether it still waits for a moderator."""
        return self.state is FlagState.OPEN


def parse_flag_action(raw: str) -> FlagAction:
    """The action a moderator picked; InputError("action", unknown_choice) otherwise."""
    return choice(FlagAction, raw.strip().casefold(), "action")


def decide(flag: MessageFlag, action: FlagAction, moderator_id: int, now: datetime) -> MessageFlag:
    """The flag closed by `action`; InvalidTransitionError once it is closed."""
    if not flag.is_open:
        raise InvalidTransitionError("message_flag", flag.state.value, action.value)
    return replace(flag, state=_STATE_AFTER[action], decided_by=moderator_id, decided_at=now)


def too_fast(sent_in_last_minute: int, per_minute: int) -> bool:
    """Whether a member's messages in the last minute go past the guild's rate."""
    return sent_in_last_minute > per_minute


def keep_until(session_end: datetime, retention_days: int) -> datetime:
    """When a session's log may go (unless a dispute about it is still open then)."""
    return session_end + timedelta(days=retention_days)


def clip_log_text(text: str) -> str:
    """The text as logged: at most `LOG_TEXT_MAX` characters."""
    return text[:LOG_TEXT_MAX]
