"""The weekly report in the report channel: the week's figures, then the subjects in demand."""

from __future__ import annotations

import discord

from bot import texts
from bot.presenters.stats import stats_embed
from bot.presenters.text_limits import FIELD_VALUE_MAX, fit_joined
from marketplace.domain.weekly_report import SubjectDemand
from marketplace.services.weekly_report import WeeklyReport


def _demand_lines(demand: tuple[SubjectDemand, ...], *, unmet: bool) -> str:
    if not demand:
        return texts.REPORT_NO_SEARCHES
    template = texts.REPORT_UNMET_LINE if unmet else texts.REPORT_SEARCHED_LINE
    lines = [
        template.format(rank=rank, subject=d.subject, searches=d.searches, unmet=d.unmet)
        for rank, d in enumerate(demand, 1)
    ]
    return fit_joined(lines, FIELD_VALUE_MAX, "\n")


def report_embed(report: WeeklyReport) -> discord.Embed:
    """The `/admin stats` card for the week, titled as the weekly report, plus demand."""
    embed = stats_embed(report.stats)
    embed.title = texts.REPORT_TITLE
    embed.add_field(
        name=texts.REPORT_SEARCHED, value=_demand_lines(report.most_searched, unmet=False)
    )
    embed.add_field(name=texts.REPORT_UNMET, value=_demand_lines(report.most_unmet, unmet=True))
    return embed
