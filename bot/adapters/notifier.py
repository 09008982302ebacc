"""The Discord Notifier: DMs first, and a fallback for closed DMs.

A closed DM goes to the booking's session space when one is open, else to the guild's
fallback channel, with a mention.
"""

from __future__ import annotations

import logging

import discord

from bot import texts
from bot.presenters.notices import RenderedNotice, ics_file, render_notice
from marketplace.ports import DeliveryOutcome, Notice
from marketplace.services.context import ServiceContext
from marketplace.services.guild_admin import money_locale

log = logging.getLogger(__name__)

DM_CLOSED = 50007


class DiscordNotifier:
    """Delivers notices with a deterministic nonce, so a retried send never posts twice."""

    def __init__(self, bot: discord.Client, services: ServiceContext) -> None:
        self.bot = bot
        self.services = services

    async def deliver(self, notice: Notice) -> DeliveryOutcome:
        """DM the user; on 50007 mention them in the fallback channel instead."""
        subject, fallback_id = await self._context(notice)
        locale = await money_locale(notice.guild_id, self.services)
        rendered = render_notice(notice, subject, self.services.clock.now(), locale)
        if notice.try_dm:
            try:
                user = self.bot.get_user(notice.user_id) or await self.bot.fetch_user(
                    notice.user_id
                )
                await user.send(
                    embed=rendered.embed,
                    view=rendered.view or discord.utils.MISSING,
                    file=ics_file(rendered) or discord.utils.MISSING,
                    nonce=notice.nonce,
                )
            except discord.Forbidden as error:
                if error.code != DM_CLOSED:
                    raise
                log.info("DMs closed for user %s; using the fallback channel", notice.user_id)
            else:
                return DeliveryOutcome("dm")
        return await self._fallback(notice, rendered, fallback_id)

    async def _context(self, notice: Notice) -> tuple[str, int | None]:
        """The subject's name, and where a closed DM goes instead."""
        async with self.services.uow(read_only=True) as uow:
            policy = await uow.guilds.policy(notice.guild_id)
            names = {s.key: s.name for s in await uow.subjects.all(notice.guild_id)}
            space = await uow.spaces.get(notice.booking.booking_id) if notice.booking else None
        key = notice.booking.subject_key if notice.booking else ""
        if space is not None and space.is_live and space.text_id is not None:
            return names.get(key, key), space.text_id
        return names.get(key, key), policy.fallback_channel

    async def _fallback(
        self, notice: Notice, rendered: RenderedNotice, channel_id: int | None
    ) -> DeliveryOutcome:
        if channel_id is None:
            log.warning("no fallback channel in guild %s; notice not delivered", notice.guild_id)
            return DeliveryOutcome("none", dm_closed=True)
        channel = self.bot.get_partial_messageable(channel_id)
        await channel.send(
            texts.FALLBACK_PREFIX.format(user=notice.user_id),
            embed=rendered.embed,
            view=rendered.view or discord.utils.MISSING,
            file=ics_file(rendered) or discord.utils.MISSING,
            nonce=notice.nonce,
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(notice.user_id)]),
        )
        return DeliveryOutcome("fallback", dm_closed=True)
