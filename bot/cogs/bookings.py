"""`/book`, `/bookings`, `/cancel`, `/reschedule`."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import discord
from discord import app_commands

from bot import texts
from bot.actors import actor_of, guild_of
from bot.cogs.base import BotCog, extension
from bot.cogs.find import subject_choices
from bot.flows.booking_list import bookings_view
from bot.flows.booking_manage import confirm_cancellation, reschedule_and_reply
from bot.flows.confirm import Answer, ConfirmView
from bot.flows.durations import default_duration, duration_choices, refusal
from bot.flows.pay import booked_answer
from bot.flows.series_buttons import DEFAULT_WEEKS, move_question, series_question
from bot.presenters.bookings import booking_choices, bookings_embed, counterpart
from bot.replies import reply
from marketplace.services import booking_views, bookings, onboarding, series, series_moves


class BookingCog(BotCog):
    """Booking and managing sessions."""

    @app_commands.command(name="book", description="Request a session with a tutor")
    @app_commands.describe(
        tutor="The tutor to book",
        when="When, in your time zone, e.g. 'Thursday 4pm'",
        duration="Length in minutes (the lengths this server offers)",
        subject="The subject (defaults to one you both share)",
        note="Anything the tutor should know (optional)",
        repeat="weekly books the same time every week (a series)",
        weeks="How many weeks, 2-16 (a weekly series; default 4)",
    )
    @app_commands.guild_only()
    async def book(  # noqa: PLR0917 - slash command options are positional
        self,
        interaction: discord.Interaction,
        tutor: discord.User,
        when: str,
        duration: int | None = None,
        subject: str | None = None,
        note: str | None = None,
        repeat: Literal["none", "weekly"] = "none",
        weeks: app_commands.Range[int, 2, 16] | None = None,
    ) -> None:
        """Echo the time (or every week) back; Confirm sends the request."""
        ctx = self.bot.services
        actor = actor_of(interaction)
        offered = await booking_views.allowed_durations(actor.guild_id, ctx)
        duration = default_duration(offered) if duration is None else duration
        if refused := refusal(duration, offered):
            await reply(interaction, refused, ephemeral=True)
            return
        cmd = bookings.BookSession(
            actor, tutor.id, duration, when=when, subject_key=subject, note=note or "",
            channel_id=interaction.channel_id,
        )  # fmt: skip
        if repeat == "weekly" or weeks is not None:
            weekly = series.BookSeries(cmd, weeks or DEFAULT_WEEKS)
            prompt, asked = await series_question(weekly, tutor.id, ctx)
            await reply(interaction, prompt, view=asked, ephemeral=True)
            return
        start = await bookings.check_bookable(cmd, ctx)

        async def send() -> Answer:
            booked = await bookings.book(replace(cmd, when=None, start=start), ctx)
            return await booked_answer(booked, actor, ctx)

        prompt = texts.BOOK_CONFIRM.format(
            minutes=duration, tutor=tutor.id, start=int(start.timestamp())
        )
        view = ConfirmView(actor.user_id, send, key="time")
        await reply(interaction, prompt, view=view, ephemeral=True)

    @book.autocomplete("duration")
    async def book_duration(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """The lengths this guild offers."""
        offered = await booking_views.allowed_durations(guild_of(interaction).id, self.bot.services)
        return duration_choices(offered, current)

    @book.autocomplete("subject")
    async def book_subject(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The guild's subjects matching what was typed (see `subject_choices`)."""
        return await subject_choices(self.bot, interaction, current)

    @app_commands.command(name="bookings", description="Your sessions, with buttons to manage them")
    @app_commands.describe(scope="upcoming (default) or past")
    @app_commands.guild_only()
    async def list_bookings(
        self, interaction: discord.Interaction, scope: Literal["upcoming", "past"] = "upcoming"
    ) -> None:
        """List the caller's bookings."""
        actor = actor_of(interaction)
        upcoming = scope == "upcoming"
        listing = await booking_views.list_rows(
            booking_views.ListBookings(actor, upcoming), self.bot.services
        )
        catalogue = await onboarding.catalogue(actor.guild_id, actor.guild_name, self.bot.services)
        names = {s.key: s.name for s in catalogue}
        embed = bookings_embed(
            listing.bookings, actor.user_id, names, upcoming=upcoming,
            fallback_count=len(listing.fallback_notices), payments=listing.payments,
            locale=listing.locale, series=listing.series,
        )  # fmt: skip
        view = await bookings_view(listing.rows, actor, self.bot.services)
        await reply(interaction, embed=embed, view=view or discord.utils.MISSING, ephemeral=True)

    @app_commands.command(
        name="cancel", description="Cancel a session (you'll see the refund first)"
    )
    @app_commands.describe(
        booking="Which booking",
        reason="Why (optional; they will see it)",
        following="Also cancel the later weeks of its weekly series",
    )
    @app_commands.guild_only()
    async def cancel(
        self,
        interaction: discord.Interaction,
        booking: int,
        reason: str | None = None,
        following: bool = False,
    ) -> None:
        """Show the policy outcome and ask to confirm."""
        await confirm_cancellation(
            interaction, actor_of(interaction), booking, reason or "", following=following
        )

    @app_commands.command(name="reschedule", description="Move a session to a new time")
    @app_commands.describe(
        booking="Which booking",
        when="The new time, e.g. 'Friday 5pm'",
        following="Also move the later weeks of its weekly series, by the same offset",
    )
    @app_commands.guild_only()
    async def reschedule(
        self, interaction: discord.Interaction, booking: int, when: str, following: bool = False
    ) -> None:
        """Move the booking (or propose the time); with `following`, its later weeks too."""
        actor, ctx = actor_of(interaction), self.bot.services
        if following:
            cmd = series_moves.MoveFollowing(actor, booking, when)
            prompt, view = await move_question(cmd, ctx)
            await reply(interaction, prompt, view=view, ephemeral=True)
            return
        await reschedule_and_reply(interaction, actor, booking, when, ctx)

    @cancel.autocomplete("booking")
    @reschedule.autocomplete("booking")
    async def booking_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """The caller's live bookings."""
        actor = actor_of(interaction)
        guild = guild_of(interaction)
        listing = await booking_views.list_for(booking_views.ListBookings(actor), self.bot.services)
        others = (counterpart(b, actor.user_id) for b in listing.bookings)
        names = await self.bot.names.many(guild, others)
        return booking_choices(listing.bookings, names, actor.user_id, current)


setup = extension(BookingCog)
