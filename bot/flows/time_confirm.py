"""Typed times are echoed back first: nothing is booked or moved until Confirm."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot import texts
from bot.flows.base import OwnedView

OnConfirm = Callable[[], Awaitable[str]]


class ConfirmTimeView(OwnedView):
    """Confirm runs the action and shows its answer; Cancel changes nothing."""

    def __init__(self, owner_id: int, on_confirm: OnConfirm) -> None:
        super().__init__(owner_id)
        self.on_confirm = on_confirm

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.success, custom_id="time:confirm")
    async def confirm(
        self, interaction: discord.Interaction, _b: discord.ui.Button[ConfirmTimeView]
    ) -> None:
        """Do it."""
        answer = await self.on_confirm()
        self.stop()
        await interaction.response.edit_message(content=answer, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="time:cancel")
    async def cancel(
        self, interaction: discord.Interaction, _b: discord.ui.Button[ConfirmTimeView]
    ) -> None:
        """Leave everything as it was."""
        self.stop()
        await interaction.response.edit_message(content=texts.NOTHING_CHANGED, view=None)
