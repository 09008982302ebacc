"""The `/notes` card: the pair's goals, then their progress notes in pages that fit Discord."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot import texts
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.text_limits import (
    EMBED_DESCRIPTION_MAX,
    EMBED_TITLE_MAX,
    EMBED_TOTAL_MAX,
    FIELD_VALUE_MAX,
    clip,
)
from marketplace.domain.notes import ProgressNote
from marketplace.services.notes import NOTES_LOADED, NotesCard

FOOTER_ROOM = 160  # the page footer is never longer than this
NOTES_PER_PAGE = 5


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def note_fields(note: ProgressNote, student_id: int) -> list[tuple[str, str]]:
    """One note as embed fields (name, value): a long note continues in a second field."""
    role = "student" if note.author_id == student_id else "tutor"
    name = texts.NOTE_ROLES[role]
    if note.booking_id is not None:
        name += texts.NOTE_FIELD_BOOKING.format(booking=note.booking_id)
    body = texts.NOTE_BODY.format(
        author=note.author_id, at=int(note.created_at.timestamp()), text=note.text
    )
    parts = _chunks(body, FIELD_VALUE_MAX)
    return [(name, parts[0])] + [(texts.NOTE_CONTINUED, part) for part in parts[1:]]


def _size(fields: Sequence[tuple[str, str]]) -> int:
    return sum(len(name) + len(value) for name, value in fields)


def _header(card: NotesCard) -> tuple[str, str]:
    booking, goals = card.booking, card.goals
    lines = [
        texts.NOTES_SHARED.format(student=booking.student_id, tutor=booking.tutor_id),
        "",
        texts.NOTES_GOALS_HEADING,
        goals.text or texts.NOTES_NO_GOALS,
    ]
    if goals.text and goals.updated_by is not None and goals.updated_at is not None:
        at = int(goals.updated_at.timestamp())
        lines.append(texts.NOTES_GOALS_EDITED.format(user=goals.updated_by, at=at))
    description = clip("\n".join(lines), EMBED_DESCRIPTION_MAX)
    return clip(texts.NOTES_TITLE.format(subject=card.subject_name), EMBED_TITLE_MAX), description


def note_pages(card: NotesCard) -> list[list[ProgressNote]]:
    """The loaded notes split into pages, newest first, each fitting one embed.

    A page holds at most NOTES_PER_PAGE notes and stays within Discord's 25 fields and
    6,000 characters next to the title, the goals and the footer; a note is never split
    across pages. There is always at least one (maybe empty) page.
    """
    title, description = _header(card)
    budget = EMBED_TOTAL_MAX - len(title) - len(description) - FOOTER_ROOM
    pages: list[list[ProgressNote]] = [[]]
    used = fields = 0
    for note in card.notes:
        parts = note_fields(note, card.booking.student_id)
        full = len(pages[-1]) >= NOTES_PER_PAGE
        if pages[-1] and (full or used + _size(parts) > budget or fields + len(parts) > 25):
            pages.append([])
            used = fields = 0
        pages[-1].append(note)
        used, fields = used + _size(parts), fields + len(parts)
    return pages


def notes_embed(card: NotesCard, page: int = 0) -> discord.Embed:
    """The card: who shares it, the goals, and one page of progress notes."""
    pages = note_pages(card)
    page = max(0, min(page, len(pages) - 1))
    title, description = _header(card)
    embed = discord.Embed(title=title, description=description, colour=BRAND_COLOUR)
    if not card.notes:
        embed.add_field(name=texts.NOTES_NONE_HEADING, value=texts.NOTES_NONE, inline=False)
        return embed
    for note in pages[page]:
        for name, value in note_fields(note, card.booking.student_id):
            embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=_footer(card, pages, page))
    return embed


def _footer(card: NotesCard, pages: list[list[ProgressNote]], page: int) -> str:
    if len(pages) == 1:
        one = card.total == 1
        footer = texts.NOTES_COUNT_ONE if one else texts.NOTES_COUNT.format(total=card.total)
    else:
        first = sum(len(p) for p in pages[:page]) + 1
        footer = texts.NOTES_PAGE.format(
            first=first, last=first + len(pages[page]) - 1, total=card.total,
            page=page + 1, pages=len(pages),
        )  # fmt: skip
    if card.total > len(card.notes):
        footer += texts.NOTES_MORE_THAN_LOADED.format(loaded=NOTES_LOADED)
    return footer
