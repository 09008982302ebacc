"""Session notes in SQL on both backends: goals compare-and-set, notes order, templates."""

from dataclasses import replace
from datetime import timedelta

from marketplace.domain.notes import Goals, NoteTemplate, Pair, ProgressNote
from marketplace.services import bookings
from tests.services.marketplace_world import STUDENT_ID, TUTOR_ID, at, book_cmd, build_world

START = at(2, 10)
BIG_SNOWFLAKE = 2**63 - 1


async def _booking(service_context, clock):
    world = await build_world(service_context, clock, instant=True)
    return await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)


async def test_goals_are_written_once_per_version_and_read_back_aware(
    service_context, clock, uow_factory
):
    booking = await _booking(service_context, clock)
    pair = Pair.of(booking)
    first = Goals(pair, "Pass the midterm", 1, BIG_SNOWFLAKE, START)
    async with uow_factory() as uow:
        assert await uow.notes.goals(pair) == Goals(pair)
        assert await uow.notes.save_goals(first)
        assert not await uow.notes.save_goals(replace(first, text="Racing insert"))
        assert await uow.notes.save_goals(replace(first, text="Then the final", version=2))
        assert not await uow.notes.save_goals(replace(first, text="Stale", version=2))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        stored = await uow.notes.goals(pair)
    assert (stored.text, stored.version, stored.updated_by) == ("Then the final", 2, BIG_SNOWFLAKE)
    assert stored.updated_at == START
    assert stored.updated_at.tzinfo is not None


async def test_notes_come_back_newest_first_and_only_for_their_pair(
    service_context, clock, uow_factory
):
    booking = await _booking(service_context, clock)
    pair = Pair.of(booking)
    other = Pair(pair.guild_id, STUDENT_ID + 1, TUTOR_ID)
    written = [
        ProgressNote(0, pair, booking.booking_id, TUTOR_ID, f"note {n}", START + timedelta(hours=n))
        for n in range(3)
    ]
    async with uow_factory() as uow:
        stored = [await uow.notes.add_note(n) for n in written]
        await uow.notes.add_note(replace(written[0], pair=other, text="theirs"))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        latest = await uow.notes.notes(pair, 2)
        total = await uow.notes.count_notes(pair)
    assert all(n.note_id > 0 for n in stored)
    assert latest == [stored[2], stored[1]]
    assert total == 3


async def test_a_template_is_replaced_then_removed(service_context, clock, uow_factory):
    booking = await _booking(service_context, clock)
    template = NoteTemplate(booking.guild_id, TUTOR_ID, "calculus", "Goals:", START)
    async with uow_factory() as uow:
        await uow.notes.save_template(template)
        await uow.notes.save_template(replace(template, text="Topics:", updated_at=at(3, 9)))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.notes.template(booking.guild_id, TUTOR_ID, "calculus") == replace(
            template, text="Topics:", updated_at=at(3, 9)
        )
        assert await uow.notes.template(booking.guild_id, TUTOR_ID, "physics") is None
    async with uow_factory() as uow:
        await uow.notes.save_template(replace(template, text=""))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.notes.template(booking.guild_id, TUTOR_ID, "calculus") is None
