"""Weekly series in the bot: the question before Confirm, and the tutor's Accept / Decline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot import texts
from bot.actors import actor_for
from bot.flows.base import RecordButton, services_of
from bot.flows.confirm import ConfirmView
from bot.presenters.series import plan_text
from marketplace.domain.booking import Booking, BookingState
from marketplace.services import series
from marketplace.services.context import ServiceContext

DEFAULT_WEEKS = 4  # `/book repeat:weekly` without `weeks`


async def series_question(
    cmd: series.BookSeries, tutor_id: int, ctx: ServiceContext
) -> tuple[str, ConfirmView]:
    """Every week listed (skipped ones say why), with Confirm to book those that fit."""
    plan = await series.plan(cmd, ctx)
    owner = cmd.book.actor.user_id
    prompt = plan_text(plan, cmd.book.duration_minutes, tutor_id, owner)

    async def send() -> str:
        booked = await series.book(cmd, ctx)
        confirmed = booked.bookings[0].state is BookingState.CONFIRMED
        template = texts.SERIES_CONFIRMED_REPLY if confirmed else texts.SERIES_REQUESTED_REPLY
        text = template.format(count=len(booked.bookings), tutor=tutor_id)
        if booked.skipped:
            text += texts.SERIES_SKIPPED_REPLY.format(count=len(booked.skipped))
        return text

    return prompt, ConfirmView(owner, send, key="series")


def series_request_view(guild_id: int, series_id: int) -> discord.ui.View:
    """Accept and Decline for every week of one series."""
    view = discord.ui.View(timeout=None)
    view.add_item(SeriesAcceptButton(guild_id, series_id))
    view.add_item(SeriesDeclineButton(guild_id, series_id))
    return view


async def _answer(
    interaction: discord.Interaction,
    button: RecordButton,
    answer: Callable[[series.OnSeries, ServiceContext], Awaitable[list[Booking]]],
    template: str,
) -> None:
    """Answer every week still waiting and say how many weeks that was."""
    actor = actor_for(interaction, button.guild_id)
    weeks = await answer(series.OnSeries(actor, button.record_id), services_of(interaction))
    await interaction.response.send_message(template.format(count=len(weeks)), ephemeral=True)


class SeriesAcceptButton(RecordButton, prefix="series:accept"):
    """Accept: confirm every week still waiting."""

    label = texts.SERIES_ACCEPT_LABEL
    style = discord.ButtonStyle.success

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Accept the series and say how many weeks are now booked."""
        await _answer(interaction, self, series.accept, texts.SERIES_ACCEPTED)


class SeriesDeclineButton(RecordButton, prefix="series:decline"):
    """Decline: decline every week still waiting."""

    label = texts.SERIES_DECLINE_LABEL
    style = discord.ButtonStyle.secondary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Decline the series and say so."""
        await _answer(interaction, self, series.decline, texts.SERIES_DECLINED)


SERIES_BUTTONS: tuple[type[RecordButton], ...] = (SeriesAcceptButton, SeriesDeclineButton)
