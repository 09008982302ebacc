"""The Report form and the Report buttons on a profile card and in a session space.

Both open the same modal: what happened (only moderators see it). Submitting opens a
case and acknowledges it at once; the service checks everything again (no self-reports,
the daily quota, the booking being the reporter's own).
"""

from __future__ import annotations

from typing import Any

import discord

from bot import texts
from bot.actors import actor_for
from bot.flows.base import RecordButton, SafeModal, open_form, services_of
from bot.presenters.text_limits import MODAL_TITLE_MAX, clip
from marketplace.domain.cases import REASON_MAX_LEN
from marketplace.domain.errors import ConflictError
from marketplace.services import moderation, sessions


class ReportModal(SafeModal):
    """What happened: becomes a case about `target_id` (in `booking_id`, if given)."""

    def __init__(self, guild_id: int, target_id: int, booking_id: int | None = None) -> None:
        title = (
            texts.SPACE_REPORT_TITLE.format(booking=booking_id)
            if booking_id
            else texts.PROFILE_REPORT_TITLE
        )
        # No fixed custom_id: two people reporting the same user must each reach their form.
        super().__init__(title=clip(title, MODAL_TITLE_MAX))
        self.guild_id, self.target_id, self.booking_id = guild_id, target_id, booking_id
        self.reason: discord.ui.TextInput[ReportModal] = discord.ui.TextInput(
            label=texts.SPACE_REPORT_LABEL_FIELD,
            custom_id="report:reason",
            style=discord.TextStyle.paragraph,
            placeholder=texts.SPACE_REPORT_PLACEHOLDER,
            max_length=REASON_MAX_LEN,
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Open the case and acknowledge it at once."""
        actor = actor_for(interaction, self.guild_id)
        cmd = moderation.ReportUser(actor, self.target_id, self.reason.value, self.booking_id)
        case = await moderation.report(cmd, services_of(interaction))
        await interaction.response.send_message(
            texts.REPORT_THANKS.format(case=case.case_id), ephemeral=True
        )


class ReportProfileButton(RecordButton, prefix="profile:report"):
    """Report on someone's profile card: a case about them."""

    label = texts.SPACE_REPORT_LABEL
    style = discord.ButtonStyle.danger

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Ask what happened (reporting yourself is refused before the form)."""
        if interaction.user.id == self.record_id:
            raise ConflictError("self_report")
        await open_form(interaction, ReportModal(self.guild_id, self.record_id))


class ReportSessionButton(RecordButton, prefix="space:report"):
    """Report in a session space: a participant tells the moderators about the other."""

    label = texts.SPACE_REPORT_LABEL
    style = discord.ButtonStyle.danger
    denied_text = texts.SPACE_NOT_YOURS

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Check the presser is a participant, then ask what happened."""
        other = await sessions.counterpart(
            sessions.FindCounterpart(actor_for(interaction, self.guild_id), self.record_id),
            services_of(interaction),
        )
        await open_form(interaction, ReportModal(self.guild_id, other, self.record_id))


REPORT_BUTTONS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    ReportProfileButton,
    ReportSessionButton,
)
