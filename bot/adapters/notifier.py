"""The Discord Notifier: DMs first, and a fallback for closed DMs.

A closed DM goes, with a mention, to the first of these the member can view and the bot
can send in: the booking's live session space, the guild's fallback channel, the channel
the booking was made in, the guild's system channel, then any text channel.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import discord

from bot import texts
from bot.adapters.spaces import GuildView, guild_view
from bot.i18n import speaking
from bot.presenters.notices import RenderedNotice, ics_file, render_notice
from bot.speaking import guild_language
from marketplace.ports import DeliveryOutcome, Notice
from marketplace.ports.kept_notices import KeptNotice
from marketplace.ports.notify import NoticeKind, notice_details
from marketplace.services.context import ServiceContext
from marketplace.services.guild_admin import money_locale

log = logging.getLogger(__name__)

DM_CLOSED = 50007
NOTHING_KEPT_SECONDS = 60.0  # how long "this member has no kept notice" is believed
ANSWER_WAIT_SECONDS = 3.0  # how long a kept notice waits for the interaction's answer


@dataclass(frozen=True, slots=True)
class _Places:
    """Where a closed DM may go: the live session thread, then configured channels in order."""

    space_id: int | None
    configured: list[int]


class DiscordNotifier:
    """Delivers notices with a deterministic nonce, so a retried send never posts twice."""

    def __init__(self, bot: discord.Client, services: ServiceContext) -> None:
        self.bot = bot
        self.services = services
        self._nothing_kept: dict[int, float] = {}  # user id -> monotonic time it expires

    async def deliver(self, notice: Notice) -> DeliveryOutcome:
        """DM the user; on 50007 mention them in a channel they can see; else keep it."""
        outcome, _ = await self._send(notice)
        if outcome.channel == "none":
            await self._keep(notice)
            return DeliveryOutcome("kept", dm_closed=True)
        return outcome

    def may_have_kept(self, interaction: discord.Interaction) -> bool:
        """Whether `deliver_kept` has anything to look up for this interaction."""
        if interaction.type is discord.InteractionType.autocomplete:
            return False  # no answer can carry a notice, and it comes with every keystroke
        return self._nothing_kept.get(interaction.user.id, 0.0) <= time.monotonic()

    async def deliver_kept(self, interaction: discord.Interaction) -> None:
        """Deliver what was kept for the member now interacting; each notice exactly once.

        Cheap for everyone else: one indexed read, and "nothing kept" is remembered for
        a minute. A notice still without a DM or channel is shown with the answer.
        """
        if not self.may_have_kept(interaction):
            return
        user_id = interaction.user.id
        async with self.services.uow(read_only=True) as uow:
            kept = await uow.kept_notices.for_user(user_id)
        if not kept:
            self._nothing_kept[user_id] = time.monotonic() + NOTHING_KEPT_SECONDS
            return
        for item in kept:
            async with self.services.uow() as uow:
                mine = await uow.kept_notices.take(item.nonce)
                await uow.commit()
            if mine:
                await self._redeliver(item, interaction)

    async def _redeliver(self, item: KeptNotice, interaction: discord.Interaction) -> None:
        notice = await self._rebuilt(item)
        try:
            outcome, rendered = await self._send(notice)
            if outcome.channel == "none" and not await _with_answer(interaction, rendered):
                await self._keep(notice)
                return
        except Exception:
            await self._keep(notice)
            raise
        log.info("delivered kept notice %s to user %s", item.nonce, item.user_id)

    async def _rebuilt(self, item: KeptNotice) -> Notice:
        async with self.services.uow(read_only=True) as uow:
            booking = await uow.bookings.get(item.booking_id) if item.booking_id else None
        kind = NoticeKind(item.kind)
        return Notice(
            kind, item.guild_id, item.user_id, item.nonce, booking, item.counterpart_id,
            True, notice_details(kind, item.details),
        )  # fmt: skip

    async def _keep(self, notice: Notice) -> None:
        """Keep the notice for the member's next interaction (one warning, with ids)."""
        async with self.services.uow() as uow:
            await uow.kept_notices.keep(
                KeptNotice(
                    nonce=notice.nonce, guild_id=notice.guild_id, user_id=notice.user_id,
                    kind=notice.kind.value,
                    booking_id=notice.booking.booking_id if notice.booking else None,
                    counterpart_id=notice.counterpart_id, details=notice.details.fields(),
                    kept_at=self.services.clock.now(),
                )
            )  # fmt: skip
            await uow.commit()
        self._nothing_kept.pop(notice.user_id, None)

    async def _send(self, notice: Notice) -> tuple[DeliveryOutcome, RenderedNotice]:
        """DM, else a mention in a usable channel; "none" when neither could be used.

        Worded in the guild's language (or the member's, when the guild lets them pick).
        """
        language = await guild_language(self.services, notice.guild_id, notice.user_id)
        with speaking(language):
            return await self._send_worded(notice)

    async def _send_worded(self, notice: Notice) -> tuple[DeliveryOutcome, RenderedNotice]:
        subject, candidates = await self._context(notice)
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
                return DeliveryOutcome("dm"), rendered
        return await self._fallback(notice, rendered, candidates), rendered

    async def _context(self, notice: Notice) -> tuple[str, _Places]:
        """The subject's name, and the configured places a closed DM may go, in order."""
        booking_id = notice.booking.booking_id if notice.booking else None
        async with self.services.uow(read_only=True) as uow:
            policy = await uow.guilds.policy(notice.guild_id)
            names = {s.key: s.name for s in await uow.subjects.all(notice.guild_id)}
            space = await uow.spaces.get(booking_id) if booking_id is not None else None
            booked_in = await uow.booking_channels.of(booking_id) if booking_id else None
        key = notice.booking.subject_key if notice.booking else ""
        candidates = [c for c in (policy.fallback_channel, booked_in) if c is not None]
        if space is not None and space.is_live and space.text_id is not None:
            return names.get(key, key), _Places(space.text_id, candidates)
        return names.get(key, key), _Places(None, candidates)

    async def _usable(self, notice: Notice, places: _Places) -> int | None:
        """The first channel the member can view and the bot can send in, if any."""
        if places.space_id is not None:
            return places.space_id  # the bot's own private thread, the member in it
        guild = await guild_view(self.bot, notice.guild_id)
        if guild is None:
            return None
        member = await _member(guild, notice.user_id)
        if member is None:
            return None
        system = guild.guild.system_channel
        ordered = [*places.configured, *([system.id] if system is not None else [])]
        ordered += [c.id for c in guild.channels if isinstance(c, discord.TextChannel)]
        for channel_id in ordered:
            channel = guild.channel(channel_id)
            if channel is not None and _can_reach(channel, guild.me, member):
                return channel_id
        return None

    async def _fallback(
        self, notice: Notice, rendered: RenderedNotice, places: _Places
    ) -> DeliveryOutcome:
        channel_id = await self._usable(notice, places)
        if channel_id is None:
            log.warning(
                "no channel user %s can see in guild %s; notice %s kept for their next visit",
                notice.user_id, notice.guild_id, notice.nonce,
            )  # fmt: skip
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
        return DeliveryOutcome("fallback", dm_closed=True, channel_id=channel_id)


