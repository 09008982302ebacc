"""`/profile view` and `/profile edit`."""

from __future__ import annotations

import discord
from discord import app_commands

from bot import texts
from bot.actors import guild_of
from bot.cogs.base import BotCog, extension
from bot.flows.base import open_form
from bot.flows.profile_edit import ProfileEditModal
from bot.flows.report import ReportProfileButton
from bot.presenters.profiles import profile_embed
from bot.replies import reply, work_slot
from marketplace.services import profiles


class ProfileCog(BotCog):
    """Profiles: a card for anyone, editing for yourself."""

    profile = app_commands.Group(
        name="profile", description="See or edit TutorBot profiles", guild_only=True
    )

    @profile.command(name="view", description="Show a profile card: yours or someone else's")
    @app_commands.describe(user="Whose profile to show (leave empty for yours)")
    async def view(
        self, interaction: discord.Interaction, user: discord.User | discord.Member | None = None
    ) -> None:
        """Show `user`'s card (the caller's by default); completeness only to its owner."""
        guild = guild_of(interaction)
        target = user or interaction.user
        async with work_slot():
            card = await profiles.view(profiles.ViewProfile(guild.id, target.id), self.bot.services)
        is_self = target.id == interaction.user.id
        if card.member is None and card.tutor is None:
            text = (
                texts.NO_PROFILE_SELF
                if is_self
                else texts.NO_PROFILE_OTHER.format(name=target.display_name[:80])
            )
            await reply(interaction, text, ephemeral=True)
            return
        embed = profile_embed(card, target.display_name, viewer_is_owner=is_self)
        view = None
        if not is_self:  # every profile can be reported (SPEC.md "Safety")
            view = discord.ui.View(timeout=None)
            view.add_item(ReportProfileButton(guild.id, target.id))
        await reply(interaction, embed=embed, view=view, ephemeral=True)

    @profile.command(name="edit", description="Edit your goals, bio or rate")
    async def edit(self, interaction: discord.Interaction) -> None:
        """Open the edit modal with what applies to the caller."""
        guild = guild_of(interaction)
        card = await profiles.view(
            profiles.ViewProfile(guild.id, interaction.user.id), self.bot.services
        )
        if card.student is None and card.tutor is None:
            await reply(interaction, texts.PROFILE_EDIT_NOTHING, ephemeral=True)
            return
        await open_form(interaction, ProfileEditModal(card, self.bot.services))


setup = extension(ProfileCog)
