"""`/notes booking:` (shared goals and progress notes) and `/notes-template subject:`.

Discord cannot offer `/notes booking:` and a `/notes template` subcommand side by side (a
command with subcommands cannot be run itself), so the tutors' template command is
`/notes-template`.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.actors import actor_of
from bot.cogs.base import BotCog, extension
from bot.cogs.choices import session_choices
from bot.cogs.find import subject_choices
from bot.flows.notes import open_template_form, show_notes
from marketplace.services import notes


class NotesCog(BotCog):
    """Session notes shared by a student and a tutor."""

    @app_commands.command(
        name="notes", description="Goals and progress notes you share with your tutor or student"
    )
    @app_commands.describe(booking="A session with them (any of your sessions together)")
    @app_commands.guild_only()
    async def show(self, interaction: discord.Interaction, booking: int) -> None:
        """Show the pair's goals and latest notes, with Edit goals and Add note."""
        await show_notes(interaction, actor_of(interaction), booking)

    @show.autocomplete("booking")
    async def booking_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """The caller's sessions, one per person: upcoming first, then past."""
        return await session_choices(
            self.bot, interaction, current, notes.note_bookings, notes.ListNoteBookings
        )

    @app_commands.command(
        name="notes-template",
        description="Tutors: the text your notes start with for one of your subjects",
    )
    @app_commands.describe(subject="One of the subjects you teach")
    @app_commands.guild_only()
    async def template(self, interaction: discord.Interaction, subject: str) -> None:
        """Open the template form for the subject, prefilled with the current template."""
        await open_template_form(interaction, actor_of(interaction), subject)

    @template.autocomplete("subject")
    async def subject_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The guild's subjects matching what was typed (see `subject_choices`)."""
        return await subject_choices(self.bot, interaction, current)


setup = extension(NotesCog)
