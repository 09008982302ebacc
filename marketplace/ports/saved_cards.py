"""The saved-card port: each member's provider customer and card for paid series."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from marketplace.domain.series import SavedCard


class SavedCardRepository(Protocol):
    """Provider customers and saved cards, per member and guild, inside one transaction."""

    async def customer(self, guild_id: int, user_id: int) -> str | None:
        """The member's provider customer id in this guild (None: none made yet)."""
        ...

    async def add_customer(
        self, guild_id: int, user_id: int, customer_id: str, now: datetime
    ) -> None:
        """Remember the member's provider customer (a second one for them is ignored)."""
        ...

    async def card(self, guild_id: int, user_id: int) -> SavedCard | None:
        """The member's saved card in this guild, if any."""
        ...

    async def save(self, card: SavedCard) -> None:
        """Store the member's saved card, replacing an earlier one."""
        ...

    async def forget(self, guild_id: int, user_id: int) -> SavedCard | None:
        """Remove the member's saved card; the one removed (None: there was none)."""
        ...
