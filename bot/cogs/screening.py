"""Session-space messages on Discord: logged and screened (needs the Message Content intent).

Without the intent Discord sends guild messages with empty text, so nothing is logged or
screened; `/admin config` says so and each guild's admins are told once (the alert is
queued when the guild becomes available). A channel found not to be a session space is
remembered as such: spaces are always new channels, so the answer never changes.
"""

from __future__ import annotations

import logging
from datetime import datetime

import discord
from discord.ext import commands

from bot import texts
from bot.client import TutorBot
from bot.cogs.base import BotCog, extension
from marketplace.services import session_messages
from marketplace.services.session_messages import IncomingMessage, Screened

log = logging.getLogger(__name__)

SLOWMODE_SECONDS = 10
NOT_SPACES_REMEMBERED = 10_000


class ScreeningCog(BotCog):
    """Hands session-space messages and edits to the services, and acts on the answer."""

    def __init__(self, bot: TutorBot) -> None:
        super().__init__(bot)
        self._not_spaces: set[int] = set()

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """Without the Message Content intent, make sure the admins hear it once."""
        if self.bot.intents.message_content:
            return
        try:
            await session_messages.screening_off(guild.id, self.bot.services)
        except Exception:  # a listener has nobody to answer
            log.exception("could not queue the screening-off alert for guild %s", guild.id)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Log and screen a member's message in a session space."""
        if message.guild is None or message.author.bot or not self.bot.intents.message_content:
            return
        files = tuple(a.filename for a in message.attachments)
        await self._handle(
            message.channel,
            IncomingMessage(
                message.guild.id, message.channel.id, message.id, message.author.id,
                self._now(), message.content, files,
            ),
            message,
        )  # fmt: skip

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """Screen an edit again (the edited text replaces the logged one)."""
        data = payload.data
        author = data.get("author") or {}
        if payload.guild_id is None or "content" not in data or author.get("bot"):
            return
        if not self.bot.intents.message_content:
            return
        now = self._now()
        msg = IncomingMessage(
            payload.guild_id, payload.channel_id, payload.message_id, int(author.get("id", 0)),
            now, str(data.get("content") or ""),
            tuple(str(a.get("filename", "")) for a in data.get("attachments", [])), now,
        )  # fmt: skip
        channel = self.bot.get_channel(payload.channel_id)
        await self._handle(channel, msg, None)

    def _now(self) -> datetime:
        """Times come from the services' clock, like every other record's."""
        return self.bot.services.clock.now()

    async def _handle(
        self, channel: object, msg: IncomingMessage, message: discord.Message | None
    ) -> None:
        if msg.channel_id in self._not_spaces or not msg.author_id:
            return
        try:
            result = await session_messages.record_message(msg, self.bot.services)
        except Exception:  # a listener has nobody to answer; never let it crash the client
            log.exception("screening failed for message %s", msg.message_id)
            return
        if result.booking_id is None:
            if len(self._not_spaces) < NOT_SPACES_REMEMBERED:
                self._not_spaces.add(msg.channel_id)
            return
        await self._act(channel, msg, result, message)

    async def _act(
        self,
        channel: object,
        msg: IncomingMessage,
        result: Screened,
        message: discord.Message | None,
    ) -> None:
        """Remind the sender (visible in the space) and slow the space down if needed."""
        if not isinstance(channel, discord.Thread | discord.TextChannel | discord.VoiceChannel):
            return
        lines = [
            texts.SCREENING_REMINDERS[k] for k in result.remind if k in texts.SCREENING_REMINDERS
        ]
        try:
            if lines:
                text = texts.SCREENING_REMINDER.format(user=msg.author_id, lines="\n".join(lines))
                if message is not None:
                    await message.reply(text, mention_author=True)
                else:
                    await channel.send(text)
            if result.slow_down:
                await channel.edit(slowmode_delay=SLOWMODE_SECONDS)
                await channel.send(texts.SCREENING_SLOWED.format(seconds=SLOWMODE_SECONDS))
        except discord.HTTPException as error:
            log.warning("could not act on flag %s: %s", result.flag_id, error)


setup = extension(ScreeningCog)
