"""`/dispute booking:`: object to how a session went; the moderators (or a rule) decide."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.actors import actor_of
from bot.client import TutorBot
from bot.cogs.base import BotCog
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
        return await self.session_choices(
            interaction, current, disputes.disputable, disputes.ListDisputable
        )


async def setup(bot: TutorBot) -> None:
    """The extension hook: `load_extension` calls it for each name in `bot.client.EXTENSIONS`."""
    await bot.add_cog(DisputeCog(bot))
