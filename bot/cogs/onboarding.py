"""`/start`, `/help` and `/timezone set`."""

from __future__ import annotations

import discord
from discord import app_commands

from bot import texts
from bot.actors import actor_of, guild_of
from bot.cogs.base import BotCog, extension
from bot.flows.start_wizard import StartView
from bot.presenters.onboarding import help_embed
from bot.replies import reply
from marketplace.domain.errors import DomainError
from marketplace.domain.members import Subject
from marketplace.domain.timezones import suggest_zones
from marketplace.services import onboarding, referrals
from marketplace.services.context import ServiceContext


async def offered_subjects(
    interaction: discord.Interaction, services: ServiceContext, *, before: str = ""
) -> list[Subject] | None:
    """The server's subjects; None once the caller is told there are none yet.

    `before` is a line to say first, in the same answer.
    """
    guild = guild_of(interaction)
    subjects = await onboarding.catalogue(guild.id, guild.name, services)
    if not subjects:
        said = f"{before}\n\n{texts.NO_SUBJECTS_YET}" if before else texts.NO_SUBJECTS_YET
        await reply(interaction, said, ephemeral=True)
        return None
    return subjects


async def referral_line(
    interaction: discord.Interaction,
    referrer: discord.Member | discord.User,
    services: ServiceContext,
) -> str:
    """Record `referrer` as who brought the caller; the line saying how that went.

    A refusal (yourself, a bot, too late, twice, ...) is worded, not raised, so the rest
    of `/start` goes on.
    """
    joined = interaction.user.joined_at if isinstance(interaction.user, discord.Member) else None
    command = referrals.RecordReferral(
        actor_of(interaction),
        referrer_id=referrer.id,
        referrer_is_bot=referrer.bot,
        referrer_is_member=isinstance(referrer, discord.Member),
        joined_at=joined,
    )
    try:
        await referrals.record(command, services)
    except DomainError as refused:
        why = texts.describe_error(refused, interaction.user.id)
        return texts.REFERRAL_NOT_RECORDED.format(why=why)
    return texts.REFERRAL_RECORDED.format(referrer=referrer.id)


class OnboardingCog(BotCog):
    """Getting started: onboarding, help and time zones."""

    timezone = app_commands.Group(
        name="timezone", description="Your time zone, used to show and read times", guild_only=True
    )

    @app_commands.command(name="start", description="Set up your TutorBot profile in a minute")
    @app_commands.describe(referred_by="The member who brought you here (new members only)")
    @app_commands.guild_only()
    async def start(
        self,
        interaction: discord.Interaction,
        referred_by: discord.Member | discord.User | None = None,
    ) -> None:
        """Record who brought the caller (if named), then open the onboarding menu.

        A referral that is refused is said in one line above the menu: it never stops
        the rest of `/start`.
        """
        services = self.bot.services
        said = await referral_line(interaction, referred_by, services) if referred_by else ""
        subjects = await offered_subjects(interaction, services, before=said)
        if subjects is None:
            return
        current_zone = await onboarding.current_timezone(interaction.user.id, services)
        view = StartView(interaction.user.id, services, subjects, current_zone)
        intro = f"{said}\n\n{texts.START_INTRO}" if said else texts.START_INTRO
        await reply(interaction, intro, view=view, ephemeral=True)

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
