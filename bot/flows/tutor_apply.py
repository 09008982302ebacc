"""`/tutor apply`: selects for the choices, then a modal for rate and bio."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot import texts
from bot.actors import actor_of
from bot.flows.base import KeepSelect, OwnedView, SafeModal, label_options, open_form
from bot.flows.profile_edit import RATE_MAX_CHARS, bio_field
from bot.presenters.profiles import profile_embed
from bot.presenters.text_limits import OPTION_TEXT_MAX, SELECT_OPTIONS_MAX, clip, prefill
from marketplace.domain.members import Subject
from marketplace.domain.profiles import Level, SessionFormat
from marketplace.formatting import format_money
from marketplace.services import profiles
from marketplace.services.context import ServiceContext
from marketplace.services.profiles import ApplyAsTutor
from marketplace.services.results import ProfileCard

MAX_SELECT_OPTIONS = SELECT_OPTIONS_MAX
NOT_TEACHING_MAX_CHARS = 300


@dataclass
class ApplyDraft:
    """What the tutor has picked and typed so far; survives a rejected form."""

    subject_keys: tuple[str, ...] = ()
    level: Level | None = None
    formats: frozenset[SessionFormat] = frozenset()
    instant: bool = False
    rate: str = ""
    bio: str = ""
    not_teaching: str = ""

    @classmethod
    def from_card(cls, card: ProfileCard) -> ApplyDraft:
        """Start from the current tutor profile, else from the picks made at /start."""
        tutor, member = card.tutor, card.member
        if tutor is not None:
            return cls(
                subject_keys=tuple(s.subject_key for s in tutor.subjects),
                level=max((s.level for s in tutor.subjects), default=None),
                formats=tutor.formats,
                instant=tutor.instant_booking,
                rate=format_money(tutor.rate),
                bio=tutor.bio,
                not_teaching=_not_teaching_text(card),
            )
        if member is not None:
            return cls(subject_keys=member.interests, level=member.level)
        return cls()

    def missing(self) -> list[str]:
        """The choices still to make, in the words the user sees."""
        wanted = {"subjects": self.subject_keys, "level": self.level, "formats": self.formats}
        return [texts.APPLY_CHOICES[key] for key, value in wanted.items() if not value]


def _not_teaching_text(card: ProfileCard) -> str:
    """The subjects the tutor doesn't teach, as whole names that fit the form's field."""
    tutor = card.tutor
    names = [card.subject_names.get(k, k) for k in sorted(tutor.not_teaching)] if tutor else []
    shown: list[str] = []
    for name in names:
        if len(", ".join([*shown, name])) > NOT_TEACHING_MAX_CHARS:
            break
        shown.append(name)
    return ", ".join(shown)


class TutorApplyView(OwnedView):
    """Subjects, level, formats and instant booking; Continue opens the modal."""

    def __init__(
        self, owner_id: int, services: ServiceContext, subjects: list[Subject], draft: ApplyDraft
    ) -> None:
        super().__init__(owner_id)
        self.services = services
        self.draft = draft
        if subjects:  # a select needs at least one option: callers say "none yet" first
            self.add_item(TeachSubjectsSelect(draft, subjects))
        self.add_item(TeachLevelSelect(draft))
        self.add_item(FormatsSelect(draft))
        self.add_item(InstantSelect(draft))
        self.add_item(ContinueButton(self))


class TeachSubjectsSelect(KeepSelect[TutorApplyView]):
    """Subjects the tutor teaches."""

    def __init__(self, draft: ApplyDraft, subjects: list[Subject]) -> None:
        self.draft = draft
        options = [
            discord.SelectOption(
                label=clip(s.name, OPTION_TEXT_MAX),
                value=s.key,
                default=s.key in draft.subject_keys,
            )
            for s in subjects[:MAX_SELECT_OPTIONS]
        ]
        super().__init__(
            custom_id="apply:subjects",
            placeholder=texts.APPLY_SUBJECTS_PLACEHOLDER,
            options=options,
            max_values=min(10, len(options)),
            row=0,
        )

    def keep(self, values: list[str]) -> None:
        """Remember the subjects."""
        self.draft.subject_keys = tuple(values)


class TeachLevelSelect(KeepSelect[TutorApplyView]):
    """The highest level the tutor teaches."""

    def __init__(self, draft: ApplyDraft) -> None:
        self.draft = draft
        labels = {
            v: texts.APPLY_LEVEL_OPTION.format(level=label.lower())
            for v, label in texts.LEVEL_LABELS.items()
        }
        options = label_options(labels, chosen=(draft.level,))
        super().__init__(
            custom_id="apply:level",
            placeholder=texts.APPLY_LEVEL_PLACEHOLDER,
            options=options,
            row=1,
        )

    def keep(self, values: list[str]) -> None:
        """Remember the level."""
        self.draft.level = Level(values[0])


class FormatsSelect(KeepSelect[TutorApplyView]):
    """Text, voice, or both."""

    def __init__(self, draft: ApplyDraft) -> None:
        self.draft = draft
        options = label_options(texts.FORMAT_LABELS, chosen=draft.formats)
        super().__init__(
            custom_id="apply:formats",
            placeholder=texts.APPLY_FORMATS_PLACEHOLDER,
            options=options,
            max_values=len(options),
            row=2,
        )

    def keep(self, values: list[str]) -> None:
        """Remember the formats."""
        self.draft.formats = frozenset(SessionFormat(v) for v in values)


class InstantSelect(KeepSelect[TutorApplyView]):
    """Whether requests confirm at once."""

    def __init__(self, draft: ApplyDraft) -> None:
        self.draft = draft
        options = label_options(texts.INSTANT_LABELS, chosen=("on" if draft.instant else "off",))
        super().__init__(
            custom_id="apply:instant",
            placeholder=texts.APPLY_INSTANT_PLACEHOLDER,
            options=options,
            row=3,
        )

    def keep(self, values: list[str]) -> None:
        """Remember the choice."""
        self.draft.instant = values[0] == "on"


class ContinueButton(discord.ui.Button[TutorApplyView]):
    """Opens the rate and bio modal once the choices are made."""

    def __init__(self, wizard: TutorApplyView) -> None:
        self.wizard = wizard
        super().__init__(
            custom_id="apply:continue",
            label=texts.CONTINUE_LABEL,
            style=discord.ButtonStyle.primary,
            row=4,
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Open the modal, or say what is missing."""
        draft = self.wizard.draft
        if draft.level is None or draft.missing():
            await interaction.response.send_message(
                texts.TUTOR_APPLY_MISSING.format(missing=texts.human_join(draft.missing())),
                ephemeral=True,
            )
            return
        await open_form(interaction, TutorApplyModal(self.wizard, draft.level))


