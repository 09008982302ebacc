"""Session spaces on Discord: joining a session's voice channel checks you in."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.client import TutorBot
from marketplace.services import spaces

log = logging.getLogger(__name__)


class SessionsCog(commands.Cog):
    """Listens to voice presence for attendance."""

    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        """A participant joining their session's voice channel is checked in."""
        joined = after.channel
        if joined is None or (before.channel is not None and before.channel.id == joined.id):
            return
        try:
            if await spaces.voice_joined(member.guild.id, joined.id, member.id, self.bot.services):
                log.info("user %s checked in by joining voice %s", member.id, joined.id)
        except Exception:  # a listener has nobody to answer; never let it crash the client
            log.exception("voice check-in failed for user %s", member.id)


async def setup(bot: TutorBot) -> None:
    """The extension hook: `load_extension` calls it for each name in `bot.client.EXTENSIONS`."""
    await bot.add_cog(SessionsCog(bot))
