"""The clock port: what tells the services the time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the time; tests pass a fixed or stepping clock."""

    def now(self) -> datetime:
        """The current aware UTC time."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current aware UTC time."""
        return datetime.now(UTC)
