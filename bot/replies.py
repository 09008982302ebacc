"""Sending replies that work whether or not the interaction was already answered."""

from __future__ import annotations

import discord
from discord.utils import MISSING


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
    ephemeral: bool = True,
) -> None:
    """Answer the interaction; follow up instead if it was deferred or answered already."""
    if interaction.response.is_done():
        await interaction.followup.send(
            content or MISSING,
            embed=embed or MISSING,
            view=view or MISSING,
            file=file or MISSING,
            ephemeral=ephemeral,
        )
    else:
        await interaction.response.send_message(
            content,
            embed=embed or MISSING,
            view=view or MISSING,
            file=file or MISSING,
            ephemeral=ephemeral,
        )
