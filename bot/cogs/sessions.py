"""Session spaces on Discord: joining a session's voice channel checks you in."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.cogs.base import BotCog, extension
from marketplace.services import spaces

log = logging.getLogger(__name__)


class SessionsCog(BotCog):
    """Listens to voice presence for attendance."""

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


setup = extension(SessionsCog)
