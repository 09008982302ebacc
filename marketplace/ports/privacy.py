"""The privacy port: one user's stored data in one guild, read out and erased.

What each table contributes, and what erasing does to it, is decided in
`marketplace.services.privacy` (its docstring is the per-table list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DeletionObstacles:
    """What stops an erasure: live bookings still ahead, open disputes, groups taught."""

    upcoming_bookings: int
    open_disputes: int
    open_groups: int = 0  # group sessions the member teaches, still on and ahead


class PrivacyRepository(Protocol):
    """Reads and erases one user's data in one guild."""

    async def records(self, guild_id: int, user_id: int, limit: int) -> dict[str, list[Record]]:
        """Every section of the user's data, newest first, at most `limit + 1` rows each.

        Values are plain JSON types or aware datetimes; nothing about other users but
        their ids on records the user is part of.
        """
        ...

    async def obstacles(self, guild_id: int, user_id: int, now: datetime) -> DeletionObstacles:
        """Live bookings (requested, unpaid, confirmed) not over by `now`; open disputes."""
        ...

    async def erase(self, guild_id: int, user_id: int, anonymous_name: str) -> dict[str, int]:
        """Erase or blank the user's personal data; how many rows each step changed."""
        ...
