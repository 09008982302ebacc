"""`/payments forget-card`: remove the card saved for a paid weekly series."""

from __future__ import annotations

import discord
from discord import app_commands

from bot import texts
from bot.actors import actor_of
from bot.cogs.base import BotCog, extension
from bot.flows.confirm import ConfirmView
from bot.replies import reply
from marketplace.services import series_payments


class PaymentsCog(BotCog):
    """Your payment details in this server."""

    payments_group = app_commands.Group(
        name="payments", description="Your payment details in this server", guild_only=True
    )

    @payments_group.command(
        name="forget-card", description="Remove the card saved for your weekly sessions"
    )
    async def forget_card(self, interaction: discord.Interaction) -> None:
        """Ask first, then detach the card at Stripe and forget it on Confirm."""
        actor = actor_of(interaction)
        ctx = self.bot.services

        async def forget() -> str:
            done = await series_payments.forget_card(series_payments.ForgetCard(actor), ctx)
            return texts.FORGET_CARD_DONE if done else texts.FORGET_CARD_NONE

        view = ConfirmView(actor.user_id, forget, key="forget-card", danger=True)
        await reply(interaction, texts.FORGET_CARD_CONFIRM, view=view, ephemeral=True)


setup = extension(PaymentsCog)
