"""Which language to speak to whom: set once per interaction, notice or post.

The guild's `languages` decide (the first the bot speaks); with `member_locale` on, a
member's own Discord language does, when the bot speaks it. Jobs have no interaction, so
the language a member last used with this process is kept (`LAST_SEEN`, in memory: after
a restart a job speaks the guild's language until the member is seen again).
"""

from __future__ import annotations

import discord

from bot.i18n import ENGLISH, language_of, pick_language, set_language
from marketplace.services.context import ServiceContext
from marketplace.services.guild_admin import language_settings

LAST_SEEN: dict[int, str] = {}
"""Each member's Discord language as their last interaction gave it (the bot's languages)."""


async def guild_language(
    services: ServiceContext, guild_id: int | None, user_id: int | None = None
) -> str:
    """The language to speak in `guild_id`, to `user_id` if the guild lets members choose."""
    if guild_id is None:
        return LAST_SEEN.get(user_id, ENGLISH) if user_id is not None else ENGLISH
    languages, member_locale = await language_settings(guild_id, services)
    mine = LAST_SEEN.get(user_id) if user_id is not None else None
    return pick_language(languages, mine, allow_member=member_locale)


async def speak_for(interaction: discord.Interaction, guild_id: int | None = None) -> None:
    """Answer this interaction (its own task) in its member's language for the guild.

    `guild_id` is the guild a button acts in, for presses in DMs; else the interaction's.
    """
    mine = language_of(str(interaction.locale)) if interaction.locale else None
    if mine is not None:
        LAST_SEEN[interaction.user.id] = mine
    services: ServiceContext | None = getattr(interaction.client, "services", None)
    guild = guild_id if guild_id is not None else interaction.guild_id
    if services is None:
        return
    set_language(await guild_language(services, guild, interaction.user.id))


async def language_in(client: discord.Client, guild_id: int) -> str:
    """The language of posts in `guild_id` that are no one member's (queues, spaces, reports)."""
    services: ServiceContext | None = getattr(client, "services", None)
    return await guild_language(services, guild_id) if services is not None else ENGLISH
