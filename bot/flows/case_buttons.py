"""The moderator queue's persistent Resolve buttons and the modal they open.

A button's custom_id carries the guild and the case, so it still works after a restart;
the service checks the clicker's moderator rights again on every submit.
"""

from __future__ import annotations

from typing import Any

import discord

from bot import texts
from bot.actors import actor_of
from bot.flows.base import NumberedButton, SafeModal, open_form, services_of
from bot.flows.money_buttons import money_items
from bot.presenters.moderation import action_name
from bot.presenters.text_limits import MODAL_TITLE_MAX, clip
from marketplace.domain.cases import NOTE_MAX_LEN, Case, CaseAction
from marketplace.domain.errors import NotFoundError
from marketplace.services import moderation


class ResolveCaseModal(SafeModal):
    """Pick an action and say why; submitting closes the case."""

    def __init__(self, guild_id: int, case_id: int) -> None:
        # No fixed custom_id: two moderators may open the same case; each gets an answer.
        super().__init__(title=clip(texts.MOD_RESOLVE_TITLE.format(case=case_id), MODAL_TITLE_MAX))
        self.case_id = case_id
        self.action: discord.ui.Select[Any] = discord.ui.Select(
            custom_id="case:action",
            options=[
                discord.SelectOption(label=texts.MOD_ACTIONS[a.value], value=a.value)
                for a in CaseAction
            ],
        )
        self.note: discord.ui.TextInput[ResolveCaseModal] = discord.ui.TextInput(
            label=texts.MOD_NOTE_LABEL,
            custom_id="case:note",
            style=discord.TextStyle.paragraph,
            placeholder=texts.MOD_NOTE_PLACEHOLDER,
            max_length=NOTE_MAX_LEN,
            required=False,
        )
        self.add_item(discord.ui.Label(text=texts.MOD_ACTION_LABEL, component=self.action))
        self.add_item(self.note)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Resolve the case with the picked action and the note."""
        picked = ",".join(self.action.values)  # exactly one option, or the service refuses
        cmd = moderation.ResolveCase(actor_of(interaction), self.case_id, picked, self.note.value)
        case = await moderation.resolve_case(cmd, services_of(interaction))
        await interaction.response.send_message(resolved_text(case), ephemeral=True)


def resolved_text(case: Case) -> str:
    """The moderator's confirmation that a case is closed."""
    action = action_name(case.action.value if case.action else "")
    return texts.MOD_RESOLVED.format(case=case.case_id, action=action)


class ResolveCaseButton(NumberedButton, prefix="case:resolve"):
    """Resolve #N: opens the modal, for moderators only."""

    label, number = texts.MOD_RESOLVE_LABEL, "case"

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Check the clicker moderates this guild, then ask for the action and note."""
        actor = actor_of(interaction)
        if actor.guild_id != self.guild_id:
            raise NotFoundError("case", str(self.record_id))
        await moderation.check_moderator(actor, services_of(interaction))
        await open_form(interaction, ResolveCaseModal(self.guild_id, self.record_id))


def queue_view(guild_id: int, queue: moderation.ModQueue) -> discord.ui.View | None:
    """One Resolve button per listed case, then the card-dispute and refund buttons."""
    items: list[discord.ui.Item[Any]] = [
        ResolveCaseButton(guild_id, case.case_id) for case in queue.cases
    ]
    items += money_items(guild_id, queue)
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view
