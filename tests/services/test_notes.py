"""Session notes through the services on a real SQLite file: shared per pair, templates."""

from dataclasses import replace
from datetime import timedelta

import pytest

from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.domain.notes import NOTE_MAX_LEN, Pair
from marketplace.services import bookings, notes
from marketplace.services.notes import AddNote, SetGoals
from tests.services.marketplace_world import (
    GUILD,
    OTHER_GUILD,
    STUDENT_ID,
    TUTOR_ID,
    actor,
    add_student,
    add_tutor,
    at,
    book_cmd,
    build_world,
)

STUDENT = actor(STUDENT_ID)
TUTOR = actor(TUTOR_ID)
OTHER_STUDENT_ID = 12
STRANGER = actor(31)
FIRST_START = at(2, 10)
TEMPLATE = "Goals:\nTopics covered:\nHomework:"


@pytest.fixture
async def ctx(service_context, clock):
    await build_world(service_context, clock)
    return service_context


async def booked(ctx, start=FIRST_START, student=STUDENT, tutor=TUTOR):
    """A confirmed session between `student` and `tutor`."""
    booking = await bookings.book(book_cmd(student, tutor.user_id, start), ctx)
    return await bookings.accept(bookings.AcceptBooking(tutor, booking.booking_id), ctx)


def goals(who, booking_id, text, seen=0):
    return SetGoals(who, booking_id, text, seen)


def note(who, booking_id, text):
    return AddNote(who, booking_id, text)


async def stored_notes(uow_factory, booking) -> int:
    async with uow_factory(read_only=True) as uow:
        return await uow.notes.count_notes(Pair.of(booking))


async def test_a_new_pair_starts_with_empty_notes(ctx):
    booking = await booked(ctx)
    card = await notes.open_notes(notes.OpenNotes(STUDENT, booking.booking_id), ctx)
    assert (card.goals.text, card.goals.version, card.notes, card.total) == ("", 0, [], 0)
    assert card.subject_name == "Calculus"
    assert card.prefill == ""


async def test_goals_and_notes_are_shared_across_every_booking_of_the_pair(ctx, clock):
    first = await booked(ctx, at(2, 10))
    second = await booked(ctx, at(3, 10))
    await notes.set_goals(goals(STUDENT, first.booking_id, "Pass the midterm"), ctx)
    clock.advance(timedelta(minutes=1))
    older = await notes.add_note(note(TUTOR, first.booking_id, "Covered limits"), ctx)
    clock.advance(timedelta(minutes=1))
    newer = await notes.add_note(note(STUDENT, second.booking_id, "Practised derivatives"), ctx)

    for who, booking in [(STUDENT, first), (TUTOR, second), (TUTOR, first)]:
        card = await notes.open_notes(notes.OpenNotes(who, booking.booking_id), ctx)
        assert card.goals.text == "Pass the midterm"
        assert (card.goals.updated_by, card.goals.version) == (STUDENT_ID, 1)
        assert card.notes == [newer, older]
        assert card.total == 2
    assert (older.author_id, older.booking_id) == (TUTOR_ID, first.booking_id)
    assert (newer.author_id, newer.booking_id) == (STUDENT_ID, second.booking_id)
    assert newer.created_at - older.created_at == timedelta(minutes=1)


async def test_either_side_edits_the_goals_in_turn(ctx):
    booking = await booked(ctx)
    one = await notes.set_goals(goals(STUDENT, booking.booking_id, "Pass the midterm"), ctx)
    two = await notes.set_goals(goals(TUTOR, booking.booking_id, "Pass it well", seen=1), ctx)
    assert (one.version, two.version, two.updated_by) == (1, 2, TUTOR_ID)
    cleared = await notes.set_goals(goals(STUDENT, booking.booking_id, "  ", seen=2), ctx)
    card = await notes.open_notes(notes.OpenNotes(TUTOR, booking.booking_id), ctx)
    assert (cleared.text, card.goals.text, card.goals.version) == ("", "", 3)


async def test_notes_are_not_shared_with_another_pair(ctx):
    await add_student(ctx, OTHER_STUDENT_ID)
    mine = await booked(ctx, at(2, 10))
    theirs = await booked(ctx, at(2, 14), student=actor(OTHER_STUDENT_ID))
    await notes.set_goals(goals(STUDENT, mine.booking_id, "Pass the midterm"), ctx)
    await notes.add_note(note(TUTOR, mine.booking_id, "Covered limits"), ctx)

    card = await notes.open_notes(notes.OpenNotes(TUTOR, theirs.booking_id), ctx)
    assert (card.goals.text, card.notes, card.total) == ("", [], 0)
    with pytest.raises(PermissionDeniedError):
        await notes.open_notes(notes.OpenNotes(STUDENT, theirs.booking_id), ctx)
    with pytest.raises(PermissionDeniedError):
        await notes.open_notes(notes.OpenNotes(actor(OTHER_STUDENT_ID), mine.booking_id), ctx)


