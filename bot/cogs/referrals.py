"""`/referrals`: who you brought, and your credit."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.actors import actor_of
from bot.cogs.base import BotCog, extension
from bot.presenters.referrals import referrals_embed
from bot.replies import reply
from marketplace.services import referrals


class ReferralsCog(BotCog):
    """Referrals: the members you brought to this server."""

    @app_commands.command(name="referrals", description="Who you brought here, and your credit")
    @app_commands.guild_only()
    async def referrals(self, interaction: discord.Interaction) -> None:
        """Show the caller's referrals and unused credit, only to them."""
        view = await referrals.overview(
            referrals.ViewReferrals(actor_of(interaction)), self.bot.services
        )
        await reply(interaction, embed=referrals_embed(view), ephemeral=True)


setup = extension(ReferralsCog)
