"""The disputes port: a booking's platform dispute and how it was decided."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from marketplace.domain.disputes import Dispute


class DisputeRepository(Protocol):
    """A guild's platform disputes (one per booking)."""

    async def add(self, dispute: Dispute) -> Dispute:
        """Store a new dispute; return it with its id.

        Raises ``ConflictError("dispute_exists")`` when the booking already has one.
        """
        ...

    async def opened_against(
        self, guild_id: int, opener_id: int, other_id: int, since: datetime
    ) -> list[datetime]:
        """When `opener_id` opened disputes about sessions with `other_id` since `since`."""
        ...

    async def get(self, guild_id: int, dispute_id: int) -> Dispute | None:
        """The dispute, if it exists in this guild."""
        ...

    async def for_booking(self, booking_id: int) -> Dispute | None:
        """The booking's dispute, open or decided."""
        ...

    async def close(self, dispute: Dispute) -> bool:
        """Store a decided dispute only if it is still open; False if it was decided first."""
        ...

    async def open_disputes(self, guild_id: int, limit: int) -> list[Dispute]:
        """Open disputes, oldest first."""
        ...

    async def count_open(self, guild_id: int) -> int:
        """How many disputes are open."""
        ...
