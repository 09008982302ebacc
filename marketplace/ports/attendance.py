"""The attendance port: timestamped check-ins, the evidence for no-shows and disputes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class AttendanceLog(Protocol):
    """Check-ins per booking: at most one per participant, with its time."""

    async def check_in(
        self, booking_id: int, user_id: int, at: datetime, via: str = "button"
    ) -> bool:
        """Record the check-in unless the user already has one; True if recorded now.

        `via` says how: "button" (Check in) or "voice" (joined the session's voice channel).
        """
        ...

    async def check_ins(self, booking_id: int) -> dict[int, datetime]:
        """Each checked-in user of the booking, with when they checked in."""
        ...
