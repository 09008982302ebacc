"""The dispute form, and the persistent **Open dispute** button on `/bookings`.

Both `/dispute booking:` and the button check first that the caller may dispute the
session (the service checks everything again on submit), then ask for the statement.
"""

from __future__ import annotations

from typing import Any

import discord

from bot import texts
from bot.actors import actor_for
from bot.adapters.evidence import keep_files
from bot.flows.base import BookingModal, RecordButton, open_form, paragraph, services_of
from bot.replies import reply
from marketplace.domain.disputes import STATEMENT_MAX_LEN
from marketplace.domain.evidence_files import MAX_DISPUTE_FILES
from marketplace.services import disputes
from marketplace.services.actor import Actor


class DisputeModal(BookingModal):
    """What went wrong: becomes the booking's dispute (only moderators read it)."""

    def __init__(self, guild_id: int, booking_id: int) -> None:
        super().__init__(guild_id, booking_id, texts.DISPUTE_MODAL_TITLE)
        self.statement: discord.ui.TextInput[DisputeModal] = paragraph(
            label=texts.DISPUTE_STATEMENT_LABEL,
            custom_id="dispute:statement",
            placeholder=texts.DISPUTE_STATEMENT_PLACEHOLDER,
            max_length=STATEMENT_MAX_LEN,
        )
        self.add_item(self.statement)
        self.files: discord.ui.FileUpload[DisputeModal] = discord.ui.FileUpload(
            custom_id="dispute:files", required=False, min_values=0, max_values=MAX_DISPUTE_FILES
        )
        self.add_item(
            discord.ui.Label(
                text=texts.DISPUTE_FILES_LABEL,
                description=texts.DISPUTE_FILES_HINT,
                component=self.files,
            )
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Keep the files, open the dispute, and say what happens next (or what was decided)."""
        ctx, actor = services_of(interaction), self.actor(interaction)
        await disputes.check_can_open(disputes.CheckCanDispute(actor, self.booking_id), ctx)
        await interaction.response.defer(ephemeral=True, thinking=True)  # files take a while
        files = await keep_files(
            interaction.client, ctx, self.guild_id, self.files.values,
            caption=texts.DISPUTE_FILES_CAPTION.format(booking=self.booking_id, user=actor.user_id),
            max_files=MAX_DISPUTE_FILES,
        )  # fmt: skip
        cmd = disputes.OpenDispute(actor, self.booking_id, self.statement.value, files)
        opened = await disputes.open_dispute(cmd, ctx)
        if opened.is_open:
            hours = await disputes.target_hours(disputes.ReadTargetHours(actor), ctx)
            text = texts.DISPUTE_OPENED.format(dispute=opened.dispute_id, hours=hours)
        else:
            text = texts.DISPUTE_DECIDED_AT_ONCE.format(
                dispute=opened.dispute_id, refund=opened.refund_percent or 0
            )
        await reply(interaction, text)


async def open_dispute_form(
    interaction: discord.Interaction, actor: Actor, booking_id: int
) -> None:
    """Check the caller may dispute the booking, then show the form."""
    cmd = disputes.CheckCanDispute(actor, booking_id)
    await disputes.check_can_open(cmd, services_of(interaction))
    await open_form(interaction, DisputeModal(actor.guild_id, booking_id))


class OpenDisputeButton(RecordButton, prefix="booking:dispute"):
    """Open dispute on a past session in `/bookings`."""

    label = texts.DISPUTE_LABEL
    style = discord.ButtonStyle.secondary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Ask what went wrong (refusals are answered before the form)."""
        await open_dispute_form(interaction, actor_for(interaction, self.guild_id), self.record_id)


DISPUTE_BUTTONS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (OpenDisputeButton,)
