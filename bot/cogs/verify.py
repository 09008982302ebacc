"""`/verify email address:` (a one-time code by email) and `/verify request` (credentials)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot import texts
from bot.actors import actor_of
from bot.cogs.base import BotCog, extension
from bot.flows.verify_email import enter_code_view
from bot.flows.verify_request import open_request_form
from bot.replies import reply
from marketplace.services import email_verification
from marketplace.services.email_verification import ADDRESS_MAX_LEN


class VerifyCog(BotCog):
    """How members prove who they are."""

    verify = app_commands.Group(
        name="verify", description="Verify your campus email or credentials", guild_only=True
    )

    @verify.command(name="email", description="Get a one-time code at your campus email")
    @app_commands.describe(address="Your campus email address, like name@university.edu")
    async def email(
        self,
        interaction: discord.Interaction,
        address: app_commands.Range[str, 3, ADDRESS_MAX_LEN],
    ) -> None:
        """Send the code; the reply's Enter code button opens the form for it."""
        actor = actor_of(interaction)
        cmd = email_verification.SendEmailCode(actor, address)
        sent = await email_verification.send_code(cmd, self.bot.services)
        message = texts.EMAIL_CODE_SENT.format(
            address=sent.shown_address,
            expires=int(sent.expires_at.timestamp()),
            resend=int(sent.resend_at.timestamp()),
        )
        await reply(interaction, message, view=enter_code_view(actor.guild_id, actor.user_id))

    @verify.command(name="request", description="Ask the moderators to verify your credentials")
    async def request(self, interaction: discord.Interaction) -> None:
        """Open the form for a note and 1-3 files (tutors only)."""
        await open_request_form(interaction)


setup = extension(VerifyCog)
