"""`/start`, `/help` and `/timezone set`."""

from __future__ import annotations

import discord
from discord import app_commands

from bot import texts
from bot.actors import guild_of
from bot.cogs.base import BotCog, extension
from bot.flows.start_wizard import StartView
from bot.presenters.onboarding import help_embed
from bot.replies import reply
from marketplace.domain.members import Subject
from marketplace.domain.timezones import suggest_zones
from marketplace.services import onboarding
from marketplace.services.context import ServiceContext


async def offered_subjects(
    interaction: discord.Interaction, services: ServiceContext
) -> list[Subject] | None:
    """The server's subjects; None once the caller is told there are none yet."""
    guild = guild_of(interaction)
    subjects = await onboarding.catalogue(guild.id, guild.name, services)
    if not subjects:
        await reply(interaction, texts.NO_SUBJECTS_YET, ephemeral=True)
        return None
    return subjects


class OnboardingCog(BotCog):
    """Getting started: onboarding, help and time zones."""

    timezone = app_commands.Group(
        name="timezone", description="Your time zone, used to show and read times", guild_only=True
    )

    @app_commands.command(name="start", description="Set up your TutorBot profile in a minute")
    @app_commands.guild_only()
    async def start(self, interaction: discord.Interaction) -> None:
        """Open the onboarding menu."""
        services = self.bot.services
        subjects = await offered_subjects(interaction, services)
        if subjects is None:
            return
        current_zone = await onboarding.current_timezone(interaction.user.id, services)
        view = StartView(interaction.user.id, services, subjects, current_zone)
        await reply(interaction, texts.START_INTRO, view=view, ephemeral=True)

    @app_commands.command(name="help", description="What TutorBot can do, and how")
    async def help(self, interaction: discord.Interaction) -> None:
        """Show the command overview."""
        await reply(interaction, embed=help_embed(), ephemeral=True)

    @timezone.command(name="set", description="Set your time zone (IANA name, e.g. Europe/Berlin)")
    @app_commands.describe(zone="Start typing a city or region, e.g. Berlin or America/")
    async def timezone_set(self, interaction: discord.Interaction, zone: str) -> None:
        """Store the caller's zone."""
        canonical = await onboarding.set_timezone(
            onboarding.SetTimezone(interaction.user.id, zone), self.bot.services
        )
        await reply(interaction, texts.ZONE_SET.format(zone=canonical), ephemeral=True)

    @timezone_set.autocomplete("zone")
    async def zone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest IANA zones matching what was typed."""
        return [app_commands.Choice(name=z, value=z) for z in suggest_zones(current[:64])]


setup = extension(OnboardingCog)
