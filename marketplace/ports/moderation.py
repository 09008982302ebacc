"""The moderation port: cases reported by members and closed by moderators."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from marketplace.domain.cases import Case


class CaseRepository(Protocol):
    """A guild's moderation cases."""

    async def add(self, case: Case) -> Case:
        """Store a new case; return it with its id."""
        ...

    async def get(self, guild_id: int, case_id: int) -> Case | None:
        """The case, if it exists in this guild."""
        ...

    async def close(self, case: Case) -> bool:
        """Store a resolved case, only if it is still open; False if someone closed it first."""
        ...

    async def open_cases(self, guild_id: int, *, limit: int, offset: int) -> list[Case]:
        """Open cases, oldest first."""
        ...

    async def reports_between(
        self, guild_id: int, a: int, b: int, since: datetime
    ) -> list[datetime]:
        """When either of the two reported the other since `since`."""
        ...

    async def count_open(self, guild_id: int) -> int:
        """How many cases are open."""
        ...

    async def open_about_booking(self, booking_id: int) -> int:
        """How many open cases name this booking (a participant objected)."""
        ...

    async def reported_since(self, guild_id: int, reporter_id: int, since: datetime) -> int:
        """How many cases this reporter opened since `since`."""
        ...

    async def about(self, guild_id: int, target_id: int, limit: int) -> list[Case]:
        """Cases whose target is this user, newest first."""
        ...
