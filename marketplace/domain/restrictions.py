"""Moderator restrictions: who may not book or be booked, until when, and why.

How long a restriction lasts is typed by the moderator. The grammar:

- empty, `permanent`, `indefinite`, `forever` or `until lifted`: until a moderator lifts it;
- otherwise one or more `<whole number><unit>` parts, spaces optional, summed: `7d`,
  `24h`, `2 weeks`, `1w 3d`, `90 min`. Units: `m`/`min`/`minute(s)`, `h`/`hr`/`hour(s)`,
  `d`/`day(s)`, `w`/`wk`/`week(s)`.

The total must be more than zero and at most `MAX_DAYS` days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from marketplace.domain.errors import ConflictError, InputError, Problem
from marketplace.domain.text import clean_text

MAX_DAYS = 365
REASON_MAX_LEN = 500
LENGTH_MAX_CHARS = 40
UNTIL_LIFTED = frozenset({"", "permanent", "indefinite", "forever", "until lifted"})
LENGTH_FIELD = "restrict_for"

_UNITS = {
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "mins": timedelta(minutes=1),
    "minute": timedelta(minutes=1),
    "minutes": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "hr": timedelta(hours=1),
    "hrs": timedelta(hours=1),
    "hour": timedelta(hours=1),
    "hours": timedelta(hours=1),
    "d": timedelta(days=1),
    "day": timedelta(days=1),
    "days": timedelta(days=1),
    "w": timedelta(weeks=1),
    "wk": timedelta(weeks=1),
    "wks": timedelta(weeks=1),
    "week": timedelta(weeks=1),
    "weeks": timedelta(weeks=1),
}
_PART = re.compile(r"\s*([+-]?\d{1,6})\s*([a-z]+)\s*,?")


@dataclass(frozen=True, slots=True)
class Restriction:
    """A moderator restriction; `until` None means until a moderator lifts it."""

    guild_id: int
    user_id: int
    until: datetime | None
    reason: str
    created_by: int
    created_at: datetime

    def active(self, now: datetime) -> bool:
        """Whether it is still in force at `now`."""
        return self.until is None or self.until > now


def parse_length(text: str | None) -> timedelta | None:
    """The restriction's length (None = until lifted); InputError("restrict_for", …) if bad.

    Problems: `too_long` (the text), `unparseable`, `negative`, `zero_length`,
    `out_of_range` (more than MAX_DAYS days; `limit` is MAX_DAYS).
    """
    raw = " ".join((text or "").lower().split())
    if len(raw) > LENGTH_MAX_CHARS:
        raise InputError(LENGTH_FIELD, Problem.TOO_LONG, LENGTH_MAX_CHARS)
    if raw in UNTIL_LIFTED:
        return None
    total, pos = timedelta(0), 0
    while pos < len(raw):
        match = _PART.match(raw, pos)
        if match is None or match.group(2) not in _UNITS:
            raise InputError(LENGTH_FIELD, Problem.UNPARSEABLE)
        amount = int(match.group(1))
        if amount < 0:
            raise InputError(LENGTH_FIELD, Problem.NEGATIVE)
        total += amount * _UNITS[match.group(2)]
        pos = match.end()
    if total <= timedelta(0):
        raise InputError(LENGTH_FIELD, Problem.ZERO_LENGTH)
    if total > timedelta(days=MAX_DAYS):
        raise InputError(LENGTH_FIELD, Problem.OUT_OF_RANGE, MAX_DAYS)
    return total


def new_restriction(  # noqa: PLR0917 - a restriction has this many facts
    guild_id: int,
    moderator_id: int,
    target_id: int,
    length: timedelta | None,
    reason: str,
    now: datetime,
    *,
    target_is_staff: bool,
) -> Restriction:
    """A restriction starting now; refuses yourself and staff (ConflictError), a bad reason.

    Staff (moderators and admins) are refused because they could lift it themselves: take
    their role away first.
    """
    if moderator_id == target_id:
        raise ConflictError("restrict_self")
    if target_is_staff:
        raise ConflictError("restrict_staff")
    clean = clean_text(reason, field="reason", max_len=REASON_MAX_LEN)
    until = None if length is None else now + length
    return Restriction(guild_id, target_id, until, clean, moderator_id, now)
