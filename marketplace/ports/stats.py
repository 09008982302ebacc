"""The stats port: grouped counts of one guild's activity over a window."""

from __future__ import annotations

from typing import Protocol

from marketplace.domain.stats import GuildActivity, Window


class StatsRepository(Protocol):
    """Read-only aggregates for `/admin stats`; a few grouped queries, no row-by-row reads."""

    async def activity(self, guild_id: int, window: Window) -> GuildActivity:
        """The guild's raw counts for the window (see `marketplace.domain.stats` cohorts)."""
        ...
