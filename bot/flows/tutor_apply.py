"""`/tutor apply`: selects for the choices, then a modal for rate and bio."""

from __future__ import annotations

import discord

from bot import texts
from bot.actors import actor_of
from bot.flows.base import OwnedView, SafeModal
from bot.presenters.profiles import profile_embed
from marketplace.domain.members import Subject
from marketplace.domain.money import format_money
from marketplace.domain.profiles import BIO_MAX, Level, SessionFormat, TutorProfile
from marketplace.services import profiles
from marketplace.services.commands import ApplyAsTutor
from marketplace.services.context import ServiceContext

MAX_SELECT_OPTIONS = 25


class TutorApplyView(OwnedView):
    """Subjects, level, formats and instant booking; Continue opens the modal."""

    def __init__(
        self,
        owner_id: int,
        services: ServiceContext,
        subjects: list[Subject],
        current: TutorProfile | None,
    ) -> None:
        super().__init__(owner_id)
        self.services = services
        self.current = current
        self.subject_keys: tuple[str, ...] = (
            tuple(s.subject_key for s in current.subjects) if current else ()
        )
        self.level: Level | None = (
            current.subjects[0].level if current and current.subjects else None
        )
        self.formats: frozenset[SessionFormat] = current.formats if current else frozenset()
        self.instant = current.instant_booking if current else False
        self.add_item(TeachSubjectsSelect(self, subjects, self.subject_keys))
        self.add_item(TeachLevelSelect(self, self.level))
        self.add_item(FormatsSelect(self, self.formats))
        self.add_item(InstantSelect(self, self.instant))
        self.add_item(ContinueButton(self))

    def missing(self) -> list[str]:
        """The choices still to make."""
        wanted = {"subjects": self.subject_keys, "a level": self.level, "a format": self.formats}
        return [name for name, value in wanted.items() if not value]


class TeachSubjectsSelect(discord.ui.Select[TutorApplyView]):
    """Subjects the tutor teaches."""

    def __init__(
        self, wizard: TutorApplyView, subjects: list[Subject], chosen: tuple[str, ...]
    ) -> None:
        options = [
            discord.SelectOption(label=s.name[:100], value=s.key, default=s.key in chosen)
            for s in subjects[:MAX_SELECT_OPTIONS]
        ]
        self.wizard = wizard
        super().__init__(
            custom_id="apply:subjects",
            placeholder="Subjects I teach…",
            options=options,
            max_values=min(10, len(options)),
            row=0,
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Remember the subjects."""
        self.wizard.subject_keys = tuple(self.values)
        await interaction.response.defer()


class TeachLevelSelect(discord.ui.Select[TutorApplyView]):
    """The highest level the tutor teaches."""

    def __init__(self, wizard: TutorApplyView, current: Level | None) -> None:
        options = [
            discord.SelectOption(label=f"Up to {label.lower()}", value=v, default=v == current)
            for v, label in texts.LEVEL_LABELS.items()
        ]
        self.wizard = wizard
        super().__init__(
            custom_id="apply:level", placeholder="I teach up to…", options=options, row=1
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Remember the level."""
        self.wizard.level = Level(self.values[0])
        await interaction.response.defer()


class FormatsSelect(discord.ui.Select[TutorApplyView]):
    """Text, voice, or both."""

    def __init__(self, wizard: TutorApplyView, current: frozenset[SessionFormat]) -> None:
        options = [
            discord.SelectOption(label=label, value=v, default=SessionFormat(v) in current)
            for v, label in texts.FORMAT_LABELS.items()
        ]
        self.wizard = wizard
        super().__init__(
            custom_id="apply:formats",
            placeholder="Session formats…",
            options=options,
            max_values=2,
            row=2,
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Remember the formats."""
        self.wizard.formats = frozenset(SessionFormat(v) for v in self.values)
        await interaction.response.defer()


class InstantSelect(discord.ui.Select[TutorApplyView]):
    """Whether requests confirm at once."""

    def __init__(self, wizard: TutorApplyView, current: bool) -> None:
        options = [
            discord.SelectOption(label=label, value=v, default=(v == "on") == current)
            for v, label in texts.INSTANT_LABELS.items()
        ]
        self.wizard = wizard
        super().__init__(
            custom_id="apply:instant", placeholder="Instant booking…", options=options, row=3
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Remember the choice."""
        self.wizard.instant = self.values[0] == "on"
        await interaction.response.defer()


class ContinueButton(discord.ui.Button[TutorApplyView]):
    """Opens the rate and bio modal once the choices are made."""

    def __init__(self, wizard: TutorApplyView) -> None:
        self.wizard = wizard
        super().__init__(
            custom_id="apply:continue",
            label="Continue",
            style=discord.ButtonStyle.primary,
            row=4,
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Open the modal, or say what is missing."""
        view = self.wizard
        if view.level is None or view.missing():
            await interaction.response.send_message(
                texts.TUTOR_APPLY_MISSING.format(missing=", ".join(view.missing())),
                ephemeral=True,
            )
            return
        await interaction.response.send_modal(TutorApplyModal(view, view.level))


class TutorApplyModal(SafeModal, title=texts.TUTOR_APPLY_MODAL_TITLE):
    """Rate, bio and the subjects the tutor explicitly doesn't teach."""

    def __init__(self, wizard: TutorApplyView, level: Level) -> None:
        super().__init__()
        self.wizard = wizard
        self.level = level
        current = wizard.current
        self.rate: discord.ui.TextInput[TutorApplyModal] = discord.ui.TextInput(
            custom_id="rate",
            label="Hourly rate (0 for free)",
            placeholder="e.g. 25 or 25.50",
            default=format_money(current.rate) if current else None,
            max_length=20,
        )
        self.bio: discord.ui.TextInput[TutorApplyModal] = discord.ui.TextInput(
            custom_id="bio",
            label="Bio",
            style=discord.TextStyle.paragraph,
            placeholder="Who you are, what you teach, how you teach.",
            default=current.bio if current and current.bio else None,
            max_length=BIO_MAX,
        )
        self.not_teaching: discord.ui.TextInput[TutorApplyModal] = discord.ui.TextInput(
            custom_id="not_teaching",
            label="Subjects you don't teach (optional)",
            placeholder="Comma-separated, e.g. Statistics, Organic Chemistry",
            required=False,
            max_length=300,
        )
        for item in (self.rate, self.bio, self.not_teaching):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Save the whole application at once and show the profile card."""
        wizard = self.wizard
        card = await profiles.apply_as_tutor(
            ApplyAsTutor(
                actor=actor_of(interaction),
                subject_keys=wizard.subject_keys,
                level=self.level,
                rate=self.rate.value,
                bio=self.bio.value,
                formats=wizard.formats,
                instant_booking=wizard.instant,
                not_teaching=self.not_teaching.value,
            ),
            wizard.services,
        )
        wizard.stop()
        embed = profile_embed(card, interaction.user.display_name, viewer_is_owner=True)
        await interaction.response.send_message(
            texts.TUTOR_APPLY_SAVED, embed=embed, ephemeral=True
        )
