"""The notes flow: the `/notes` card, its Edit goals / Add note buttons, pages and modals.

The card's buttons are persistent (`notes:<what>:<guild>:<booking>`), so a card left open
keeps working, even after a restart; each click is checked again by the service. After a
save the card is redrawn in place with the new goals or note.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Self

import discord

from bot import texts
from bot.actors import actor_for
from bot.flows.base import (
    BookingModal,
    PersistentButton,
    RecordButton,
    SafeModal,
    open_form,
    paragraph,
    services_of,
)
from bot.presenters.notes import note_pages, notes_embed
from bot.presenters.text_limits import MODAL_TITLE_MAX, clip
from bot.replies import reply
from marketplace.domain.notes import GOALS_MAX_LEN, NOTE_MAX_LEN, TEMPLATE_MAX_LEN
from marketplace.services import notes
from marketplace.services.actor import Actor
from marketplace.services.notes import NotesCard, TemplatePrompt


def notes_view(card: NotesCard, page: int = 0) -> discord.ui.View:
    """Edit goals and Add note, plus Newer / Older when the notes run over one page."""
    guild_id, booking_id = card.booking.guild_id, card.booking.booking_id
    view = discord.ui.View(timeout=None)
    view.add_item(EditGoalsButton(guild_id, booking_id))
    view.add_item(AddNoteButton(guild_id, booking_id))
    last = len(note_pages(card)) - 1
    if last > 0:
        page = max(0, min(page, last))
        newer = NotesPageButton(guild_id, booking_id, max(page - 1, 0), older=False)
        older = NotesPageButton(guild_id, booking_id, min(page + 1, last), older=True)
        newer.item.disabled, older.item.disabled = page == 0, page == last
        view.add_item(newer)
        view.add_item(older)
    return view


async def show_notes(interaction: discord.Interaction, actor: Actor, booking_id: int) -> None:
    """`/notes booking:`: the card, for one of the two participants."""
    card = await notes.open_notes(notes.OpenNotes(actor, booking_id), services_of(interaction))
    await reply(interaction, embed=notes_embed(card), view=notes_view(card))


async def _redraw(interaction: discord.Interaction, card: NotesCard, text: str) -> None:
    """Show the saved card in place of the one the form was opened from."""
    if interaction.message is not None:
        await interaction.response.edit_message(
            content=text, embed=notes_embed(card), view=notes_view(card)
        )
    else:
        await reply(interaction, text, embed=notes_embed(card), view=notes_view(card))


class _CardModal(BookingModal):
    """A form opened from a `/notes` card; once saved, the card is shown again, read afresh."""

    def __init__(self, guild_id: int, card: NotesCard, title: str) -> None:
        super().__init__(guild_id, card.booking.booking_id, title)

    async def show_saved(self, interaction: discord.Interaction, actor: Actor, text: str) -> None:
        """Redraw the card (the form's message, or a new reply) with `text` above it."""
        ctx = services_of(interaction)
        card = await notes.open_notes(notes.OpenNotes(actor, self.booking_id), ctx)
        await _redraw(interaction, card, text)


class GoalsModal(_CardModal):
    """The pair's goals, prefilled with the current text; empty clears them."""

    def __init__(self, guild_id: int, card: NotesCard) -> None:
        super().__init__(guild_id, card, texts.NOTES_GOALS_MODAL_TITLE)
        self.seen_version = card.goals.version
        self.goals: discord.ui.TextInput[GoalsModal] = paragraph(
            label=texts.NOTES_GOALS_LABEL,
            custom_id="notes:goals",
            placeholder=texts.NOTES_GOALS_PLACEHOLDER,
            default=card.goals.text,
            max_length=GOALS_MAX_LEN,
            required=False,
        )
        self.add_item(self.goals)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Save the goals unless the other side changed them meanwhile."""
        actor, ctx = self.actor(interaction), services_of(interaction)
        cmd = notes.SetGoals(actor, self.booking_id, self.goals.value, self.seen_version)
        saved = await notes.set_goals(cmd, ctx)
        done = texts.NOTES_GOALS_SAVED if saved.text else texts.NOTES_GOALS_CLEARED
        await self.show_saved(interaction, actor, done)


class NoteModal(_CardModal):
    """One progress note; the tutor's form starts with their template for the subject."""

    def __init__(self, guild_id: int, card: NotesCard) -> None:
        super().__init__(guild_id, card, texts.NOTE_MODAL_TITLE)
        self.text: discord.ui.TextInput[NoteModal] = paragraph(
            label=texts.NOTE_LABEL,
            custom_id="notes:text",
            placeholder=texts.NOTE_PLACEHOLDER,
            default=card.prefill,
            max_length=NOTE_MAX_LEN,
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Append the note, then show it on the card."""
        actor, ctx = self.actor(interaction), services_of(interaction)
        await notes.add_note(notes.AddNote(actor, self.booking_id, self.text.value), ctx)
        await self.show_saved(interaction, actor, texts.NOTE_ADDED)


async def _open_on_card(
    interaction: discord.Interaction,
    guild_id: int,
    booking_id: int,
    form: Callable[[int, NotesCard], SafeModal],
) -> None:
    """Read the card as it is now (refusing non-participants), then open `form` on it."""
    actor = actor_for(interaction, guild_id)
    card = await notes.open_notes(notes.OpenNotes(actor, booking_id), services_of(interaction))
    await open_form(interaction, form(guild_id, card))


class EditGoalsButton(RecordButton, prefix="notes:goals"):
    """Edit goals, on the `/notes` card."""

    label = texts.NOTES_EDIT_GOALS_LABEL
    style = discord.ButtonStyle.primary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Open the goals form on the goals as they are now."""
        await _open_on_card(interaction, self.guild_id, self.record_id, GoalsModal)


class AddNoteButton(RecordButton, prefix="notes:add"):
    """Add note, on the `/notes` card."""

    label = texts.NOTES_ADD_LABEL
    style = discord.ButtonStyle.success

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Open the note form (prefilled from the tutor's template)."""
        await _open_on_card(interaction, self.guild_id, self.record_id, NoteModal)


class NotesPageButton(
    PersistentButton,
    template=r"notes:(?P<way>newer|older):(?P<guild>\d+):(?P<id>\d+):(?P<page>\d+)",
):
    """Newer / Older on a card whose notes run over one page; the page is in the custom_id."""

    def __init__(self, guild_id: int, booking_id: int, page: int, *, older: bool) -> None:
        self.guild_id, self.booking_id, self.page = guild_id, booking_id, page
        way = "older" if older else "newer"
        super().__init__(
            discord.ui.Button(
                label=texts.NOTES_OLDER_LABEL if older else texts.NOTES_NEWER_LABEL,
                style=discord.ButtonStyle.secondary,
                custom_id=f"notes:{way}:{guild_id}:{booking_id}:{page}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its custom_id (after a restart too)."""
        older = match["way"] == "older"
        return cls(int(match["guild"]), int(match["id"]), int(match["page"]), older=older)

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Show that page of the card, read afresh."""
        actor = actor_for(interaction, self.guild_id)
        card = await notes.open_notes(
            notes.OpenNotes(actor, self.booking_id), services_of(interaction)
        )
        await interaction.response.edit_message(
            embed=notes_embed(card, self.page), view=notes_view(card, self.page)
        )


class TemplateModal(SafeModal):
    """A tutor's notes template for one subject, prefilled with the current one."""

    def __init__(self, guild_id: int, prompt: TemplatePrompt) -> None:
        title = texts.NOTES_TEMPLATE_MODAL_TITLE.format(subject=prompt.subject_name)
        super().__init__(title=clip(title, MODAL_TITLE_MAX))
        self.guild_id, self.prompt = guild_id, prompt
        self.text: discord.ui.TextInput[TemplateModal] = paragraph(
            label=texts.NOTES_TEMPLATE_LABEL,
            custom_id="notes:template",
            placeholder=texts.NOTES_TEMPLATE_PLACEHOLDER,
            default=prompt.text,
            max_length=TEMPLATE_MAX_LEN,
            required=False,
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Save (or remove) the template."""
        actor = actor_for(interaction, self.guild_id)
        cmd = notes.SetTemplate(actor, self.prompt.subject_key, self.text.value)
        saved = await notes.set_template(cmd, services_of(interaction))
        done = texts.NOTES_TEMPLATE_SAVED if saved.text else texts.NOTES_TEMPLATE_REMOVED
        await interaction.response.send_message(
            done.format(subject=self.prompt.subject_name), ephemeral=True
        )


async def open_template_form(interaction: discord.Interaction, actor: Actor, subject: str) -> None:
    """`/notes-template subject:`: the template form, for a tutor of that subject."""
    prompt = await notes.open_template(notes.OpenTemplate(actor, subject), services_of(interaction))
    await open_form(interaction, TemplateModal(actor.guild_id, prompt))


NOTES_BUTTONS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    EditGoalsButton,
    AddNoteButton,
    NotesPageButton,
)