async def test_a_stranger_is_refused_and_nothing_is_written(ctx, uow_factory):
    booking = await booked(ctx)
    with pytest.raises(PermissionDeniedError):
        await notes.open_notes(notes.OpenNotes(STRANGER, booking.booking_id), ctx)
    with pytest.raises(PermissionDeniedError):
        await notes.set_goals(goals(STRANGER, booking.booking_id, "Mine now"), ctx)
    with pytest.raises(PermissionDeniedError):
        await notes.add_note(note(STRANGER, booking.booking_id, "Hello"), ctx)
    assert (
        await notes.open_notes(notes.OpenNotes(STUDENT, booking.booking_id), ctx)
    ).goals.version == 0
    assert await stored_notes(uow_factory, booking) == 0


async def test_a_booking_of_another_guild_or_none_at_all_is_not_found(ctx, uow_factory):
    await add_student(ctx, STUDENT_ID, guild_id=OTHER_GUILD)
    there_tutor = await add_tutor(ctx, TUTOR_ID, guild_id=OTHER_GUILD)
    there = await booked(ctx, student=actor(STUDENT_ID, OTHER_GUILD), tutor=there_tutor)
    # The same two people, but asking from this guild about the other guild's booking.
    for call in (
        notes.open_notes(notes.OpenNotes(STUDENT, there.booking_id), ctx),
        notes.set_goals(goals(STUDENT, there.booking_id, "Sneaky"), ctx),
        notes.add_note(note(TUTOR, there.booking_id, "Sneaky"), ctx),
        notes.open_notes(notes.OpenNotes(STUDENT, 999_999), ctx),
    ):
        with pytest.raises(NotFoundError) as caught:
            await call
        assert caught.value.entity == "booking"
    assert await stored_notes(uow_factory, there) == 0
    assert there.guild_id == OTHER_GUILD != GUILD


async def test_goals_saved_over_the_other_sides_newer_edit_are_refused(ctx):
    booking = await booked(ctx)
    seen = (await notes.open_notes(notes.OpenNotes(STUDENT, booking.booking_id), ctx)).goals.version
    await notes.set_goals(goals(TUTOR, booking.booking_id, "Tutor's plan", seen=seen), ctx)
    with pytest.raises(ConflictError, match="goals_changed"):
        await notes.set_goals(goals(STUDENT, booking.booking_id, "Student's plan", seen), ctx)
    card = await notes.open_notes(notes.OpenNotes(STUDENT, booking.booking_id), ctx)
    assert (card.goals.text, card.goals.version) == ("Tutor's plan", 1)


async def test_the_goals_compare_and_set_lets_one_of_two_racing_saves_win(ctx, uow_factory):
    booking = await booked(ctx)
    pair = Pair.of(booking)
    async with uow_factory() as uow:
        base = await uow.notes.goals(pair)
    first = replace(base, text="A", version=1, updated_by=STUDENT_ID, updated_at=at(1, 9))
    second = replace(first, text="B", updated_by=TUTOR_ID)
    async with uow_factory() as uow:
        assert await uow.notes.save_goals(first)
        assert not await uow.notes.save_goals(second)
        assert await uow.notes.save_goals(replace(second, version=2))
        assert not await uow.notes.save_goals(replace(second, text="C", version=2))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        stored = await uow.notes.goals(pair)
    assert (stored.text, stored.version, stored.updated_by) == ("B", 2, TUTOR_ID)


async def test_empty_and_oversized_input_is_refused_with_nothing_stored(ctx, uow_factory):
    booking = await booked(ctx)
    for text, problem in [(" \u200b ", "empty"), ("n" * (NOTE_MAX_LEN + 1), "too_long")]:
        with pytest.raises(InputError) as caught:
            await notes.add_note(note(STUDENT, booking.booking_id, text), ctx)
        assert (caught.value.field, caught.value.problem) == ("progress_note", problem)
    with pytest.raises(InputError) as caught:
        await notes.set_goals(goals(STUDENT, booking.booking_id, "g" * 1001), ctx)
    assert caught.value.field == "notes_goals"
    with pytest.raises(InputError):
        await notes.set_template(notes.SetTemplate(TUTOR, "calculus", "t" * 1001), ctx)
    card = await notes.open_notes(notes.OpenNotes(TUTOR, booking.booking_id), ctx)
    assert (card.goals.version, card.total, card.prefill) == (0, 0, "")
    assert await stored_notes(uow_factory, booking) == 0


