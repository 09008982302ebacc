"""`/tutor apply`, `/tutor pause`, `/tutor resume`."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.actors import guild_of
from bot.client import TutorBot
from bot.flows.tutor_apply import ApplyDraft, TutorApplyView
from marketplace.services import onboarding, profiles


class TutorCog(commands.Cog):
    """Tutor self-service."""

    tutor = app_commands.Group(name="tutor", description="Tutor tools", guild_only=True)

    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @tutor.command(name="apply", description="Create or update your tutor profile")
    async def apply(self, interaction: discord.Interaction) -> None:
        """Open the application menu, prefilled with the current profile."""
        guild = guild_of(interaction)
        services = self.bot.services
        subjects = await onboarding.catalogue(guild.id, guild.name, services)
        card = await profiles.view(guild.id, interaction.user.id, services)
        view = TutorApplyView(interaction.user.id, services, subjects, ApplyDraft.from_card(card))
        await interaction.response.send_message(texts.TUTOR_APPLY_INTRO, view=view, ephemeral=True)

    @tutor.command(name="pause", description="Stop new bookings and hide from search for now")
    async def pause(self, interaction: discord.Interaction) -> None:
        """Pause the caller's tutor profile."""
        guild = guild_of(interaction)
        await profiles.set_paused(guild.id, interaction.user.id, True, self.bot.services)
        await interaction.response.send_message(texts.TUTOR_PAUSED, ephemeral=True)

    @tutor.command(name="resume", description="Show up in search and take bookings again")
    async def resume(self, interaction: discord.Interaction) -> None:
        """Resume the caller's tutor profile."""
        guild = guild_of(interaction)
        await profiles.set_paused(guild.id, interaction.user.id, False, self.bot.services)
        await interaction.response.send_message(texts.TUTOR_RESUMED, ephemeral=True)


async def setup(bot: TutorBot) -> None:
    """Load the cog."""
    await bot.add_cog(TutorCog(bot))
