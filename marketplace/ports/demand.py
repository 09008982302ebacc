"""The demand port: how often each subject was searched, and how often in vain."""

from __future__ import annotations

from datetime import date
from typing import Protocol


class DemandLog(Protocol):
    """Searches per subject and local day, inside one transaction."""

    async def count(self, guild_id: int, subject_key: str, day: date, *, unmet: bool) -> None:
        """Count one search (and, with `unmet`, one that found no bookable tutor)."""
        ...

    async def between(self, guild_id: int, first: date, last: date) -> list[tuple[str, int, int]]:
        """(subject key, searches, unmet) over the days from `first` to `last`, inclusive."""
        ...