class TutorApplyModal(SafeModal, title=texts.TUTOR_APPLY_MODAL_TITLE):
    """Rate, bio and the subjects the tutor explicitly doesn't teach."""

    def __init__(self, wizard: TutorApplyView, level: Level) -> None:
        super().__init__()
        self.wizard = wizard
        self.level = level
        draft = wizard.draft
        self.rate: discord.ui.TextInput[TutorApplyModal] = discord.ui.TextInput(
            custom_id="rate",
            label=texts.APPLY_RATE_LABEL,
            placeholder=texts.RATE_PLACEHOLDER,
            default=prefill(draft.rate, max_length=RATE_MAX_CHARS),
            max_length=RATE_MAX_CHARS,
        )
        self.bio: discord.ui.TextInput[TutorApplyModal] = bio_field(draft.bio)
        self.not_teaching: discord.ui.TextInput[TutorApplyModal] = discord.ui.TextInput(
            custom_id="not_teaching",
            label=texts.NOT_TEACHING_LABEL,
            placeholder=texts.NOT_TEACHING_PLACEHOLDER,
            default=prefill(draft.not_teaching, max_length=NOT_TEACHING_MAX_CHARS),
            required=False,
            max_length=NOT_TEACHING_MAX_CHARS,
        )
        for item in (self.rate, self.bio, self.not_teaching):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Save the whole application at once and show the profile card."""
        draft = self.wizard.draft
        draft.rate, draft.bio = self.rate.value, self.bio.value
        draft.not_teaching = self.not_teaching.value
        card = await profiles.apply_as_tutor(
            ApplyAsTutor(
                actor=actor_of(interaction),
                subject_keys=draft.subject_keys,
                level=self.level,
                rate=draft.rate,
                bio=draft.bio,
                formats=draft.formats,
                instant_booking=draft.instant,
                not_teaching=draft.not_teaching,
            ),
            self.wizard.services,
        )
        self.wizard.stop()
        embed = profile_embed(card, interaction.user.display_name, viewer_is_owner=True)
        await interaction.response.send_message(
            texts.TUTOR_APPLY_SAVED, embed=embed, ephemeral=True
        )
