"""The live queue message on Discord: posted once in the hours' channel, then edited."""

from __future__ import annotations

import logging

import discord

from bot.flows.queue_buttons import board_view
from bot.i18n import speaking
from bot.presenters.dropin import board_embed
from bot.speaking import language_in
from marketplace.domain.dropin import QueueBoard

log = logging.getLogger(__name__)


class DiscordQueueBoards:
    """Shows drop-in queues (the `QueueBoards` port) through the bot's REST client."""

    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

    async def show(self, board: QueueBoard) -> int | None:
        """Edit the queue's message; post a new one if there is none (or it was deleted)."""
        with speaking(await language_in(self.bot, board.hours.guild_id)):
            return await self._show_worded(board)

    async def _show_worded(self, board: QueueBoard) -> int | None:
        hours = board.hours
        channel = self.bot.get_partial_messageable(hours.channel_id)
        embed, view = board_embed(board), board_view(board)
        if hours.message_id is not None:
            try:
                await channel.get_partial_message(hours.message_id).edit(embed=embed, view=view)
            except discord.NotFound:
                log.info("queue message %s of hours %s is gone", hours.message_id, hours.hours_id)
            else:
                return hours.message_id
        try:
            message = await channel.send(embed=embed, view=view or discord.utils.MISSING)
        except discord.Forbidden:
            log.warning("cannot post the queue of hours %s in %s", hours.hours_id, hours.channel_id)
            return None
        return message.id
