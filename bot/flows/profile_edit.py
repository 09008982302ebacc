"""`/profile edit`: one modal with the fields that apply to the caller."""

from __future__ import annotations

from typing import Any

import discord

from bot import texts
from bot.actors import actor_of
from bot.flows.base import SafeModal
from bot.presenters.profiles import profile_embed
from bot.presenters.text_limits import prefill
from marketplace.domain.profiles import BIO_MAX, GOALS_MAX
from marketplace.formatting import format_money
from marketplace.services import profiles
from marketplace.services.context import ServiceContext
from marketplace.services.profiles import EditProfile
from marketplace.services.results import ProfileCard

RATE_MAX_CHARS = 20


def bio_field(bio: str) -> discord.ui.TextInput[Any]:
    """The tutor's bio, prefilled with `bio`: the same field in /profile edit and /tutor apply."""
    return discord.ui.TextInput(
        custom_id="bio",
        label=texts.BIO_LABEL,
        style=discord.TextStyle.paragraph,
        default=prefill(bio, max_length=BIO_MAX),
        max_length=BIO_MAX,
        placeholder=texts.BIO_PLACEHOLDER,
    )


class ProfileEditModal(SafeModal, title=texts.PROFILE_EDIT_TITLE):
    """Goals for students; bio and rate for tutors. Saved all together or not at all."""

    def __init__(self, card: ProfileCard, services: ServiceContext) -> None:
        super().__init__()
        self.services = services
        self.goals: discord.ui.TextInput[ProfileEditModal] | None = None
        self.bio: discord.ui.TextInput[ProfileEditModal] | None = None
        self.rate: discord.ui.TextInput[ProfileEditModal] | None = None
        if card.student is not None:
            self.goals = discord.ui.TextInput(
                custom_id="goals",
                label=texts.GOALS_LABEL,
                style=discord.TextStyle.paragraph,
                default=prefill(card.student.goals, max_length=GOALS_MAX),
                required=False,
                max_length=GOALS_MAX,
                placeholder=texts.GOALS_PLACEHOLDER,
            )
            self.add_item(self.goals)
        if card.tutor is not None:
            self.bio = bio_field(card.tutor.bio)
            self.rate = discord.ui.TextInput(
                custom_id="rate",
                label=texts.RATE_LABEL,
                default=prefill(format_money(card.tutor.rate), max_length=RATE_MAX_CHARS),
                max_length=RATE_MAX_CHARS,
                placeholder=texts.RATE_PLACEHOLDER,
            )
            self.add_item(self.bio)
            self.add_item(self.rate)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Save every field at once, then show the updated card."""
        card = await profiles.edit(
            EditProfile(
                actor_of(interaction),
                goals=self.goals.value if self.goals else None,
                bio=self.bio.value if self.bio else None,
                rate=self.rate.value if self.rate else None,
            ),
            self.services,
        )
        embed = profile_embed(card, interaction.user.display_name, viewer_is_owner=True)
        await interaction.response.send_message(texts.PROFILE_SAVED, embed=embed, ephemeral=True)
