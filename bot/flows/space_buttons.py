"""The session space's opening notice and its persistent buttons: I agree and Report.

The notice also carries Check in and Mark complete (from booking_buttons). Every button's
custom_id carries the guild and the booking, so it works after a restart; the services
refuse anyone but the two participants.
"""

from __future__ import annotations

from typing import Any

import discord

from bot import texts
from bot.actors import actor_for
from bot.flows.base import RecordButton, services_of
from bot.flows.booking_buttons import CheckInButton, MarkCompleteButton
from bot.flows.report import ReportSessionButton
from bot.presenters.bookings import ts
from bot.presenters.onboarding import BRAND_COLOUR
from marketplace.ports import SessionSpaces, SpacePlan
from marketplace.services import spaces


def space_notice(plan: SpacePlan, voice_id: int | None) -> tuple[discord.Embed, discord.ui.View]:
    """The consent and conduct notice that opens a space, with its buttons."""
    moderators = (
        texts.SPACE_NOTICE_MODERATORS if plan.moderators_see and plan.moderator_role_id else ""
    )
    template = texts.SPACE_GROUP_NOTICE_BODY if plan.others else texts.SPACE_NOTICE_BODY
    embed = discord.Embed(
        title=texts.SPACE_NOTICE_TITLE,
        description=template.format(
            student=plan.student_id,
            students=" ".join(f"<@{user}>" for user in plan.students),
            tutor=plan.tutor_id,
            subject=plan.subject,
            start=f"<t:{ts(plan.start)}:F>",
            relative=f"<t:{ts(plan.start)}:R>",
            moderators=moderators,
        ),
        colour=BRAND_COLOUR,
    )
    recording = (
        texts.SPACE_RECORDING_ALLOWED
        if plan.recording_allowed
        else texts.SPACE_RECORDING_PROHIBITED
    )
    hint = (
        texts.SPACE_VOICE_HINT.format(voice=f"<#{voice_id}>") if voice_id else texts.SPACE_TEXT_HINT
    )
    embed.add_field(
        name=texts.SPACE_CONDUCT_TITLE,
        value=texts.SPACE_CONDUCT.format(recording=recording) + "\n\n" + hint,
        inline=False,
    )
    view = discord.ui.View(timeout=None)
    view.add_item(AgreeButton(plan.guild_id, plan.booking_id))
    view.add_item(CheckInButton(plan.guild_id, plan.booking_id))
    view.add_item(MarkCompleteButton(plan.guild_id, plan.booking_id))
    view.add_item(ReportSessionButton(plan.guild_id, plan.booking_id))
    return embed, view


def spaces_of(interaction: discord.Interaction) -> SessionSpaces:
    """The bot's session spaces adapter (the client is our TutorBot)."""
    adapter: SessionSpaces | None = interaction.client.spaces  # type: ignore[attr-defined]
    if adapter is None:
        msg = "this bot was started without session spaces"
        raise RuntimeError(msg)
    return adapter


class AgreeButton(RecordButton, prefix="space:agree"):
    """I agree: accept the conduct notice; the voice channel opens to the presser."""

    label = texts.SPACE_AGREE_LABEL
    style = discord.ButtonStyle.success
    denied_text = texts.SPACE_NOT_YOURS

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Record the agreement and open the voice channel to the presser."""
        actor = actor_for(interaction, self.guild_id)
        agreement = await spaces.agree_to_notice(
            spaces.AgreeToNotice(actor, self.record_id),
            services_of(interaction),
            spaces_of(interaction),
        )
        voice = agreement.voice_id
        if agreement.first_time:
            done = texts.SPACE_AGREED_VOICE if voice else texts.SPACE_AGREED
        else:
            done = texts.SPACE_ALREADY_AGREED if voice else texts.SPACE_ALREADY_AGREED_TEXT
        await interaction.response.send_message(done.format(voice=voice), ephemeral=True)


SPACE_BUTTONS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (AgreeButton,)
