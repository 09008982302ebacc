"""The weekly report: Monday morning, the last week's figures to the guild's report channel.

Issue 16 item 2. The job posts the `/admin stats` figures and chart for the last full
ISO week in the guild's zone, with the week's most searched subjects and those most often
searched without a bookable tutor, then schedules next Monday's. Clearing
`report_channel` ends the chain at its next run; setting it again starts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from marketplace.domain.scheduled import ActionState, ClaimedAction
from marketplace.domain.stats import Period, daily_series, summarize
from marketplace.domain.weekly_report import (
    SubjectDemand,
    most_searched,
    most_unmet,
    report_week,
    report_work,
)
from marketplace.jobs.runner import HandlerResult
from marketplace.services.context import ServiceContext
from marketplace.services.stats import StatsReport


@dataclass(frozen=True, slots=True)
class WeeklyReport:
    """What the report channel gets: the week's figures, and the subjects in demand."""

    guild_id: int
    channel_id: int
    stats: StatsReport
    most_searched: tuple[SubjectDemand, ...]
    most_unmet: tuple[SubjectDemand, ...]


class ReportChannel(Protocol):
    """Posts a weekly report (Discord, in the bot)."""

    async def post(self, report: WeeklyReport) -> bool:
        """Post the report; False when the channel can't be posted in."""
        ...


async def build(guild_id: int, ctx: ServiceContext) -> WeeklyReport | None:
    """The last full week's report, or None when the guild has no report channel."""
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        policy = await uow.guilds.policy(guild_id)
        if policy.report_channel is None:
            return None
        zone = ZoneInfo(policy.timezone)
        window = report_week(now, zone)
        activity = await uow.stats.activity(guild_id, window)
        first = window.start.astimezone(zone).date()
        last = (window.end - timedelta(microseconds=1)).astimezone(zone).date()
        names = await uow.subjects.names(guild_id)
        counted = await uow.demand.between(guild_id, first, last)
    stats = summarize(activity)
    paid = (policy.payments_enabled and ctx.payments_configured) or bool(stats.money)
    report = StatsReport(Period.WEEK, window, stats, daily_series(window, activity.sessions), paid)
    demand = [
        SubjectDemand(names.get(key, key), searches, unmet) for key, searches, unmet in counted
    ]
    return WeeklyReport(
        guild_id, policy.report_channel, report,
        tuple(most_searched(demand)), tuple(most_unmet(demand)),
    )  # fmt: skip


async def send_due(
    action: ClaimedAction, ctx: ServiceContext, channel: ReportChannel
) -> HandlerResult:
    """The Monday job: post the report, then schedule next Monday's."""
    report = await build(action.guild_id, ctx)
    if report is None:
        return HandlerResult(ActionState.SKIPPED, "no report channel")
    posted = await channel.post(report)
    async with ctx.uow() as uow:
        policy = await uow.guilds.policy(action.guild_id)
        next_one = report_work(action.guild_id, ctx.clock.now(), ZoneInfo(policy.timezone))
        await uow.scheduled.schedule(next_one)
        await uow.commit()
    outcome = "posted" if posted else "channel refused it"
    return HandlerResult(ActionState.DONE, f"weekly report {outcome}")
