"""The `/start` menu: role, time zone, subjects and level, then Save."""

from __future__ import annotations

import discord

from bot import texts
from bot.actors import actor_of
from bot.flows.base import KeepSelect, OwnedView, SafeModal, label_options, open_form
from bot.presenters.onboarding import onboarded_embed
from bot.presenters.text_limits import OPTION_TEXT_MAX, SELECT_OPTIONS_MAX, clip
from marketplace.domain.members import Subject
from marketplace.domain.profiles import Level, Role
from marketplace.domain.timezones import COMMON_ZONES, MAX_ZONE_INPUT, validate_zone
from marketplace.services import onboarding
from marketplace.services.context import ServiceContext
from marketplace.services.onboarding import StartOnboarding

MAX_SELECT_OPTIONS = SELECT_OPTIONS_MAX


class StartView(OwnedView):
    """Collects the four onboarding choices in one ephemeral message."""

    def __init__(
        self,
        owner_id: int,
        services: ServiceContext,
        subjects: list[Subject],
        current_zone: str | None,
    ) -> None:
        super().__init__(owner_id)
        self.services = services
        self.role: Role | None = None
        self.zone: str | None = current_zone
        self.subject_keys: tuple[str, ...] = ()
        self.level: Level | None = None
        self.add_item(RoleSelect(self))
        self.add_item(ZoneSelect(self, current_zone))
        if subjects:  # a select needs at least one option: callers say "none yet" first
            self.add_item(SubjectSelect(self, subjects))
        self.add_item(LevelSelect(self))
        self.add_item(OtherZoneButton(self))
        self.add_item(SaveButton(self))

    def missing(self) -> list[str]:
        """The choices still to make, in the words the user sees."""
        wanted = {
            "role": self.role,
            "zone": self.zone,
            "subjects": self.subject_keys,
            "level": self.level,
        }
        return [texts.START_CHOICES[key] for key, value in wanted.items() if not value]


class RoleSelect(KeepSelect[StartView]):
    """Student, tutor or both."""

    def __init__(self, wizard: StartView) -> None:
        self.wizard = wizard
        options = label_options(texts.ROLE_LABELS)
        super().__init__(
            custom_id="start:role", placeholder=texts.ROLE_PLACEHOLDER, options=options, row=0
        )

    def keep(self, values: list[str]) -> None:
        """Remember the role."""
        self.wizard.role = Role(values[0])


class ZoneSelect(KeepSelect[StartView]):
    """Common time zones; the "Other" button takes any IANA name."""

    def __init__(self, wizard: StartView, current: str | None) -> None:
        zones = list(COMMON_ZONES[: MAX_SELECT_OPTIONS - 1])
        if current and current not in zones:
            zones = [current, *zones]
        options = [discord.SelectOption(label=z, value=z, default=z == current) for z in zones]
        self.wizard = wizard
        super().__init__(
            custom_id="start:zone",
            placeholder=texts.ZONE_PLACEHOLDER,
            options=options[:MAX_SELECT_OPTIONS],
            row=1,
        )

    def keep(self, values: list[str]) -> None:
        """Remember the zone."""
        self.wizard.zone = validate_zone(values[0])


class SubjectSelect(KeepSelect[StartView]):
    """The guild's subjects (the first 25 by name)."""

    def __init__(self, wizard: StartView, subjects: list[Subject]) -> None:
        shown = subjects[:MAX_SELECT_OPTIONS]
        options = [
            discord.SelectOption(label=clip(s.name, OPTION_TEXT_MAX), value=s.key) for s in shown
        ]
        self.wizard = wizard
        super().__init__(
            custom_id="start:subjects",
            placeholder=texts.SUBJECTS_PLACEHOLDER,
            options=options,
            min_values=1,
            max_values=min(10, len(options)),
            row=2,
        )

    def keep(self, values: list[str]) -> None:
        """Remember the subjects."""
        self.wizard.subject_keys = tuple(values)


class LevelSelect(KeepSelect[StartView]):
    """Beginner, intermediate or advanced."""

    def __init__(self, wizard: StartView) -> None:
        self.wizard = wizard
        options = label_options(texts.LEVEL_LABELS)
        super().__init__(
            custom_id="start:level", placeholder=texts.LEVEL_PLACEHOLDER, options=options, row=3
        )

    def keep(self, values: list[str]) -> None:
        """Remember the level."""
        self.wizard.level = Level(values[0])


class OtherZoneButton(discord.ui.Button[StartView]):
    """Opens a modal to type any IANA zone."""

    def __init__(self, wizard: StartView) -> None:
        self.wizard = wizard
        super().__init__(
            custom_id="start:other_zone",
            label=texts.OTHER_ZONE_LABEL,
            style=discord.ButtonStyle.secondary,
            row=4,
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Ask for the zone by name."""
        await open_form(interaction, ZoneModal(self.wizard))


class ZoneModal(SafeModal, title=texts.ZONE_MODAL_TITLE):
    """Type a time zone; it is checked before it is kept."""

    zone: discord.ui.TextInput[ZoneModal] = discord.ui.TextInput(
        custom_id="zone",
        label=texts.ZONE_MODAL_LABEL,
        placeholder=texts.ZONE_MODAL_PLACEHOLDER,
        max_length=MAX_ZONE_INPUT,
    )

    def __init__(self, wizard: StartView) -> None:
        super().__init__()
        self.wizard = wizard

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Keep the zone if it is a real one, and say so."""
        self.wizard.zone = validate_zone(self.zone.value)
        await interaction.response.send_message(
            texts.ZONE_PICKED.format(zone=self.wizard.zone), ephemeral=True
        )


class SaveButton(discord.ui.Button[StartView]):
    """Saves all four choices at once."""

    def __init__(self, wizard: StartView) -> None:
        self.wizard = wizard
        super().__init__(
            custom_id="start:save", label=texts.SAVE_LABEL, style=discord.ButtonStyle.success, row=4
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Save, or say what is still missing."""
        view = self.wizard
        if view.role is None or view.zone is None or view.level is None or not view.subject_keys:
            await interaction.response.send_message(
                texts.START_MISSING.format(missing=texts.human_join(view.missing())), ephemeral=True
            )
            return
        result = await onboarding.start(
            StartOnboarding(
                actor_of(interaction), view.role, view.zone, view.subject_keys, view.level
            ),
            view.services,
        )
        view.stop()
        embed = onboarded_embed(result, interaction.user.display_name)
        await interaction.response.edit_message(content=None, embed=embed, view=None)
