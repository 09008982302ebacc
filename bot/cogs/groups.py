"""`/group create` (tutors), `/group list` and `/group leave`: group sessions with seats."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from bot import texts
from bot.actors import actor_of, guild_of
from bot.cogs.base import BotCog, extension
from bot.cogs.find import AUTOCOMPLETE_LIMIT, subject_choices
from bot.flows.booking_manage import confirm_cancellation
from bot.flows.durations import default_duration, duration_choices, refusal
from bot.flows.group_buttons import groups_view
from bot.formats import format_day_time
from bot.presenters.bookings import ts
from bot.presenters.groups import group_line, group_list_embed
from bot.replies import reply
from marketplace.services import booking_views, groups
from marketplace.services.guild_admin import money_locale


class GroupCog(BotCog):
    """Group sessions; the rules live in `services/groups.py`."""

    group = app_commands.Group(
        name="group", description="Group sessions with seats and a waitlist", guild_only=True
    )

    @group.command(name="create", description="Publish a group session (tutors)")
    @app_commands.describe(
        subject="The subject of the session",
        when="When, in your time zone, e.g. 'Friday 5pm'",
        seats="How many students can join, 2-25",
        duration="Length in minutes (the lengths this server offers)",
        level="Who it's for, e.g. beginner (optional)",
        title="A short title, e.g. 'Exam prep: integrals' (optional)",
        price="A seat's price, e.g. 10 (paid servers; default: your rate)",
    )
    async def create(  # noqa: PLR0917 - slash command options are positional
        self,
        interaction: discord.Interaction,
        subject: str,
        when: str,
        seats: app_commands.Range[int, 2, 25],
        duration: int | None = None,
        level: Literal["beginner", "intermediate", "advanced"] | None = None,
        title: str | None = None,
        price: str | None = None,
    ) -> None:
        """Publish it and answer with its card and when the seat minimum is checked."""
        actor, ctx = actor_of(interaction), self.bot.services
        offered = await booking_views.allowed_durations(actor.guild_id, ctx)
        duration = default_duration(offered) if duration is None else duration
        if refused := refusal(duration, offered):
            await reply(interaction, refused, ephemeral=True)
            return
        published = await groups.create(
            groups.CreateGroup(
                actor, subject, when, seats, duration, level or "", title or "", price or ""
            ),
            ctx,
        )
        created, check = published.group, published.min_seats_check
        template = texts.GROUP_CREATED_LATE if check is None else texts.GROUP_CREATED
        text = template.format(
            title=created.title, start=ts(created.start), seats=created.seats,
            min_seats=created.min_seats, check=ts(check) if check else 0,
        )  # fmt: skip
        await reply(interaction, text, ephemeral=True)

    @group.command(name="list", description="Open group sessions, with Join")
    @app_commands.describe(subject="Only this subject (optional)")
    async def list_groups(
        self, interaction: discord.Interaction, subject: str | None = None
    ) -> None:
        """The open sessions, soonest first, each with Join (or Join waitlist when full)."""
        actor, ctx = actor_of(interaction), self.bot.services
        listed = await groups.listed(groups.ListGroups(actor, subject), ctx)
        locale = await money_locale(actor.guild_id, ctx)
        embed = group_list_embed([group_line(item, locale) for item in listed])
        view = groups_view(listed)
        if view is None:
            await reply(interaction, embed=embed, ephemeral=True)
            return
        await reply(interaction, embed=embed, view=view, ephemeral=True)

    @group.command(name="leave", description="Leave a group session or its waitlist")
    @app_commands.describe(session="The group session (the tutor's leave calls it off)")
    async def leave(self, interaction: discord.Interaction, session: int) -> None:
        """Off the waitlist, out of a seat (through `/cancel`), or called off (the tutor)."""
        left = await groups.leave(groups.OnGroup(actor_of(interaction), session), self.bot.services)
        title = left.group.title
        if left.seat is not None:  # a seat is given up as any booking is: refund shown first
            await confirm_cancellation(interaction, actor_of(interaction), left.seat.booking_id, "")
            return
        if left.what == "called_off":
            text = texts.GROUP_CALLED_OFF.format(title=title, count=left.told)
        else:
            text = texts.GROUP_LEFT_WAITLIST.format(title=title)
        await reply(interaction, text, ephemeral=True)

    @create.autocomplete("subject")
    async def create_subject(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The guild's subjects matching what was typed."""
        return await subject_choices(self.bot, interaction, current)

    @list_groups.autocomplete("subject")
    async def list_subject(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The guild's subjects matching what was typed."""
        return await subject_choices(self.bot, interaction, current)

    @create.autocomplete("duration")
    async def create_duration(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """The lengths this guild offers."""
        offered = await booking_views.allowed_durations(guild_of(interaction).id, self.bot.services)
        return duration_choices(offered, current)

    @leave.autocomplete("session")
    async def leave_session(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """The caller's upcoming group sessions (taught, seated or waiting)."""
        mine = await groups.mine(actor_of(interaction), self.bot.services)
        typed = current.casefold()
        return [
            app_commands.Choice(
                name=texts.GROUP_CHOICE.format(
                    group=group.group_id, title=group.title, start=format_day_time(group.start)
                )[:100],
                value=group.group_id,
            )
            for group in mine
            if typed in group.title.casefold() or typed in str(group.group_id)
        ][:AUTOCOMPLETE_LIMIT]


setup = extension(GroupCog)
