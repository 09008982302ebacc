"""`/dispute booking:`: object to how a session went; the moderators (or a rule) decide."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.actors import actor_of, guild_of
from bot.client import TutorBot
from bot.flows.disputes import open_dispute_form
from bot.presenters.bookings import booking_choices, counterpart
from marketplace.services import disputes


class DisputeCog(commands.Cog):
    """Platform disputes about sessions."""

    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

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
        actor = actor_of(interaction)
        found = await disputes.disputable(disputes.ListDisputable(actor), self.bot.services)
        others = (counterpart(b, actor.user_id) for b in found)
        names = await self.bot.names.many(guild_of(interaction), others)
        return booking_choices(found, names, actor.user_id, current)


async def setup(bot: TutorBot) -> None:
    """The extension hook: `load_extension` calls it for each name in `bot.client.EXTENSIONS`."""
    await bot.add_cog(DisputeCog(bot))
