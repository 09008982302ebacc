"""The exports port: the rows behind each institution CSV of one guild over a window."""

from __future__ import annotations

from typing import Protocol

from marketplace.domain.exports import QueueVisit, ReviewRecord, SessionRecord
from marketplace.domain.stats import Window


class ExportReads(Protocol):
    """Read-only; each call is one statement, ordered as the file is written."""

    async def sessions(self, guild_id: int, window: Window) -> list[SessionRecord]:
        """Every booking whose session starts in the window, oldest first."""
        ...

    async def reviews(self, guild_id: int, window: Window) -> list[ReviewRecord]:
        """Every review written in the window (visible and held), oldest first."""
        ...

    async def queue_visits(self, guild_id: int, window: Window) -> list[QueueVisit]:
        """Every drop-in queue visit that began in the window, oldest first."""
        ...
