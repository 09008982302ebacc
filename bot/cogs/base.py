"""What the cogs share: the bot they serve, and a `booking:` option's choices.

Not an extension itself (it has no `setup`; `bot.client.EXTENSIONS` does not list it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.actors import actor_of, guild_of
from bot.client import TutorBot
from bot.presenters.bookings import booking_choices, counterpart
from marketplace.domain.booking import Booking
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext

Command = TypeVar("Command")


class BotCog(commands.Cog):
    """A cog whose commands reach the services (and the display names) through `bot`."""

    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    async def session_choices(
        self,
        interaction: discord.Interaction,
        current: str,
        listing: Callable[[Command, ServiceContext], Awaitable[Sequence[Booking]]],
        command: Callable[[Actor], Command],
    ) -> list[app_commands.Choice[int]]:
        """A `booking:` autocomplete: the caller's sessions `listing` offers, matching `current`.

        Each is named by the other participant (`listing(command(caller), services)` picks
        which sessions, in which order).
        """
        actor = actor_of(interaction)
        guild = guild_of(interaction)
        found = await listing(command(actor), self.bot.services)
        names = await self.bot.names.many(guild, (counterpart(b, actor.user_id) for b in found))
        return booking_choices(found, names, actor.user_id, current)
