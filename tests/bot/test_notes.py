"""Session notes through the bot: /notes, Edit goals, Add note, templates, pages, refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot import texts
from bot.presenters.notes import note_pages, notes_embed
from demo.journey import dm, seen
from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.notes import GOALS_MAX_LEN, NOTE_MAX_LEN, Goals, Pair, ProgressNote
from marketplace.services import notes
from marketplace.services.actor import Actor
from marketplace.services.notes import NOTES_LOADED, NotesCard
from tests.bot.journeys import live_bookings, onboard, ready_tutor, request_first_slot

TEMPLATE = "Goals:\nTopics covered:\nHomework:"


async def accept_next_request(c, student=None):
    """Book the first open slot as `student`, and the tutor accepts it; the new booking."""
    student = student or c.student
    before = {b.booking_id for b in await live_bookings(c, student)}
    old = seen(c, c.tutor)
    await request_first_slot(c, student)
    request = await dm(c, c.tutor, "New session request", old=old)
    await c.emu.click(c.tutor, request, label="Accept")
    [booking] = [b for b in await live_bookings(c, student) if b.booking_id not in before]
    return booking


async def confirmed_session(c):
    await ready_tutor(c)
    return await accept_next_request(c)


async def notes_card(c, user, booking_id):
    card = await c.emu.slash(user, c.guild, "notes", booking=booking_id)
    assert card.ephemeral
    assert card.message is not None, card.text
    return card


async def open_form(c, user, card, label):
    form = await c.emu.click(user, card.message, label=label)
    assert form.modal is not None, form.text
    return form.modal


def labels(message):
    return [label for label, _, _ in message.buttons]


async def test_both_sides_see_and_edit_the_same_goals_and_notes(campus) -> None:
    c = campus
    booking = await confirmed_session(c)
    card = await notes_card(c, c.student, booking.booking_id)
    assert "Session notes · Calculus" in card.text
    assert texts.NOTES_NO_GOALS in card.text
    assert texts.NOTES_NONE in card.text
    assert labels(card.message) == [texts.NOTES_EDIT_GOALS_LABEL, texts.NOTES_ADD_LABEL]

    modal = await open_form(c, c.student, card, texts.NOTES_EDIT_GOALS_LABEL)
    saved = await c.emu.submit_modal(c.student, modal, {"notes:goals": "Pass the midterm"})
    assert texts.NOTES_GOALS_SAVED in saved.text
    assert "Pass the midterm" in saved.text
    assert "Last edited by @Maya" in saved.text

    theirs = await notes_card(c, c.tutor, booking.booking_id)
    assert "Pass the midterm" in theirs.text
    modal = await open_form(c, c.tutor, theirs, texts.NOTES_ADD_LABEL)
    assert modal.field("notes:text").value is None
    added = await c.emu.submit_modal(
        c.tutor, modal, {"notes:text": "Covered limits.\nNext: chain rule"}
    )
    assert texts.NOTE_ADDED in added.text
    assert "🧑‍🏫 Tutor · session #" in added.text
    assert "Covered limits." in added.text

    goals_form = await open_form(c, c.tutor, theirs, texts.NOTES_EDIT_GOALS_LABEL)
    assert goals_form.field("notes:goals").value == "Pass the midterm"
    again = await notes_card(c, c.student, booking.booking_id)
    assert "Covered limits." in again.text
    assert "— 1 note" in again.text


async def test_notes_are_shared_across_the_pairs_bookings_but_not_with_another_pair(
    campus,
) -> None:
    c = campus
    first = await confirmed_session(c)
    second = await accept_next_request(c)
    assert second.booking_id != first.booking_id
    card = await notes_card(c, c.student, first.booking_id)
    modal = await open_form(c, c.student, card, texts.NOTES_ADD_LABEL)
    await c.emu.submit_modal(c.student, modal, {"notes:text": "I struggle with limits"})

    via_second = await notes_card(c, c.tutor, second.booking_id)
    assert "I struggle with limits" in via_second.text
    choices = await c.emu.autocomplete(c.student, c.guild, "notes", focused="booking")
    assert [choice["value"] for choice in choices] == [first.booking_id]

    await onboard(c, c.member, "student", ["calculus"])
    other = await accept_next_request(c, c.member)
    theirs = await notes_card(c, c.tutor, other.booking_id)
    assert "I struggle with limits" not in theirs.text
    assert texts.NOTES_NONE in theirs.text
    mine = await notes_card(c, c.member, other.booking_id)
    assert "I struggle with limits" not in mine.text


async def test_a_stranger_and_an_unknown_booking_are_refused(campus) -> None:
    c = campus
    booking = await confirmed_session(c)
    stranger = await c.emu.slash(c.member, c.guild, "notes", booking=booking.booking_id)
    assert stranger.text == texts.NEEDS["owner"]
    assert "Edit goals" not in stranger.text
    assert await c.emu.autocomplete(c.member, c.guild, "notes", focused="booking") == []
    unknown = await c.emu.slash(c.student, c.guild, "notes", booking=booking.booking_id + 999)
    assert unknown.text == texts.ENTITY_NAMES["booking"]

    # Someone else's card buttons (they carry the guild and booking) are refused too.
    card = await notes_card(c, c.student, booking.booking_id)
    for label in (texts.NOTES_EDIT_GOALS_LABEL, texts.NOTES_ADD_LABEL):
        forged = await c.emu.click(c.member, card.message, label=label)
        assert forged.modal is None
        assert forged.text == texts.NEEDS["owner"]


async def test_the_tutors_template_prefills_their_add_note_form(campus) -> None:
    c = campus
    booking = await confirmed_session(c)
    form = await c.emu.slash(c.tutor, c.guild, "notes-template", subject="calculus")
    assert form.modal is not None, form.text
    saved = await c.emu.submit_modal(c.tutor, form.modal, {"notes:template": TEMPLATE})
    assert "Template saved" in saved.text
    again = await c.emu.slash(c.tutor, c.guild, "notes-template", subject="calculus")
    assert again.modal.field("notes:template").value == TEMPLATE

    card = await notes_card(c, c.tutor, booking.booking_id)
    modal = await open_form(c, c.tutor, card, texts.NOTES_ADD_LABEL)
    assert modal.field("notes:text").value == TEMPLATE
    untouched = await c.emu.submit_modal(c.tutor, modal, {})
    assert untouched.text == texts.CONFLICTS["note_is_template"]
    filled = TEMPLATE.replace("covered:", "covered: limits")
    modal = await open_form(c, c.tutor, card, texts.NOTES_ADD_LABEL)
    added = await c.emu.submit_modal(c.tutor, modal, {"notes:text": filled})
    assert "Topics covered: limits" in added.text

    students = await open_form(
        c, c.student, await notes_card(c, c.student, booking.booking_id), texts.NOTES_ADD_LABEL
    )
    assert students.field("notes:text").value is None


async def test_templates_are_refused_to_non_tutors_and_other_subjects(campus) -> None:
    c = campus
    await ready_tutor(c)
    student = await c.emu.slash(c.student, c.guild, "notes-template", subject="calculus")
    assert student.modal is None
    assert student.text == texts.ENTITY_NAMES["tutor_profile"]
    other = await c.emu.slash(c.tutor, c.guild, "notes-template", subject="physics")
    assert other.modal is None
    assert other.text == texts.CONFLICTS["template_subject_not_taught"]
    choices = await c.emu.autocomplete(c.tutor, c.guild, "notes-template", focused="subject")
    assert "calculus" in [choice["value"] for choice in choices]


async def test_bad_input_and_a_stale_goals_edit_are_refused(campus) -> None:
    c = campus
    booking = await confirmed_session(c)
    card = await notes_card(c, c.student, booking.booking_id)
    blank = await c.emu.submit_modal(
        c.student,
        await open_form(c, c.student, card, texts.NOTES_ADD_LABEL),
        {"notes:text": " \u200b "},
    )
    assert blank.text == "Your note can't be empty."
    modal = await open_form(c, c.student, card, texts.NOTES_ADD_LABEL)
    with pytest.raises(ValueError, match="at most 1500"):
        await c.emu.submit_modal(c.student, modal, {"notes:text": "x" * 1501})

    stale = await open_form(c, c.student, card, texts.NOTES_EDIT_GOALS_LABEL)
    tutor_card = await notes_card(c, c.tutor, booking.booking_id)
    tutor_form = await open_form(c, c.tutor, tutor_card, texts.NOTES_EDIT_GOALS_LABEL)
    await c.emu.submit_modal(c.tutor, tutor_form, {"notes:goals": "Tutor's plan"})
    refused = await c.emu.submit_modal(c.student, stale, {"notes:goals": "Student's plan"})
    assert refused.text == texts.CONFLICTS["goals_changed"]
    assert "Tutor's plan" in (await notes_card(c, c.student, booking.booking_id)).text


async def test_many_long_notes_page_within_discords_limits(campus) -> None:
    c = campus
    booking = await confirmed_session(c)
    ctx = c.runtime.services
    student = Actor(c.guild.id, c.guild.name, c.student.id)
    await notes.set_goals(notes.SetGoals(student, booking.booking_id, "g" * 1000, 0), ctx)
    for n in range(7):
        text = f"Note {n} " + "n" * 1490
        await notes.add_note(notes.AddNote(student, booking.booking_id, text), ctx)

    card = await notes_card(c, c.student, booking.booking_id)
    assert "Note 6 " in card.text
    assert "Note 0 " not in card.text
    assert "of 7, newest first · page 1 of" in card.text
    assert labels(card.message)[2:] == [texts.NOTES_NEWER_LABEL, texts.NOTES_OLDER_LABEL]
    assert card.message.buttons[2][2]  # Newer is disabled on the first page

    page = card
    while not page.message.buttons[3][2]:  # until Older is disabled
        page = await c.emu.click(c.student, page.message, label=texts.NOTES_OLDER_LABEL)
    assert "Note 0 " in page.text
    assert "Note 6 " not in page.text
    back = await c.emu.click(c.student, page.message, label=texts.NOTES_NEWER_LABEL)
    assert "Note 0 " not in back.text


def test_every_page_of_the_largest_notes_fits_discords_embed_limits() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    snowflake = 2**63 - 1
    booking = Booking(
        booking_id=10**9, guild_id=1, student_id=snowflake, tutor_id=snowflake - 1,
        subject_key="s", start=now, end=now + timedelta(hours=1),
        state=BookingState.CONFIRMED, created_at=now, expires_at=now,
    )  # fmt: skip
    pair = Pair.of(booking)
    goals = Goals(pair, "g" * GOALS_MAX_LEN, 9, snowflake, now)
    loaded = [
        ProgressNote(n, pair, 10**9, snowflake - n % 2, "n" * NOTE_MAX_LEN, now)
        for n in range(NOTES_LOADED)
    ]
    card = NotesCard(booking, "S" * 80, goals, loaded, total=10**6, prefill="")
    pages = note_pages(card)
    assert sum(len(p) for p in pages) == NOTES_LOADED
    for number in range(len(pages)):
        embed = notes_embed(card, number)
        assert len(embed) <= 6000
        assert len(embed.fields) <= 25
        assert all(len(f.value or "") <= 1024 for f in embed.fields)
        assert len(embed.description or "") <= 4096
