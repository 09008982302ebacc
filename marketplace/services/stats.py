"""`/admin stats`: the guild's KPIs and daily sessions over a period, for admins only."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain.stats import (
    DaySeries,
    GuildStats,
    Period,
    Window,
    daily_series,
    summarize,
    window_of,
)
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.services.guild_admin import require_admin


@dataclass(frozen=True, slots=True)
class StatsReport:
    """What `/admin stats` shows: the KPIs, the chart's series, and whether money applies."""

    period: Period
    window: Window
    stats: GuildStats
    series: DaySeries
    paid: bool  # payments are on in this guild, or money moved in the window


@dataclass(frozen=True, slots=True)
class ViewStats:
    """`/admin stats`: the guild's numbers for a period."""

    actor: Actor
    period: Period


async def guild_stats(command: ViewStats, ctx: ServiceContext) -> StatsReport:
    """The actor's guild's KPIs over the period ending now; admins only (checked here)."""
    actor, period = command.actor, command.period
    window = window_of(period, ctx.clock.now())
    async with ctx.uow(read_only=True) as uow:
        await require_admin(uow, actor)
        policy = await uow.guilds.policy(actor.guild_id)
        activity = await uow.stats.activity(actor.guild_id, window)
    stats = summarize(activity)
    paid = (policy.payments_enabled and ctx.payments_configured) or bool(stats.money)
    return StatsReport(period, window, stats, daily_series(window, activity.sessions), paid)
