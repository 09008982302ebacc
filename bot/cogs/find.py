"""`/find`: search tutors by subject, level, time and price."""

from __future__ import annotations

import logging
import weakref
from typing import Literal

import discord
from discord import app_commands

from bot import texts
from bot.actors import actor_of, guild_of
from bot.client import TutorBot
from bot.cogs.base import BotCog, extension
from bot.flows.find_results import ResultsView
from bot.flows.group_buttons import groups_view
from bot.presenters.groups import group_line, group_list_embed
from bot.replies import reply, work_slot
from marketplace.domain.profiles import Level
from marketplace.domain.subjects import match_subjects
from marketplace.services import groups, onboarding, search
from marketplace.services.guild_admin import money_locale

AUTOCOMPLETE_LIMIT = 25
log = logging.getLogger(__name__)


async def subject_choices(
    bot: TutorBot, interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """The guild's subjects matching what was typed."""
    guild = guild_of(interaction)
    catalogue = await onboarding.catalogue(guild.id, guild.name, bot.services)
    by_name = {s.name: s.key for s in catalogue}
    names = match_subjects(current[:60], by_name, limit=AUTOCOMPLETE_LIMIT)
    return [app_commands.Choice(name=n, value=by_name[n]) for n in names]


class FindCog(BotCog):
    """Finding tutors.

    Each person has one live results menu: a new `/find` stops their previous one. A menu
    holds all its hits (up to 100, for paging) for 10 minutes, so without this every
    search kept some 30 KB alive that long, and memory grew with the search rate rather
    than with the number of people searching.
    """

    def __init__(self, bot: TutorBot) -> None:
        super().__init__(bot)
        self._menus: weakref.WeakValueDictionary[int, ResultsView] = weakref.WeakValueDictionary()

    @app_commands.command(name="find", description="Find a tutor for a subject")
    @app_commands.describe(
        subject="The subject you want help with",
        level="Your level (defaults to the one you picked at /start)",
        when="Only tutors free then, e.g. 'tomorrow 4pm' or 'Friday 14:00-16:00'",
        max_price="The most you want to pay per hour, e.g. 20",
        sort="best (default), price (cheapest first) or soonest (next free first)",
    )
    @app_commands.guild_only()
    async def find(  # noqa: PLR0917 - slash command options are positional
        self,
        interaction: discord.Interaction,
        subject: str,
        level: Literal["beginner", "intermediate", "advanced"] | None = None,
        when: str | None = None,
        max_price: str | None = None,
        sort: Literal["best", "price", "soonest"] = "best",
    ) -> None:
        """Search, rank and show the first page."""
        actor = actor_of(interaction)
        ctx = self.bot.services
        query = search.FindTutors(
            actor, subject, Level(level) if level else None, when, max_price, sort
        )
        async with work_slot():
            results = await search.find(query, ctx)
        view = ResultsView(actor.user_id, ctx, results)
        await reply(interaction, embed=view.embed(), view=view, ephemeral=True)
        await self._show_groups(interaction, groups.ListGroups(actor, results.subject_key))
        await self._count(actor.guild_id, results)
        previous = self._menus.get(actor.user_id)
        self._menus[actor.user_id] = view
        if previous is not None:
            previous.stop()

    async def _show_groups(
        self, interaction: discord.Interaction, query: groups.ListGroups
    ) -> None:
        """Open group sessions in the subject, beside the tutors, with Join (after the answer)."""
        listed = await groups.listed(query, self.bot.services)
        if not listed:
            return
        locale = await money_locale(query.actor.guild_id, self.bot.services)
        lines = [group_line(item, locale) for item in listed]
        text = texts.FIND_GROUPS_LINE.format(count=len(listed))
        await reply(interaction, text, embed=group_list_embed(lines), view=groups_view(listed))

    async def _count(self, guild_id: int, results: search.SearchResults) -> None:
        """Count the search for the weekly report, after the answer; a failure only logs."""
        try:
            await search.count_demand(guild_id, results, self.bot.services)
        except Exception:
            log.exception("could not count a search in guild %s", guild_id)

    @find.autocomplete("subject")
    async def subject_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The guild's subjects matching what was typed (see `subject_choices`)."""
        return await subject_choices(self.bot, interaction, current)


setup = extension(FindCog)
