"""`/admin config`, `stats`, `export` and `subjects`; the services check rights."""

from __future__ import annotations

from dataclasses import asdict

import discord
from discord import app_commands

from bot import texts
from bot.actors import actor_of, guild_of
from bot.cogs.base import BotCog, extension
from bot.presenters.admin import config_embed, setting_value_text
from bot.presenters.exports import export_batches, period_suggestions
from bot.presenters.kept_notices import add_kept_notices
from bot.presenters.stats import stats_chart_file, stats_embed
from bot.replies import reply
from marketplace.domain.exports import ExportKind
from marketplace.domain.policy import setting_keys
from marketplace.domain.stats import Period
from marketplace.domain.subjects import match_subjects
from marketplace.services import exports, guild_admin, kept_notices, onboarding, stats
from marketplace.services.guild_admin import ChangeSetting

AUTOCOMPLETE_LIMIT = 25


class AdminCog(BotCog):
    """Server configuration for admins."""

    admin = app_commands.Group(
        name="admin",
        description="Server settings for admins",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )
    subjects = app_commands.Group(
        name="subjects", description="This server's subject catalogue", parent=admin
    )

    @admin.command(name="config", description="View this server's settings, or change one")
    @app_commands.describe(
        setting="The setting to change (leave empty to see them all)",
        value="Its new value: a number, on/off, a #channel, an @role or a list",
    )
    async def config(
        self, interaction: discord.Interaction, setting: str | None = None, value: str | None = None
    ) -> None:
        """Show all settings, or change one."""
        actor = actor_of(interaction)
        if setting is None or value is None:
            current = await guild_admin.view_config(
                guild_admin.ViewConfig(actor), self.bot.services
            )
            screening = self.bot.intents.message_content
            embed = config_embed(current, screening_on=screening)
            add_kept_notices(embed, await kept_notices.waiting(actor, self.bot.services))
            await reply(interaction, embed=embed, ephemeral=True)
            return
        guild = guild_of(interaction)
        key = setting.strip().lower()
        updated = await guild_admin.change_setting(
            ChangeSetting(
                actor,
                key,
                value,
                channel_ids=frozenset(c.id for c in guild.channels),
                role_ids=frozenset(r.id for r in guild.roles),
            ),
            self.bot.services,
        )
        shown = setting_value_text(key, asdict(updated.policy)[key])
        await reply(interaction, texts.CONFIG_CHANGED.format(key=key, value=shown), ephemeral=True)

    @config.autocomplete("setting")
    async def setting_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest setting names."""
        names = match_subjects(current[:50], setting_keys(), limit=AUTOCOMPLETE_LIMIT)
        return [app_commands.Choice(name=n, value=n) for n in names]

    @admin.command(name="stats", description="Marketplace KPIs and a chart of sessions per day")
    @app_commands.describe(period="How far back to look (default: the last 30 days)")
    @app_commands.choices(
        period=[
            app_commands.Choice(name=label, value=value)
            for value, label in texts.STATS_PERIOD_CHOICES.items()
        ]
    )
    async def stats(self, interaction: discord.Interaction, period: str = Period.MONTH) -> None:
        """Show the guild's KPIs over the period, with the chart attached."""
        report = await stats.guild_stats(
            stats.ViewStats(actor_of(interaction), Period(period)), self.bot.services
        )
        await reply(
            interaction, embed=stats_embed(report), file=stats_chart_file(report), ephemeral=True
        )

    @admin.command(name="export", description="Download CSV files for your institution")
    @app_commands.describe(
        kind="What to export",
        period="Which dates: 30d, a month like 2026-11, or 2026-09-01..2026-12-18",
    )
    @app_commands.choices(
        kind=[
            app_commands.Choice(name=label, value=value)
            for value, label in texts.EXPORT_KIND_CHOICES.items()
        ]
    )
    async def export(self, interaction: discord.Interaction, kind: str, period: str) -> None:
        """Answer with the export's CSV files, ten to a message, each within the limit."""
        made = await exports.export(
            exports.ExportData(
                actor_of(interaction), ExportKind(kind), period, interaction.filesize_limit
            ),
            self.bot.services,
        )
        for text, files in export_batches(made, guild_of(interaction).id):
            await reply(interaction, text, files=files, ephemeral=True)

    @export.autocomplete("period")
    async def period_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest the last 7/30/90/365 days and the recent months."""
        found = period_suggestions(current, self.bot.services.clock.now())
        return [app_commands.Choice(name=n, value=v) for n, v in found[:AUTOCOMPLETE_LIMIT]]

    @subjects.command(name="add", description="Add a subject students can pick")
    @app_commands.describe(name="The subject's name, e.g. Linear Algebra")
    async def subject_add(self, interaction: discord.Interaction, name: str) -> None:
        """Add a subject to the guild's catalogue, for /start, /find and tutor profiles."""
        subject = await guild_admin.add_subject(
            guild_admin.AddSubject(actor_of(interaction), name), self.bot.services
        )
        await reply(interaction, texts.SUBJECT_ADDED.format(name=subject.name), ephemeral=True)

    @subjects.command(name="remove", description="Retire a subject (existing profiles keep it)")
    @app_commands.describe(subject="The subject to retire")
    async def subject_remove(self, interaction: discord.Interaction, subject: str) -> None:
        """Retire a subject: no longer offered, though profiles that list it keep it."""
        removed = await guild_admin.remove_subject(
            guild_admin.RemoveSubject(actor_of(interaction), subject), self.bot.services
        )
        template = texts.SUBJECT_REMOVED if removed else texts.SUBJECT_NOT_FOUND
        await reply(interaction, template.format(name=subject[:60]), ephemeral=True)

    @subject_remove.autocomplete("subject")
    async def subject_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest the guild's subjects."""
        guild = guild_of(interaction)
        catalogue = await onboarding.catalogue(guild.id, guild.name, self.bot.services)
        by_name = {s.name: s.key for s in catalogue}
        names = match_subjects(current[:60], by_name, limit=AUTOCOMPLETE_LIMIT)
        return [app_commands.Choice(name=n, value=by_name[n]) for n in names]


setup = extension(AdminCog)
