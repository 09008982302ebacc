"""`/dispute booking:`: object to how a session went; the moderators (or a rule) decide."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.actors import actor_of
from bot.cogs.base import BotCog, extension
from bot.cogs.choices import session_choices
from bot.flows.disputes import open_dispute_form
from marketplace.services import disputes


class DisputeCog(BotCog):
    """Platform disputes about sessions."""

    @app_commands.command(
        name="dispute", description="Dispute a session that went wrong (up to 48 h after it)"
    )
    @app_commands.describe(booking="Which session")
    @app_commands.guild_only()
    async def dispute(self, interaction: discord.Interaction, booking: int) -> None:
        """Open the dispute form for one of the caller's sessions."""
        await open_dispute_form(interaction, actor_of(interaction), booking)

    @dispute.autocomplete("booking")
    async def booking_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """The caller's sessions that may be disputed now, latest first."""
        return await session_choices(
            self.bot, interaction, current, disputes.disputable, disputes.ListDisputable
        )


setup = extension(DisputeCog)
