"""What every cog shares: the bot it serves, and the extension hook that adds it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from discord.ext import commands

from bot.client import TutorBot


class BotCog(commands.Cog):
    """A cog of TutorBot's: `self.bot` is the bot it was added to."""

    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot


def extension(cog: Callable[[TutorBot], BotCog]) -> Callable[[TutorBot], Awaitable[None]]:
    """The extension hook of a module with one cog, to be named `setup` there.

    `load_extension` calls it for each name in `bot.client.EXTENSIONS`; it adds the cog.
    """

    async def setup(bot: TutorBot) -> None:
        await bot.add_cog(cog(bot))

    return setup
