"""The weekly report on Discord: one message with the figures and the chart."""

from __future__ import annotations

import logging

import discord

from bot.i18n import speaking
from bot.presenters.stats import stats_chart_file
from bot.presenters.weekly_report import report_embed
from bot.speaking import language_in
from marketplace.services.weekly_report import WeeklyReport

log = logging.getLogger(__name__)


class DiscordReportChannel:
    """Posts weekly reports (the `ReportChannel` port) through the bot's REST client."""

    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

    async def post(self, report: WeeklyReport) -> bool:
        """Post in the report channel; False (and a warning) when Discord refuses."""
        with speaking(await language_in(self.bot, report.guild_id)):
            return await self._post_worded(report)

    async def _post_worded(self, report: WeeklyReport) -> bool:
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
