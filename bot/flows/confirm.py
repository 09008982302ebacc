"""Confirm / back: the one two-button question used before anything is saved or changed.

Typed times, availability and cancellations are echoed back first; nothing happens until
the owner presses Confirm.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot import texts
from bot.flows.base import OwnedView
from bot.i18n import gettext as _


@dataclass(frozen=True, slots=True)
class Answer:
    """What replaces the question: text, and buttons to go on with (a Pay link, say)."""

    text: str
    view: discord.ui.View | None = None


OnConfirm = Callable[[], Awaitable[str | Answer]]


class ConfirmView(OwnedView):
    """Confirm runs `on_confirm` and shows its answer; the back button changes nothing."""

    def __init__(
        self,
        owner_id: int,
        on_confirm: OnConfirm,
        *,
        key: str,
        back_label: str = texts.CANCEL_LABEL,
        back_text: str = texts.NOTHING_CHANGED,
        danger: bool = False,
    ) -> None:
        super().__init__(owner_id)
        self.on_confirm, self.back_text = on_confirm, _(back_text)
        self.answered = False
        style = discord.ButtonStyle.danger if danger else discord.ButtonStyle.success
        self.add_item(
            _AnswerButton(self, texts.CONFIRM_LABEL, style, f"{key}:confirm", confirm=True)
        )
        back_id = f"{key}:{back_label.lower()}"
        self.add_item(_AnswerButton(self, _(back_label), discord.ButtonStyle.secondary, back_id))

    async def answer(self, interaction: discord.Interaction, *, confirm: bool) -> None:
        """Do it (or not), then replace the question with the outcome.

        A second press while the first is still running (a double click) only acknowledges:
        the first press's outcome replaces the question.
        """
        if self.answered:
            await interaction.response.defer()
            return
        self.answered = True
        try:
            answer = await self.on_confirm() if confirm else self.back_text
        except BaseException:
            self.answered = False  # refused or failed: the question may be answered again
            raise
        if isinstance(answer, str):
            answer = Answer(answer)
        self.stop()
        await interaction.response.edit_message(content=answer.text, view=answer.view)


class _AnswerButton(discord.ui.Button[ConfirmView]):
    def __init__(
        self,
        question: ConfirmView,
        label: str,
        style: discord.ButtonStyle,
        custom_id: str,
        *,
        confirm: bool = False,
    ) -> None:
        super().__init__(label=label, style=style, custom_id=custom_id)
        self.question, self.confirm = question, confirm

    async def callback(self, interaction: discord.Interaction) -> None:
        await self.question.answer(interaction, confirm=self.confirm)
