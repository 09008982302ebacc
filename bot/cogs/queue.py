"""`/queue open|close` (tutors) and `/queue join|leave|status` (students): drop-in hours."""

from __future__ import annotations

import discord
from discord import app_commands

from bot import texts
from bot.actors import actor_of, guild_of
from bot.cogs.base import BotCog, extension
from bot.cogs.find import AUTOCOMPLETE_LIMIT, subject_choices
from bot.flows.queue_buttons import hours_view
from bot.presenters.bookings import ts
from bot.presenters.dropin import place_text
from bot.replies import reply
from marketplace.services import dropin


class QueueCog(BotCog):
    """Drop-in office hours with a live queue; the rules live in `services/dropin.py`."""

    queue = app_commands.Group(
        name="queue", description="Drop-in office hours with a live queue", guild_only=True
    )

    @queue.command(name="open", description="Open drop-in hours for a subject (tutors)")
    @app_commands.describe(
        subject="The subject you'll help with",
        until="When the hours end, e.g. '17:00' (default: in 2 hours)",
        channel="Where the live queue is shown (default: this channel)",
    )
    async def open(
        self,
        interaction: discord.Interaction,
        subject: str,
        until: str | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Open the hours (or join them); the reply carries the queue's buttons too."""
        where = channel.id if channel is not None else interaction.channel_id or 0
        opened = await dropin.open_hours(
            dropin.OpenHours(actor_of(interaction), subject, where, until), self.bot.services
        )
        hours = opened.hours
        template = texts.QUEUE_JOINED_HOURS if opened.joined else texts.QUEUE_OPENED
        view = hours_view(hours.guild_id, hours.hours_id)
        text = template.format(
            subject=opened.subject, until=ts(hours.until), channel=hours.channel_id
        )
        await reply(interaction, text, view=view, ephemeral=True)

    @queue.command(name="close", description="Stop helping; the last tutor's close ends the hours")
    async def close(self, interaction: discord.Interaction) -> None:
        """Leave or end the hours the caller serves."""
        closed = await dropin.close_hours(
            dropin.CloseHours(actor_of(interaction)), self.bot.services
        )
        if not closed.ended:
            await reply(interaction, texts.QUEUE_LEFT_HOURS.format(subject=closed.subject))
            return
        text = texts.QUEUE_CLOSED_REPLY.format(subject=closed.subject)
        if closed.told:
            text += texts.QUEUE_CLOSED_TOLD.format(count=closed.told)
        await reply(interaction, text)

    @queue.command(name="join", description="Join the drop-in queue for a subject")
    @app_commands.describe(
        subject="The subject you need help with",
        topic="What you'd like help with, in a sentence (optional)",
    )
    async def join(
        self, interaction: discord.Interaction, subject: str, topic: str | None = None
    ) -> None:
        """Queue the caller and tell them their place and the estimated wait."""
        place = await dropin.join(
            dropin.JoinQueue(actor_of(interaction), subject, topic or ""), self.bot.services
        )
        await reply(interaction, place_text(place))

    @queue.command(name="leave", description="Leave the drop-in queue")
    async def leave(self, interaction: discord.Interaction) -> None:
        """Take the caller out of the queue they're in."""
        subject = await dropin.leave(
            dropin.ByQueueStudent(actor_of(interaction)), self.bot.services
        )
        await reply(interaction, texts.QUEUE_LEFT.format(subject=subject))

    @queue.command(name="status", description="Your place in the drop-in queue")
    async def status(self, interaction: discord.Interaction) -> None:
        """The caller's place and the estimated wait."""
        place = await dropin.status(dropin.ByQueueStudent(actor_of(interaction)), self.bot.services)
        await reply(interaction, place_text(place))

    @open.autocomplete("subject")
    async def subject_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The guild's subjects matching what was typed."""
        return await subject_choices(self.bot, interaction, current)

    @join.autocomplete("subject")
    async def open_subject_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The subjects with drop-in hours open now (all subjects when none are)."""
        guild = guild_of(interaction)
        open_now = await dropin.open_subjects(guild.id, self.bot.services)
        if not open_now:
            return await subject_choices(self.bot, interaction, current)
        typed = current.casefold()
        return [
            app_commands.Choice(name=name, value=key)
            for key, name in open_now
            if typed in name.casefold()
        ][:AUTOCOMPLETE_LIMIT]


setup = extension(QueueCog)
