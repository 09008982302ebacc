"""`/block`, `/unblock` and `/report`."""

from __future__ import annotations

import discord
from discord import app_commands

from bot import texts
from bot.actors import actor_of
from bot.cogs.base import BotCog, extension
from bot.presenters.moderation import booking_choice_label
from bot.replies import reply
from marketplace.services import booking_views, moderation, safety

AUTOCOMPLETE_LIMIT = 25


class SafetyCog(BotCog):
    """Personal safety tools."""

    @app_commands.command(name="block", description="Hide someone from your search and bookings")
    @app_commands.describe(user="Who to block")
    @app_commands.guild_only()
    async def block(self, interaction: discord.Interaction, user: discord.User) -> None:
        """Block `user` both ways: neither sees the other in search or bookings."""
        await safety.block(safety.BlockMember(actor_of(interaction), user.id), self.bot.services)
        await reply(interaction, texts.BLOCKED.format(user=user.id), ephemeral=True)

    @app_commands.command(name="unblock", description="Lift a block you made")
    @app_commands.describe(user="Who to unblock")
    @app_commands.guild_only()
    async def unblock(self, interaction: discord.Interaction, user: discord.User) -> None:
        """Lift the caller's block on `user`, or say there was none."""
        lifted = await safety.unblock(
            safety.UnblockMember(actor_of(interaction), user.id), self.bot.services
        )
        template = texts.UNBLOCKED if lifted else texts.NOT_BLOCKED
        await reply(interaction, template.format(user=user.id), ephemeral=True)

    @app_commands.command(name="report", description="Tell the moderators about a problem")
    @app_commands.describe(
        target="Who you are reporting",
        reason="What happened (only moderators see it)",
        booking="The session it happened in (optional)",
    )
    @app_commands.guild_only()
    async def report(
        self,
        interaction: discord.Interaction,
        target: discord.User,
        reason: str,
        booking: int | None = None,
    ) -> None:
        """Open a case for the moderators and acknowledge it at once."""
        cmd = moderation.ReportUser(actor_of(interaction), target.id, reason, booking)
        case = await moderation.report(cmd, self.bot.services)
        await reply(interaction, texts.REPORT_THANKS.format(case=case.case_id), ephemeral=True)

    @report.autocomplete("booking")
    async def booking_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """The caller's own bookings, upcoming then past."""
        actor = actor_of(interaction)
        choices: list[app_commands.Choice[int]] = []
        for upcoming in (True, False):
            command = booking_views.ListBookings(actor, upcoming)
            listing = await booking_views.list_for(command, self.bot.services)
            for b in listing.bookings:
                label = booking_choice_label(b, actor.user_id)
                if current.strip().lstrip("#") in label:
                    choices.append(app_commands.Choice(name=label, value=b.booking_id))
        return choices[:AUTOCOMPLETE_LIMIT]


setup = extension(SafetyCog)
