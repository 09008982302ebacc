"""Sending replies that work whether or not the interaction was already answered."""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord.utils import MISSING


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
    ephemeral: bool = True,
) -> None:
    """Answer the interaction; follow up instead if it was deferred or answered already.

    Give one `embed`, or several `embeds` (at most 10, 6,000 characters together).
    """
    cards = [embed] if embed is not None else list(embeds)
    if interaction.response.is_done():
        await interaction.followup.send(
            content or MISSING,
            embeds=cards or MISSING,
            view=view or MISSING,
            file=file or MISSING,
            ephemeral=ephemeral,
        )
    else:
        await interaction.response.send_message(
            content,
            embeds=cards or MISSING,
            view=view or MISSING,
            file=file or MISSING,
            ephemeral=ephemeral,
        )
