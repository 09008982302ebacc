"""The **Enter code** button under `/verify email`, and the form it opens.

The button carries the guild and the member in its custom_id, so it still works after a
restart; only that member may press it. The form takes the 6 digits and the service
judges them (expiry, tries, one member per address).
"""

from __future__ import annotations

import discord

from bot import texts
from bot.actors import actor_for
from bot.flows.base import RecordButton, SafeModal, open_form, services_of
from marketplace.services import email_verification


class EnterCodeModal(SafeModal):
    """The 6 digits from the email."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(title=texts.ENTER_CODE_TITLE)
        self.guild_id = guild_id
        self.code: discord.ui.TextInput[EnterCodeModal] = discord.ui.TextInput(
            label=texts.ENTER_CODE_FIELD,
            custom_id="verify:code",
            placeholder="123456",
            min_length=6,
            max_length=9,  # room for "123 456" or "123-456"
        )
        self.add_item(self.code)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Check the code and say what it changed."""
        cmd = email_verification.EnterEmailCode(
            actor_for(interaction, self.guild_id), self.code.value
        )
        verified = await email_verification.enter_code(cmd, services_of(interaction))
        if verified.level_raised:
            template = texts.EMAIL_VERIFIED_TUTOR
        elif verified.is_tutor:
            template = texts.EMAIL_VERIFIED_ALREADY_HIGHER
        else:
            template = texts.EMAIL_VERIFIED_MEMBER
        await interaction.response.send_message(
            template.format(domain=verified.domain), ephemeral=True
        )


class EnterCodeButton(RecordButton, prefix="verify:code"):
    """Enter code: opens the form for the member the code was sent to (`record_id`)."""

    label = texts.ENTER_CODE_LABEL
    style = discord.ButtonStyle.primary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Only the member the code was sent to may enter it."""
        if interaction.user.id != self.record_id:
            await interaction.response.send_message(texts.NOT_YOURS, ephemeral=True)
            return
        await open_form(interaction, EnterCodeModal(self.guild_id))


def enter_code_view(guild_id: int, user_id: int) -> discord.ui.View:
    """The reply's one button."""
    view = discord.ui.View(timeout=None)
    view.add_item(EnterCodeButton(guild_id, user_id))
    return view