async def test_the_tutors_template_prefills_their_notes_on_that_subject(ctx):
    booking = await booked(ctx)
    assert (await notes.open_template(notes.OpenTemplate(TUTOR, "calculus"), ctx)).text == ""
    saved = await notes.set_template(notes.SetTemplate(TUTOR, "calculus", TEMPLATE), ctx)
    assert saved.text == TEMPLATE
    prompt = await notes.open_template(notes.OpenTemplate(TUTOR, "calculus"), ctx)
    assert (prompt.subject_key, prompt.subject_name, prompt.text) == (
        "calculus", "Calculus", TEMPLATE,
    )  # fmt: skip

    assert (
        await notes.open_notes(notes.OpenNotes(TUTOR, booking.booking_id), ctx)
    ).prefill == TEMPLATE
    assert (await notes.open_notes(notes.OpenNotes(STUDENT, booking.booking_id), ctx)).prefill == ""
    with pytest.raises(ConflictError, match="note_is_template"):
        await notes.add_note(note(TUTOR, booking.booking_id, TEMPLATE), ctx)
    filled = TEMPLATE.replace("covered:", "covered: chain rule")
    kept = await notes.add_note(note(TUTOR, booking.booking_id, filled), ctx)
    assert kept.text == filled

    await notes.set_template(notes.SetTemplate(TUTOR, "calculus", "   "), ctx)
    assert (await notes.open_notes(notes.OpenNotes(TUTOR, booking.booking_id), ctx)).prefill == ""
    assert (await notes.open_template(notes.OpenTemplate(TUTOR, "calculus"), ctx)).text == ""


async def test_templates_are_for_tutors_and_the_subjects_they_teach(ctx):
    with pytest.raises(ConflictError, match="template_subject_not_taught"):
        await notes.set_template(notes.SetTemplate(TUTOR, "physics", TEMPLATE), ctx)
    with pytest.raises(ConflictError, match="template_subject_not_taught"):
        await notes.open_template(notes.OpenTemplate(TUTOR, "no-such-subject"), ctx)
    with pytest.raises(NotFoundError) as caught:
        await notes.set_template(notes.SetTemplate(STUDENT, "calculus", TEMPLATE), ctx)
    assert caught.value.entity == "tutor_profile"
    with pytest.raises(NotFoundError):
        await notes.open_template(notes.OpenTemplate(STUDENT, "calculus"), ctx)


async def test_a_template_of_another_subject_does_not_prefill(ctx):
    await add_tutor(ctx, 22, subjects=("calculus", "physics"))
    tutor = actor(22)
    booking = await booked(ctx, tutor=tutor)
    await notes.set_template(notes.SetTemplate(tutor, "physics", "Experiments:"), ctx)
    assert (await notes.open_notes(notes.OpenNotes(tutor, booking.booking_id), ctx)).prefill == ""


async def test_a_declined_request_has_no_notes_and_is_not_offered(ctx):
    declined = await bookings.book(book_cmd(STUDENT, TUTOR_ID, at(2, 10)), ctx)
    await bookings.decline(bookings.DeclineBooking(TUTOR, declined.booking_id), ctx)
    with pytest.raises(InvalidTransitionError) as caught:
        await notes.open_notes(notes.OpenNotes(STUDENT, declined.booking_id), ctx)
    assert (caught.value.action, caught.value.from_state) == ("notes", "declined")
    assert await notes.note_bookings(notes.ListNoteBookings(STUDENT), ctx) == []


async def test_the_booking_choices_offer_one_booking_per_person(ctx):
    await add_tutor(ctx, 22)
    first = await booked(ctx, at(2, 10))
    await booked(ctx, at(3, 10))
    other = await booked(ctx, at(2, 14), tutor=actor(22))
    chosen = await notes.note_bookings(notes.ListNoteBookings(STUDENT), ctx)
    assert [b.booking_id for b in chosen] == [first.booking_id, other.booking_id]
    assert [
        b.booking_id for b in await notes.note_bookings(notes.ListNoteBookings(TUTOR), ctx)
    ] == [first.booking_id]
