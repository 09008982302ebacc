"""`/privacy export` and `/privacy delete`: the caller's own data in this server."""

from __future__ import annotations

import io

import discord
from discord import app_commands

from bot import texts
from bot.actors import actor_of
from bot.cogs.base import BotCog, extension
from bot.flows.confirm import ConfirmView
from bot.replies import reply
from marketplace.services import privacy
from marketplace.services.actor import Actor


def export_file(actor: Actor, export: privacy.PrivacyExport) -> discord.File:
    """The export as a JSON attachment, with a sentence for each thing left out."""
    document = {
        "about": texts.PRIVACY_EXPORT_ABOUT,
        **export.document,
        "not_included": [texts.PRIVACY_NOT_INCLUDED[key] for key in privacy.NOT_INCLUDED],
    }
    name = texts.PRIVACY_EXPORT_FILENAME.format(guild=actor.guild_id, user=actor.user_id)
    return discord.File(io.BytesIO(privacy.encode(document)), filename=name)


class PrivacyCog(BotCog):
    """Your data: take a copy, or erase it."""

    privacy_group = app_commands.Group(
        name="privacy", description="Your data in this server", guild_only=True
    )

    @privacy_group.command(name="export", description="Get everything stored about you here")
    async def export(self, interaction: discord.Interaction) -> None:
        """Answer with the caller's data as a JSON file only they see."""
        actor = actor_of(interaction)
        export = await privacy.export(privacy.ExportMyData(actor), self.bot.services)
        content = texts.PRIVACY_EXPORTED
        if export.capped:
            cap = export.document["list_cap"]
            content += texts.PRIVACY_EXPORT_CAPPED.format(cap=cap, lists=", ".join(export.capped))
        file = export_file(actor, export)
        if interaction.response.is_done():
            await interaction.followup.send(content, file=file, ephemeral=True)
        else:
            await interaction.response.send_message(content, file=file, ephemeral=True)

    @privacy_group.command(name="delete", description="Erase or anonymise your data here")
    async def delete(self, interaction: discord.Interaction) -> None:
        """Say what will happen (or why not yet), then delete on Confirm."""
        actor = actor_of(interaction)
        ctx = self.bot.services
        await privacy.check_deletable(actor, ctx)

        async def erase() -> str:
            done = await privacy.delete(privacy.DeleteMyData(actor), ctx)
            return texts.PRIVACY_DELETED if done.erased else texts.PRIVACY_NOTHING_TO_DELETE

        view = ConfirmView(
            actor.user_id, erase, key="privacy", back_text=texts.PRIVACY_DELETE_KEPT, danger=True
        )
        await reply(interaction, texts.PRIVACY_DELETE_CONFIRM, view=view, ephemeral=True)


setup = extension(PrivacyCog)
