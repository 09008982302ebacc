"""`/review booking:`: review the other side of a completed session, read and reply."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.actors import actor_of
from bot.cogs.base import BotCog, extension
from bot.cogs.choices import session_choices
from bot.flows.reviews import open_review_flow
from marketplace.services import reviews


class ReviewCog(BotCog):
    """Reviews of completed sessions."""

    @app_commands.command(
        name="review", description="Review a completed session, or read and answer a review of you"
    )
    @app_commands.describe(booking="Which completed session")
    @app_commands.guild_only()
    async def review(self, interaction: discord.Interaction, booking: int) -> None:
        """Open the review modal, or show the review of the caller with Reply."""
        await open_review_flow(interaction, actor_of(interaction), booking)

    @review.autocomplete("booking")
    async def booking_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """The caller's completed sessions, newest first."""
        return await session_choices(
            self.bot, interaction, current, reviews.reviewable, reviews.ListReviewable
        )


setup = extension(ReviewCog)
