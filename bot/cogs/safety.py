"""`/block` and `/unblock`."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.actors import actor_of
from bot.client import TutorBot
from bot.replies import reply
from marketplace.services import safety


class SafetyCog(commands.Cog):
    """Personal safety tools."""

    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @app_commands.command(name="block", description="Hide someone from your search and bookings")
    @app_commands.describe(user="Who to block")
    @app_commands.guild_only()
    async def block(self, interaction: discord.Interaction, user: discord.User) -> None:
        """Block a user."""
        await safety.block(actor_of(interaction), user.id, self.bot.services)
        await reply(interaction, texts.BLOCKED.format(user=user.id), ephemeral=True)

    @app_commands.command(name="unblock", description="Lift a block you made")
    @app_commands.describe(user="Who to unblock")
    @app_commands.guild_only()
    async def unblock(self, interaction: discord.Interaction, user: discord.User) -> None:
        """Unblock a user."""
        lifted = await safety.unblock(actor_of(interaction), user.id, self.bot.services)
        template = texts.UNBLOCKED if lifted else texts.NOT_BLOCKED
        await reply(interaction, template.format(user=user.id), ephemeral=True)


async def setup(bot: TutorBot) -> None:
    """Load the cog."""
    await bot.add_cog(SafetyCog(bot))
