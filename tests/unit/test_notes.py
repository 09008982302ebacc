"""Notes rules: the two participants only, cleaned and bounded text, goals edits, templates."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.booking import Booking, BookingState, Party
from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    PermissionDeniedError,
)
from marketplace.domain.notes import (
    GOALS_MAX_LEN,
    NOTE_MAX_LEN,
    TEMPLATE_MAX_LEN,
    Goals,
    NoteTemplate,
    Pair,
    check_participant,
    new_note,
    new_template,
    notes_open,
    prefill_for,
    set_goals,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STUDENT, TUTOR, STRANGER = 11, 21, 99
TEMPLATE = "Goals:\nTopics covered:\nHomework:"


def _booking(state: BookingState = BookingState.CONFIRMED, **changes) -> Booking:
    booking = Booking(
        booking_id=5, guild_id=1, student_id=STUDENT, tutor_id=TUTOR, subject_key="calculus",
        start=NOW + timedelta(hours=2), end=NOW + timedelta(hours=3), state=state,
        created_at=NOW - timedelta(days=2), expires_at=NOW + timedelta(hours=1),
    )  # fmt: skip
    return replace(booking, **changes)


def _template(**changes) -> NoteTemplate:
    return replace(NoteTemplate(1, TUTOR, "calculus", TEMPLATE, NOW), **changes)


def test_notes_are_keyed_by_the_pair_not_the_booking():
    one = _booking()
    other = _booking(booking_id=6, start=NOW + timedelta(days=7))
    assert Pair.of(one) == Pair.of(other) == Pair(1, STUDENT, TUTOR)
    assert Pair.of(_booking(student_id=12)) != Pair.of(one)


@pytest.mark.parametrize(("who", "side"), [(STUDENT, Party.STUDENT), (TUTOR, Party.TUTOR)])
def test_both_participants_may_use_the_notes(who, side):
    assert check_participant(_booking(), who) is side


def test_a_stranger_may_not_read_or_write_notes():
    with pytest.raises(PermissionDeniedError):
        check_participant(_booking(), STRANGER)
    with pytest.raises(PermissionDeniedError):
        new_note(_booking(), STRANGER, "Hello", NOW)
    with pytest.raises(PermissionDeniedError):
        set_goals(Goals(Pair.of(_booking())), _booking(), STRANGER, "Mine now", 0, NOW)


@pytest.mark.parametrize(
    "state", [BookingState.AWAITING_PAYMENT, BookingState.DECLINED, BookingState.EXPIRED]
)
def test_a_booking_that_never_brought_them_together_has_no_notes(state):
    assert not notes_open(_booking(state))
    with pytest.raises(InvalidTransitionError) as caught:
        check_participant(_booking(state), STUDENT)
    assert (caught.value.action, caught.value.from_state) == ("notes", state.value)


@pytest.mark.parametrize(
    "state",
    [
        BookingState.REQUESTED,
        BookingState.CONFIRMED,
        BookingState.COMPLETED,
        BookingState.NO_SHOW,
        BookingState.CANCELLED,
    ],
)
def test_requested_live_past_and_cancelled_bookings_open_the_notes(state):
    assert notes_open(_booking(state))
    assert check_participant(_booking(state), TUTOR) is Party.TUTOR


def test_either_side_rewrites_the_goals_and_the_version_grows():
    booking = _booking()
    first = set_goals(Goals(Pair.of(booking)), booking, STUDENT, "  Pass the midterm  ", 0, NOW)
    assert (first.text, first.version, first.updated_by, first.updated_at) == (
        "Pass the midterm", 1, STUDENT, NOW,
    )  # fmt: skip
    later = NOW + timedelta(hours=1)
    second = set_goals(first, booking, TUTOR, "Pass the midterm\nThen the final", 1, later)
    assert (second.text, second.version, second.updated_by) == (
        "Pass the midterm\nThen the final", 2, TUTOR,
    )  # fmt: skip


def test_goals_saved_over_a_version_the_editor_did_not_see_are_refused():
    booking = _booking()
    current = Goals(Pair.of(booking), "Tutor's goals", version=3, updated_by=TUTOR)
    with pytest.raises(ConflictError, match="goals_changed"):
        set_goals(current, booking, STUDENT, "Student's goals", 2, NOW)


def test_empty_goals_clear_them_and_oversized_goals_are_refused():
    booking = _booking()
    goals = Goals(Pair.of(booking), "Old", version=1)
    cleared = set_goals(goals, booking, STUDENT, " \u200b \n ", 1, NOW)
    assert (cleared.text, cleared.version) == ("", 2)
    assert len(set_goals(goals, booking, STUDENT, "g" * GOALS_MAX_LEN, 1, NOW).text) == 1000
    with pytest.raises(InputError) as caught:
        set_goals(goals, booking, STUDENT, "g" * (GOALS_MAX_LEN + 1), 1, NOW)
    assert (caught.value.field, caught.value.problem, caught.value.limit) == (
        "notes_goals", "too_long", GOALS_MAX_LEN,
    )  # fmt: skip


def test_a_note_carries_its_author_time_booking_and_cleaned_text():
    note = new_note(
        _booking(), TUTOR, "Covered\u200b limits\r\n\n\n\n\nNext: @everyone derivatives", NOW
    )
    assert (note.note_id, note.booking_id, note.author_id, note.created_at) == (0, 5, TUTOR, NOW)
    assert note.pair == Pair(1, STUDENT, TUTOR)
    assert note.text == "Covered limits\n\n\nNext: ＠everyone derivatives"


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "empty"), ("  \u200b\u202e ", "empty"), ("n" * (NOTE_MAX_LEN + 1), "too_long")],
)
def test_empty_and_oversized_notes_are_refused(text, problem):
    with pytest.raises(InputError) as caught:
        new_note(_booking(), STUDENT, text, NOW)
    assert (caught.value.field, caught.value.problem) == ("progress_note", problem)


def test_a_note_at_the_limit_is_kept_whole():
    assert len(new_note(_booking(), STUDENT, "n" * NOTE_MAX_LEN, NOW).text) == NOTE_MAX_LEN


def test_the_tutors_template_prefills_only_the_tutors_form_of_that_subject():
    booking = _booking()
    assert prefill_for(booking, TUTOR, _template()) == TEMPLATE
    assert prefill_for(booking, STUDENT, _template()) == ""
    assert prefill_for(booking, TUTOR, None) == ""
    assert prefill_for(booking, TUTOR, _template(subject_key="physics")) == ""
    assert prefill_for(booking, TUTOR, _template(tutor_id=22)) == ""


def test_a_note_that_is_the_untouched_template_is_refused_but_a_filled_one_is_kept():
    booking = _booking()
    with pytest.raises(ConflictError, match="note_is_template"):
        new_note(booking, TUTOR, TEMPLATE + "\n", NOW, template=TEMPLATE)
    filled = new_note(
        booking, TUTOR, TEMPLATE.replace("covered:", "covered: limits"), NOW, TEMPLATE
    )
    assert "limits" in filled.text


def test_a_tutor_sets_a_template_only_for_a_subject_they_teach():
    template = new_template(1, TUTOR, "calculus", " Goals:\nTopics: ", {"calculus"}, NOW)
    assert template == NoteTemplate(1, TUTOR, "calculus", "Goals:\nTopics:", NOW)
    with pytest.raises(ConflictError, match="template_subject_not_taught"):
        new_template(1, TUTOR, "physics", "Goals:", {"calculus"}, NOW)


def test_an_empty_template_means_none_and_an_oversized_one_is_refused():
    assert new_template(1, TUTOR, "calculus", " \n ", {"calculus"}, NOW).text == ""
    with pytest.raises(InputError) as caught:
        new_template(1, TUTOR, "calculus", "t" * (TEMPLATE_MAX_LEN + 1), {"calculus"}, NOW)
    assert (caught.value.field, caught.value.problem) == ("note_template", "too_long")
