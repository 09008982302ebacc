"""`/tutor apply`, `/tutor pause`, `/tutor resume`, `/tutor payouts`, `/tutor availability`."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from bot import texts
from bot.actors import actor_of, guild_of
from bot.cogs.base import BotCog, extension
from bot.cogs.onboarding import offered_subjects
from bot.flows.confirm import ConfirmView
from bot.flows.pay import link_view
from bot.flows.tutor_apply import ApplyDraft, TutorApplyView
from bot.presenters.availability import availability_embeds, draft_lines, entry_choices
from bot.replies import reply
from marketplace.domain.errors import ConflictError
from marketplace.services import availability, profiles
from marketplace.services.payouts import SetUpPayouts, payout_setup


class TutorCog(BotCog):
    """Tutor self-service."""

    tutor = app_commands.Group(name="tutor", description="Tutor tools", guild_only=True)
    availability = app_commands.Group(
        name="availability", description="When students can book you", parent=tutor
    )

    @tutor.command(name="apply", description="Create or update your tutor profile")
    async def apply(self, interaction: discord.Interaction) -> None:
        """Open the application menu, prefilled with the current profile."""
        services = self.bot.services
        subjects = await offered_subjects(interaction, services)
        if subjects is None:
            return
        guild_id = guild_of(interaction).id
        card = await profiles.view(profiles.ViewProfile(guild_id, interaction.user.id), services)
        view = TutorApplyView(interaction.user.id, services, subjects, ApplyDraft.from_card(card))
        await reply(interaction, texts.TUTOR_APPLY_INTRO, view=view, ephemeral=True)

    @tutor.command(name="pause", description="Stop new bookings and hide from search for now")
    async def pause(self, interaction: discord.Interaction) -> None:
        """Pause the caller's tutor profile."""
        await self._set_paused(interaction, paused=True, done=texts.TUTOR_PAUSED)

    @tutor.command(name="resume", description="Show up in search and take bookings again")
    async def resume(self, interaction: discord.Interaction) -> None:
        """Resume the caller's tutor profile."""
        await self._set_paused(interaction, paused=False, done=texts.TUTOR_RESUMED)

    async def _set_paused(
        self, interaction: discord.Interaction, *, paused: bool, done: str
    ) -> None:
        """Pause or resume the caller's tutor profile, and say so with `done`."""
        guild = guild_of(interaction)
        await profiles.set_paused(
            profiles.PauseProfile(guild.id, interaction.user.id, paused), self.bot.services
        )
        await reply(interaction, done, ephemeral=True)

    @tutor.command(name="payouts", description="Set up where your share of paid sessions goes")
    async def payouts(self, interaction: discord.Interaction) -> None:
        """Payouts on, or the link to set them up (Stripe Connect onboarding)."""
        setup = await payout_setup(SetUpPayouts(actor_of(interaction)), self.bot.services)
        if setup.enabled:
            await reply(interaction, texts.PAYOUTS_ON, ephemeral=True)
            return
        if not setup.url:  # no onboarding link came back: as good as the provider being down
            raise ConflictError("payment_unavailable")
        view = link_view(texts.PAYOUTS_SETUP_LABEL, setup.url)
        await reply(interaction, texts.PAYOUTS_SETUP, view=view, ephemeral=True)

    @availability.command(name="add", description="Publish times students can book")
    @app_commands.describe(
        when="e.g. 'Mondays 17:00-19:00' or 'tomorrow 3pm-5pm' (your time zone)",
        repeat="weekly: every week; none: just this once",
        until="Last date for a weekly time (optional), e.g. 'Dec 19'",
        day_off="Mark this date as a day off instead",
    )
    async def availability_add(
        self,
        interaction: discord.Interaction,
        when: str,
        repeat: Literal["weekly", "none"] | None = None,
        until: str | None = None,
        day_off: bool = False,
    ) -> None:
        """Echo what was understood; Confirm saves it."""
        actor = actor_of(interaction)
        draft = await availability.read(
            availability.ReadAvailability(actor, when, repeat=repeat, until=until, day_off=day_off),
            self.bot.services,
        )
        text = f"**{texts.AVAILABILITY_PREVIEW_TITLE}**\n" + "\n".join(draft_lines(draft))

        async def save() -> str:
            await availability.save(availability.SaveAvailability(actor, draft), self.bot.services)
            return texts.AVAILABILITY_SAVED

        view = ConfirmView(actor.user_id, save, key="avail", back_text=texts.AVAILABILITY_DISCARDED)
        await reply(interaction, text, view=view, ephemeral=True)

    @availability.command(name="list", description="Your published times and days off")
    async def availability_list(self, interaction: discord.Interaction) -> None:
        """List entries with their ids."""
        found = await availability.entries(
            availability.ViewAvailability(actor_of(interaction)), self.bot.services
        )
        await reply(interaction, embeds=availability_embeds(found), ephemeral=True)

    @availability.command(name="remove", description="Remove one of your published times")
    @app_commands.describe(entry="Which one (start typing to see them)")
    async def availability_remove(self, interaction: discord.Interaction, entry: str) -> None:
        """Remove an entry."""
        await availability.remove(
            availability.RemoveAvailability(actor_of(interaction), entry), self.bot.services
        )
        await reply(interaction, texts.AVAILABILITY_REMOVED, ephemeral=True)

    @availability_remove.autocomplete("entry")
    async def entry_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The caller's entries."""
        found = await availability.entries(
            availability.ViewAvailability(actor_of(interaction)), self.bot.services
        )
        return entry_choices(found, current)


setup = extension(TutorCog)
