"""The `/admin stats` card: KPIs grouped, numbers formatted, and the chart attached."""

from __future__ import annotations

import io

import discord

from bot import texts
from bot.formats import format_percent, money
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.stats_chart import render_chart
from bot.presenters.text_limits import FIELD_VALUE_MAX, clip
from marketplace.domain.money import Money
from marketplace.domain.stats import GuildStats
from marketplace.services.stats import StatsReport

NA = texts.STATS_NOT_APPLICABLE


def percent(value: float | None) -> str:
    """A share as a whole percent, or "—" when it does not apply."""
    return NA if value is None else format_percent(value)


def duration(hours: float | None) -> str:
    """Hours under two days, days beyond; "—" when nothing was measured."""
    if hours is None:
        return NA
    if hours < 48:
        return texts.STATS_HOURS.format(hours=hours)
    return texts.STATS_DAYS.format(days=hours / 24)


def minutes(value: float | None) -> str:
    """Whole minutes; "—" when nothing was measured."""
    return NA if value is None else texts.STATS_MINUTES.format(minutes=round(value))


def stats_embed(report: StatsReport) -> discord.Embed:
    """Growth, Bookings, Quality, Money and Safety, with the chart as the image."""
    stats = report.stats
    embed = discord.Embed(
        title=texts.STATS_TITLE.format(days=report.period.days),
        description=texts.STATS_DESCRIPTION.format(
            start=report.window.start.strftime("%Y-%m-%d %H:%M"),
            end=report.window.end.strftime("%Y-%m-%d %H:%M"),
        ),
        colour=BRAND_COLOUR,
    )
    values = _values(stats) | _money(report)
    for group, title in texts.STATS_GROUPS.items():
        if group == "money" and not report.paid:
            body = f"{NA} {texts.STATS_FREE_GUILD}"
        else:
            body = texts.STATS_LINES[group].format(**values)
        embed.add_field(name=title, value=clip(body, FIELD_VALUE_MAX), inline=False)
    embed.set_image(url=f"attachment://{chart_filename(report)}")
    return embed


def chart_filename(report: StatsReport) -> str:
    """The attachment's name, which the embed's image refers to."""
    return texts.STATS_CHART_FILENAME.format(period=report.period.value)


def stats_chart_file(report: StatsReport) -> discord.File:
    """The chart as a PNG attachment."""
    png = render_chart(report.series, report.period.days)
    return discord.File(io.BytesIO(png), filename=chart_filename(report))


def _values(stats: GuildStats) -> dict[str, str]:
    counts = {
        key: f"{getattr(stats, key):,}"
        for key in (
            "new_students",
            "new_tutors",
            "requests",
            "confirmed_sessions",
            "completed_sessions",
            "tutor_no_shows",
            "student_no_shows",
            "late_cancellations",
            "early_cancellations",
            "reviews",
            "survey_answers",
            "disputes_opened",
            "disputes_decided",
            "reports_opened",
            "reports_resolved",
            "drop_in_helped",
            "referrals",
            "referrals_credited",
        )
    }
    shares = {
        key: percent(getattr(stats, key))
        for key in (
            "acceptance_rate",
            "completion_rate",
            "repeat_rate",
            "helped_share",
            "partially_share",
            "not_helpful_share",
        )
    }
    rating = (
        NA
        if stats.average_rating is None
        else texts.STATS_RATING.format(stars=stats.average_rating)
    )
    return (
        counts
        | shares
        | {
            "average_rating": rating,
            "median_resolve": duration(stats.median_resolve_hours),
            "median_drop_in_wait": minutes(stats.median_drop_in_wait_minutes),
        }
    )


def _money(report: StatsReport) -> dict[str, str]:
    totals = report.stats.money
    if not totals:
        return {"captured": NA, "fees": NA, "refunded": NA}

    def joined(kind: str) -> str:
        return " + ".join(money(Money(getattr(t, kind), t.currency)) for t in totals)

    return {"captured": joined("captured"), "fees": joined("fees"), "refunded": joined("refunded")}
