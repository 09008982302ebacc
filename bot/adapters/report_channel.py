"""The weekly report on Discord: one message with the figures and the chart."""

from __future__ import annotations

import logging

import discord

from bot.presenters.stats import stats_chart_file
from bot.presenters.weekly_report import report_embed
from marketplace.services.weekly_report import WeeklyReport

log = logging.getLogger(__name__)


class DiscordReportChannel:
    """Posts weekly reports (the `ReportChannel` port) through the bot's REST client."""

    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

    async def post(self, report: WeeklyReport) -> bool:
        """Post in the report channel; False (and a warning) when Discord refuses."""
        channel = self.bot.get_partial_messageable(report.channel_id)
        try:
            await channel.send(embed=report_embed(report), file=stats_chart_file(report.stats))
        except (discord.Forbidden, discord.NotFound):
            log.warning(
                "cannot post the weekly report of guild %s in %s",
                report.guild_id,
                report.channel_id,
            )
            return False
        return True
