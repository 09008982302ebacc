"""`/verify request`'s form (a note and files), and the queue's Approve / Reject buttons.

The buttons carry the guild and the request in their custom_id, so they work after a
restart; the service checks moderator rights and decides a request once. Reject asks
for the reason the tutor will read.
"""

from __future__ import annotations

from typing import Any

import discord

from bot import texts
from bot.actors import actor_for, actor_in, actor_of
from bot.adapters.evidence import keep_files
from bot.flows.base import NumberedButton, SafeModal, open_form, services_of
from bot.presenters.text_limits import MODAL_TITLE_MAX, clip
from bot.replies import reply
from marketplace.domain.evidence_files import MAX_CREDENTIAL_FILES
from marketplace.domain.verification_requests import (
    NOTE_MAX_LEN,
    REASON_MAX_LEN,
    VerificationRequest,
)
from marketplace.services import verification_requests


class VerifyRequestModal(SafeModal):
    """A note for the moderators and 1-3 files (certificates, transcripts)."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(title=texts.VERIFY_REQUEST_TITLE)
        self.guild_id = guild_id
        self.note: discord.ui.TextInput[VerifyRequestModal] = discord.ui.TextInput(
            label=texts.VERIFY_REQUEST_NOTE,
            custom_id="verify:note",
            style=discord.TextStyle.paragraph,
            placeholder=texts.VERIFY_REQUEST_NOTE_HINT,
            max_length=NOTE_MAX_LEN,
            required=False,
        )
        self.add_item(self.note)
        self.files: discord.ui.FileUpload[VerifyRequestModal] = discord.ui.FileUpload(
            custom_id="verify:files", min_values=1, max_values=MAX_CREDENTIAL_FILES
        )
        self.add_item(
            discord.ui.Label(
                text=texts.VERIFY_REQUEST_FILES,
                description=texts.VERIFY_REQUEST_FILES_HINT,
                component=self.files,
            )
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Keep the files, then hand the request to the moderators."""
        ctx = services_of(interaction)
        actor = actor_for(interaction, self.guild_id)
        await verification_requests.check_can_request(actor, ctx)
        await interaction.response.defer(ephemeral=True, thinking=True)  # files take a while
        files = await keep_files(
            interaction.client, ctx, self.guild_id, self.files.values,
            caption=texts.VERIFY_REQUEST_CAPTION.format(user=actor.user_id),
            max_files=MAX_CREDENTIAL_FILES,
        )  # fmt: skip
        cmd = verification_requests.RequestVerification(actor, self.note.value, files)
        made = await verification_requests.request(cmd, ctx)
        await reply(interaction, texts.VERIFY_REQUEST_SENT.format(request=made.request_id))


async def open_request_form(interaction: discord.Interaction) -> None:
    """Check the caller may ask, then show the form."""
    actor = actor_of(interaction)
    await verification_requests.check_can_request(actor, services_of(interaction))
    await open_form(interaction, VerifyRequestModal(actor.guild_id))


class RejectReasonModal(SafeModal):
    """Why the request is rejected (the tutor reads it)."""

    def __init__(self, guild_id: int, request_id: int) -> None:
        title = clip(texts.VERIFY_REJECT_TITLE.format(request=request_id), MODAL_TITLE_MAX)
        super().__init__(title=title)
        self.guild_id, self.request_id = guild_id, request_id
        self.reason: discord.ui.TextInput[RejectReasonModal] = discord.ui.TextInput(
            label=texts.VERIFY_REJECT_REASON,
            custom_id="verify:reason",
            style=discord.TextStyle.paragraph,
            max_length=REASON_MAX_LEN,
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Reject once; the tutor gets a DM with the reason."""
        actor = actor_in(interaction, self.guild_id, "verification_request", self.request_id)
        cmd = verification_requests.DecideRequest(
            actor, self.request_id, approve=False, reason=self.reason.value
        )
        decided = await verification_requests.decide_request(cmd, services_of(interaction))
        await interaction.response.send_message(
            texts.VERIFY_REJECTED.format(request=decided.request_id, user=decided.user_id),
            ephemeral=True,
        )


class ApproveRequestButton(NumberedButton, prefix="verify:approve"):
    """Approve #N: the tutor becomes moderator-verified."""

    style = discord.ButtonStyle.success
    label, number = texts.VERIFY_APPROVE_LABEL, "request"

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Approve once; a second click is told it was decided."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        actor = actor_in(interaction, self.guild_id, "verification_request", self.record_id)
        cmd = verification_requests.DecideRequest(actor, self.record_id, approve=True)
        decided = await verification_requests.decide_request(cmd, services_of(interaction))
        await reply(
            interaction,
            texts.VERIFY_APPROVED.format(request=decided.request_id, user=decided.user_id),
        )


class RejectRequestButton(NumberedButton, prefix="verify:reject"):
    """Reject #N: asks for the reason first."""

    style = discord.ButtonStyle.danger
    label, number = texts.VERIFY_REJECT_LABEL, "request"

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Open the reason form (the service checks rights again on submit)."""
        await open_form(interaction, RejectReasonModal(self.guild_id, self.record_id))


REQUEST_BUTTONS = (ApproveRequestButton, RejectRequestButton)


def requests_view(guild_id: int, requests: list[VerificationRequest]) -> discord.ui.View:
    """Approve and Reject per listed request."""
    view = discord.ui.View(timeout=None)
    for request in requests:
        items: list[discord.ui.Item[Any]] = [
            b(guild_id, request.request_id) for b in REQUEST_BUTTONS
        ]
        for item in items:
            view.add_item(item)
    return view
