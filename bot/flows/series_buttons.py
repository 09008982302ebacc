"""The tutor's Accept and Decline on a weekly series request (persistent buttons)."""

from __future__ import annotations

import discord

from bot import texts
from bot.actors import actor_for
from bot.flows.base import RecordButton, services_of
from marketplace.services import series


def series_request_view(guild_id: int, series_id: int) -> discord.ui.View:
    """Accept and Decline for every week of one series."""
    view = discord.ui.View(timeout=None)
    view.add_item(SeriesAcceptButton(guild_id, series_id))
    view.add_item(SeriesDeclineButton(guild_id, series_id))
    return view


class SeriesAcceptButton(RecordButton, prefix="series:accept"):
    """Accept: confirm every week still waiting."""

    label = texts.SERIES_ACCEPT_LABEL
    style = discord.ButtonStyle.success

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Accept the series and say how many weeks are now booked."""
        actor = actor_for(interaction, self.guild_id)
        accepted = await series.accept(
            series.OnSeries(actor, self.record_id), services_of(interaction)
        )
        await interaction.response.send_message(
            texts.SERIES_ACCEPTED.format(count=len(accepted)), ephemeral=True
        )


class SeriesDeclineButton(RecordButton, prefix="series:decline"):
    """Decline: decline every week still waiting."""

    label = texts.SERIES_DECLINE_LABEL
    style = discord.ButtonStyle.secondary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Decline the series and say so."""
        actor = actor_for(interaction, self.guild_id)
        declined = await series.decline(
            series.OnSeries(actor, self.record_id), services_of(interaction)
        )
        await interaction.response.send_message(
            texts.SERIES_DECLINED.format(count=len(declined)), ephemeral=True
        )


SERIES_BUTTONS: tuple[type[RecordButton], ...] = (SeriesAcceptButton, SeriesDeclineButton)
