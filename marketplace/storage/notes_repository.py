"""Session notes in SQL: a pair's goals (compare-and-set), notes, and tutors' templates."""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, select, update

from marketplace.domain.notes import Goals, NoteTemplate, Pair, ProgressNote
from marketplace.storage.models import NoteGoalsRow, NoteTemplateRow, ProgressNoteRow
from marketplace.storage.sql_repository import SqlRepository, upsert


def _note(row: ProgressNoteRow) -> ProgressNote:
    pair = Pair(row.guild_id, row.student_id, row.tutor_id)
    return ProgressNote(row.id, pair, row.booking_id, row.author_id, row.text, row.created_at)


class SqlNotesRepository(SqlRepository):
    """Goals and progress notes per (guild, student, tutor); templates per tutor subject."""

    @staticmethod
    def _of_pair(
        model: type[NoteGoalsRow | ProgressNoteRow], pair: Pair
    ) -> list[ColumnElement[bool]]:
        """The rows of `model` that belong to this (guild, student, tutor)."""
        return [
            model.guild_id == pair.guild_id,
            model.student_id == pair.student_id,
            model.tutor_id == pair.tutor_id,
        ]

    async def goals(self, pair: Pair) -> Goals:
        row = await self._session.scalar(
            select(NoteGoalsRow).where(*self._of_pair(NoteGoalsRow, pair))
        )
        if row is None:
            return Goals(pair)
        return Goals(pair, row.text, row.version, row.updated_by, row.updated_at)

    async def save_goals(self, goals: Goals) -> bool:
        pair = goals.pair
        values = {
            "text": goals.text,
            "updated_by": goals.updated_by,
            "updated_at": goals.updated_at,
        }
        if goals.version == 1:
            inserted = await self._session.scalar(
                upsert(self._session, NoteGoalsRow)
                .values(
                    guild_id=pair.guild_id,
                    student_id=pair.student_id,
                    tutor_id=pair.tutor_id,
                    version=1,
                    **values,
                )
                .on_conflict_do_nothing(
                    index_elements=[
                        NoteGoalsRow.guild_id, NoteGoalsRow.student_id, NoteGoalsRow.tutor_id
                    ]
                )
                .returning(NoteGoalsRow.version)
            )  # fmt: skip
            return inserted is not None
        result = await self._session.execute(
            update(NoteGoalsRow)
            .where(*self._of_pair(NoteGoalsRow, pair), NoteGoalsRow.version == goals.version - 1)
            .values(version=goals.version, **values)
            .execution_options(synchronize_session=False)
            .returning(NoteGoalsRow.version)
        )
        return result.first() is not None

    async def add_note(self, note: ProgressNote) -> ProgressNote:
        row = ProgressNoteRow(
            guild_id=note.pair.guild_id,
            student_id=note.pair.student_id,
            tutor_id=note.pair.tutor_id,
            booking_id=note.booking_id,
            author_id=note.author_id,
            text=note.text,
            created_at=note.created_at,
        )
        self._session.add(row)
        await self._session.flush()
        return _note(row)

    async def notes(self, pair: Pair, limit: int) -> list[ProgressNote]:
        rows = await self._session.scalars(
            select(ProgressNoteRow)
            .where(*self._of_pair(ProgressNoteRow, pair))
            .order_by(ProgressNoteRow.created_at.desc(), ProgressNoteRow.id.desc())
            .limit(limit)
        )
        return [_note(row) for row in rows]

    async def count_notes(self, pair: Pair) -> int:
        return await self._count(ProgressNoteRow, *self._of_pair(ProgressNoteRow, pair))

    async def template(self, guild_id: int, tutor_id: int, subject_key: str) -> NoteTemplate | None:
        row = await self._session.scalar(
            select(NoteTemplateRow).where(
                NoteTemplateRow.guild_id == guild_id,
                NoteTemplateRow.tutor_id == tutor_id,
                NoteTemplateRow.subject_key == subject_key,
            )
        )
        if row is None:
            return None
        return NoteTemplate(row.guild_id, row.tutor_id, row.subject_key, row.text, row.updated_at)

    async def save_template(self, template: NoteTemplate) -> None:
        key = (
            NoteTemplateRow.guild_id == template.guild_id,
            NoteTemplateRow.tutor_id == template.tutor_id,
            NoteTemplateRow.subject_key == template.subject_key,
        )
        if not template.text:
            await self._session.execute(delete(NoteTemplateRow).where(*key))
            return
        await self._put(
            NoteTemplateRow,
            {
                "guild_id": template.guild_id,
                "tutor_id": template.tutor_id,
                "subject_key": template.subject_key,
            },
            {"text": template.text, "updated_at": template.updated_at},
        )
