"""Calendar exports for a booking: an iCalendar (.ics) invitation and a Google link.

The ``.ics`` follows RFC 5545: CRLF line endings, content lines folded at 75 octets
(never inside a UTF-8 character), TEXT values escaped, all times in UTC ``Z`` form. A
booking keeps one UID for life; its SEQUENCE grows on every time change or cancellation,
so calendar apps update the existing event instead of adding another.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from urllib.parse import quote, urlencode

__all__ = [
    "GOOGLE_CALENDAR_URL",
    "PRODID",
    "IcsStatus",
    "escape_text",
    "fold_line",
    "google_calendar_link",
    "ics_event",
]

PRODID = "-//TutorBot//Marketplace//EN"
GOOGLE_CALENDAR_URL = "https://calendar.google.com/calendar/render"
_CRLF = "\r\n"
_LINE_OCTETS = 75


class IcsStatus(StrEnum):
    """The event status, which also picks the iTIP method."""

    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"


def _utc_stamp(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    r"""Escape ``value`` as an RFC 5545 TEXT: ``\\``, ``\;``, ``\,`` and ``\n`` for newlines.

    Carriage returns and other control characters (but tabs) are dropped.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(ch for ch in value if ch in "\n\t" or (ch >= " " and ch != "\x7f"))
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        value = value.replace(raw, escaped)
    return value


def _chunks(line: str) -> Iterator[str]:
    chunk, size, limit = "", 0, _LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            yield chunk
            # Continuation lines start with a space, which counts toward their 75.
            chunk, size, limit = "", 0, _LINE_OCTETS - 1
        chunk += char
        size += octets
    yield chunk


def fold_line(line: str) -> str:
    """Fold one content line so no physical line exceeds 75 octets (without the CRLF)."""
    return (_CRLF + " ").join(_chunks(line))


def ics_event(
    uid: str,
    sequence: int,
    start: datetime,
    end: datetime,
    *,
    summary: str,
    description: str,
    status: str,
    now: datetime,
) -> str:
    """Return a one-event VCALENDAR for a booking.

    ``status`` is ``CONFIRMED`` (METHOD:REQUEST) or ``CANCELLED`` (METHOD:CANCEL);
    anything else raises ``ValueError``, as does a UID with line breaks, a negative
    sequence or a naive datetime. ``now`` is the DTSTAMP.
    """
    chosen = IcsStatus(status)
    if sequence < 0 or any(ch in uid for ch in "\r\n"):
        raise ValueError("invalid uid or sequence")
    method = "REQUEST" if chosen is IcsStatus.CONFIRMED else "CANCEL"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
        f"METHOD:{method}", "BEGIN:VEVENT", f"UID:{uid}", f"SEQUENCE:{sequence}",
        f"DTSTAMP:{_utc_stamp(now)}", f"DTSTART:{_utc_stamp(start)}",
        f"DTEND:{_utc_stamp(end)}", f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}", f"STATUS:{chosen}", "TRANSP:OPAQUE",
        "END:VEVENT", "END:VCALENDAR",
    ]  # fmt: skip
    return "".join(fold_line(line) + _CRLF for line in lines)


def google_calendar_link(start: datetime, end: datetime, title: str, details: str) -> str:
    """Return an "Add to Google Calendar" URL for the session, every value URL-encoded."""
    params = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_utc_stamp(start)}/{_utc_stamp(end)}",
        "details": details,
    }
    return f"{GOOGLE_CALENDAR_URL}?{urlencode(params, quote_via=quote, safe='/')}"
