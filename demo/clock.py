"""The demo's clock: real time to begin with, moved on when the story skips ahead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class DemoClock:
    """Starts at the real time (to the second) and only moves when told to."""

    def __init__(self) -> None:
        self._now = datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        """The demo's current aware UTC time."""
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to `when` (aware)."""
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        """Move on by `delta`; the new time."""
        self._now += delta
        return self._now

    def timestamp(self) -> float:
        """The current time in Unix seconds (the Stripe fake's clock)."""
        return self._now.timestamp()