async def _with_answer(interaction: discord.Interaction, rendered: RenderedNotice) -> bool:
    """Show the notice privately after the interaction's own answer; False if none came."""
    for _ in range(int(ANSWER_WAIT_SECONDS * 10)):
        if interaction.response.is_done():
            break
        await asyncio.sleep(0.1)
    else:
        return False
    try:
        await interaction.followup.send(
            embed=rendered.embed,
            view=rendered.view or discord.utils.MISSING,
            file=ics_file(rendered) or discord.utils.MISSING,
            ephemeral=True,
        )
    except discord.HTTPException:
        return False
    return True


async def _member(guild: GuildView, user_id: int) -> discord.Member | None:
    """The member from the cache, else over REST; None when they left."""
    cached = guild.guild.get_member(user_id)
    if cached is not None:
        return cached
    try:
        return await guild.guild.fetch_member(user_id)
    except (discord.NotFound, discord.Forbidden):
        return None


def _can_reach(
    channel: discord.abc.GuildChannel, me: discord.Member, member: discord.Member
) -> bool:
    """The member can read the text channel and the bot can post there."""
    if not isinstance(channel, discord.TextChannel):
        return False
    mine, theirs = channel.permissions_for(me), channel.permissions_for(member)
    return mine.view_channel and mine.send_messages and theirs.view_channel
