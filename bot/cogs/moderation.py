"""`/mod queue`, `/mod resolve`, `/mod history`. Rights are checked by the services."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import texts
from bot.actors import actor_of
from bot.client import TutorBot
from bot.flows.case_buttons import queue_view, resolved_text
from bot.presenters.moderation import history_embed, queue_embed
from bot.replies import reply
from marketplace.domain.cases import CaseAction
from marketplace.services import moderation, reviews

ACTION_CHOICES = [
    app_commands.Choice(name=texts.MOD_ACTIONS[a.value], value=a.value) for a in CaseAction
]


class ModerationCog(commands.Cog):
    """The moderator queue: reports in, decisions out, all audited."""

    mod = app_commands.Group(
        name="mod",
        description="Moderator tools: the report queue and case history",
        guild_only=True,
    )

    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @mod.command(name="queue", description="Open reports, oldest first, with Resolve buttons")
    @app_commands.describe(page="Which page of the queue (default 1)")
    async def queue(
        self, interaction: discord.Interaction, page: app_commands.Range[int, 1, 1000] = 1
    ) -> None:
        """List open cases."""
        actor = actor_of(interaction)
        listing = await moderation.queue(actor, page, self.bot.services)
        view = queue_view(actor.guild_id, listing.cases)
        await reply(
            interaction,
            embed=queue_embed(listing),
            view=view or discord.utils.MISSING,
            ephemeral=True,
        )

    @mod.command(name="resolve", description="Close a case with a recorded action")
    @app_commands.describe(
        case="The case number (from /mod queue)",
        action="What you did about it",
        note="Why (kept in the audit log)",
    )
    @app_commands.choices(action=ACTION_CHOICES)
    async def resolve(
        self,
        interaction: discord.Interaction,
        case: app_commands.Range[int, 1],
        action: app_commands.Choice[str],
        note: str | None = None,
    ) -> None:
        """Resolve one case."""
        cmd = moderation.ResolveCase(actor_of(interaction), case, action.value, note or "")
        closed = await moderation.resolve_case(cmd, self.bot.services)
        await reply(interaction, resolved_text(closed), ephemeral=True)

    @mod.command(name="release", description="Let a held review through so it shows and counts")
    @app_commands.describe(booking="The booking number of the held review (from /mod queue)")
    async def release(
        self, interaction: discord.Interaction, booking: app_commands.Range[int, 1]
    ) -> None:
        """Release one held review."""
        await reviews.release(actor_of(interaction), booking, self.bot.services)
        await reply(interaction, texts.MOD_REVIEW_RELEASED.format(booking=booking), ephemeral=True)

    @mod.command(name="history", description="A user's past cases, newest first")
    @app_commands.describe(user="Whose cases to show")
    async def history(self, interaction: discord.Interaction, user: discord.User) -> None:
        """Show the cases about a user."""
        cases = await moderation.history(actor_of(interaction), user.id, self.bot.services)
        await reply(interaction, embed=history_embed(user, cases), ephemeral=True)


async def setup(bot: TutorBot) -> None:
    """Load the cog."""
    await bot.add_cog(ModerationCog(bot))
