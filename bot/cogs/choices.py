"""What the cogs offer as choices: a `booking:` option's sessions, named by the other side."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import discord
from discord import app_commands

from bot.actors import actor_of, guild_of
from bot.client import TutorBot
from bot.presenters.bookings import booking_choices, counterpart
from marketplace.domain.booking import Booking
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext

Command = TypeVar("Command")


async def session_choices(
    bot: TutorBot,
    interaction: discord.Interaction,
    current: str,
    listing: Callable[[Command, ServiceContext], Awaitable[Sequence[Booking]]],
    command: Callable[[Actor], Command],
) -> list[app_commands.Choice[int]]:
    """A `booking:` autocomplete: the caller's sessions `listing` offers, matching `current`.

    `listing(command(caller), services)` picks the sessions and their order; each is named
    by the other participant.
    """
    actor = actor_of(interaction)
    guild = guild_of(interaction)
    found = await listing(command(actor), bot.services)
    names = await bot.names.many(guild, (counterpart(b, actor.user_id) for b in found))
    return booking_choices(found, names, actor.user_id, current)
