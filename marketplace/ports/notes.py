"""The notes port: a pair's goals and progress notes, and tutors' per-subject templates."""

from __future__ import annotations

from typing import Protocol

from marketplace.domain.notes import Goals, NoteTemplate, Pair, ProgressNote


class NotesRepository(Protocol):
    """Session notes shared by a student and a tutor."""

    async def goals(self, pair: Pair) -> Goals:
        """The pair's goals (empty, version 0, when never written)."""
        ...

    async def save_goals(self, goals: Goals) -> bool:
        """Store goals whose version is one more than the stored one; False if it moved on.

        A compare-and-set: of two sides saving over the same version, one wins.
        """
        ...

    async def add_note(self, note: ProgressNote) -> ProgressNote:
        """Append a progress note; the stored note carries its id."""
        ...

    async def notes(self, pair: Pair, limit: int) -> list[ProgressNote]:
        """The pair's latest notes, newest first."""
        ...

    async def count_notes(self, pair: Pair) -> int:
        """How many notes the pair has."""
        ...

    async def template(self, guild_id: int, tutor_id: int, subject_key: str) -> NoteTemplate | None:
        """The tutor's template for this subject, if they set one."""
        ...

    async def save_template(self, template: NoteTemplate) -> None:
        """Insert or replace the template; an empty text removes it."""
        ...
