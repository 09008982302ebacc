"""Base classes for views and modals: one owner, and the shared error handler."""

from __future__ import annotations

from typing import Any

import discord

from bot import texts
from bot.errors import handle_interaction_error
from marketplace.services.context import ServiceContext

MENU_TIMEOUT_SECONDS = 600


class OwnedView(discord.ui.View):
    """An ephemeral menu that only the user who opened it may use."""

    def __init__(self, owner_id: int, *, timeout: float | None = MENU_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Refuse clicks from anyone but the owner, politely."""
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(texts.NOT_YOURS, ephemeral=True)
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Route errors to the one handler."""
        await handle_interaction_error(interaction, error)


class SafeModal(discord.ui.Modal):
    """A modal whose errors go through the one handler."""

    async def on_error(  # type: ignore[override]  # Modal narrows BaseView's signature
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        """Route errors to the one handler."""
        await handle_interaction_error(interaction, error)


def services_of(interaction: discord.Interaction) -> ServiceContext:
    """The bot's services (the client is our TutorBot)."""
    services: ServiceContext = interaction.client.services  # type: ignore[attr-defined]
    return services
