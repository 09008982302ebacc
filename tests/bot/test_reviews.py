"""Reviews through the bot: both sides' Leave review and /review, editing, replies, held text."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import texts
from demo.journey import dm, seen
from tests.bot.journeys import (
    completed_session,
    confirmed_session,
    request_first_slot,
)


async def review_form(c, booking_id, user=None):
    form = await c.emu.slash(user or c.student, c.guild, "review", booking=booking_id)
    assert form.modal is not None, form.text
    return form.modal


async def submit(
    c, modal, stars="5", aspects=("on_time", "would_book_again"), text="", *, user=None
):
    values = {"review:stars": [stars], "review:aspects": list(aspects), "review:text": text}
    return await c.emu.submit_modal(user or c.student, modal, values)


async def submit_as_tutor(c, modal, stars="4", aspects=("prepared", "respectful"), text=""):
    return await submit(c, modal, stars, aspects, text, user=c.tutor)


def _components(items):
    for item in items:
        yield item
        yield from _components(item.get("components", []))
        if "component" in item:
            yield from _components([item["component"]])


def offered_aspects(modal):
    """The values the ratings select of a review modal offers."""
    [select] = [c for c in _components(modal.components) if c.get("custom_id") == "review:aspects"]
    return [option["value"] for option in select["options"]]


def labels(message):
    return [label for label, _, _ in message.buttons]


async def test_a_review_is_refused_before_the_session_is_completed(campus) -> None:
    booking = await confirmed_session(campus)
    result = await campus.emu.slash(
        campus.student, campus.guild, "review", booking=booking.booking_id
    )
    assert result.modal is None
    assert result.text == "You can review a session once it has been completed."


async def test_leave_review_button_then_the_tutor_replies_once(campus, clock) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    past = await c.emu.slash(c.student, c.guild, "bookings", scope="past")
    form = await c.emu.click(c.student, past.message, label="Leave review")
    assert form.modal is not None
    saved = await submit(c, form.modal, "4", text="Patient and clear.")
    assert "Your review of" in saved.text
    assert "until" in saved.text
    note = await dm(c, c.tutor, "New review")
    assert "Reply" in [label for label, _, _ in note.buttons]

    shown = await c.emu.slash(c.tutor, c.guild, "review", booking=booking_id)
    assert "★★★★☆" in shown.text
    assert "Patient and clear." in shown.text
    reply_form = await c.emu.click(c.tutor, shown.message, label="Reply")
    assert reply_form.modal is not None
    posted = await c.emu.submit_modal(
        c.tutor, reply_form.modal, {"review:reply": "Thanks, good luck!"}
    )
    assert posted.text == texts.REPLY_SAVED
    again = await c.emu.click(c.tutor, note, label="Reply")
    assert again.modal is None
    assert "already replied" in again.text
    after = await c.emu.slash(c.tutor, c.guild, "review", booking=booking_id)
    assert "Thanks, good luck!" in after.text
    assert "Reply" not in [label for label, _, _ in after.message.buttons]


async def test_review_by_command_then_edit_within_24h_then_locked(campus, clock) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    choices = await c.emu.autocomplete(c.student, c.guild, "review", focused="booking")
    assert [choice["value"] for choice in choices] == [booking_id]
    saved = await submit(c, await review_form(c, booking_id))
    assert "Your review of" in saved.text

    clock.set(clock.now() + timedelta(hours=23))
    modal = await review_form(c, booking_id)
    assert "Edit your review" in modal.title
    updated = await submit(c, modal, "2", aspects=(), text="On reflection, rushed.")
    assert "Updated" in updated.text
    shown = await c.emu.slash(c.tutor, c.guild, "review", booking=booking_id)
    assert "★★☆☆☆" in shown.text

    clock.set(clock.now() + timedelta(hours=2))
    locked = await c.emu.slash(c.student, c.guild, "review", booking=booking_id)
    assert locked.modal is None
    assert "can no longer be edited" in locked.text


async def test_a_second_review_of_the_same_session_is_refused(campus, clock) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    first, second = await review_form(c, booking_id), await review_form(c, booking_id)
    assert "Your review of" in (await submit(c, first)).text
    refused = await submit(c, second, "1")
    assert "already reviewed" in refused.text
    shown = await c.emu.slash(c.tutor, c.guild, "review", booking=booking_id)
    assert "★★★★★" in shown.text


async def test_strangers_cannot_open_the_form(campus, clock) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    stranger = await c.emu.slash(c.member, c.guild, "review", booking=booking_id)
    assert stranger.modal is None
    assert stranger.text == texts.NEEDS["owner"]


async def test_abusive_text_is_held_until_a_moderator_releases_it(campus, clock) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    held = await submit(c, await review_form(c, booking_id), text="What an idiot")
    assert held.text == texts.REVIEW_HELD
    tutor_view = await c.emu.slash(c.tutor, c.guild, "review", booking=booking_id)
    assert tutor_view.text.startswith(texts.REVIEW_HELD_FOR_REVIEWEE)
    assert labels(tutor_view.message) == ["Leave review"]  # no Reply to a held review
    queue = await c.emu.slash(c.admin, c.guild, "mod queue")
    assert f"Held review on booking #{booking_id}" in queue.text
    refused = await c.emu.slash(c.member, c.guild, "mod release", booking=booking_id)
    assert refused.text == texts.NEEDS["moderator"]
    released = await c.emu.slash(c.admin, c.guild, "mod release", booking=booking_id)
    assert "released" in released.text
    shown = await c.emu.slash(c.tutor, c.guild, "review", booking=booking_id)
    assert "What an idiot" in shown.text


async def test_bad_input_on_the_review_modal_is_refused(campus, clock) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    forged = await submit(c, await review_form(c, booking_id), stars="9")
    assert "The star rating isn't one of the options" in forged.text
    forged = await submit(c, await review_form(c, booking_id), aspects=("bribed_me",))
    assert "The ratings isn't one of the options" in forged.text
    with pytest.raises(ValueError, match="at most"):
        await submit(c, await review_form(c, booking_id), text="x" * 1001)
    blank = await submit(c, await review_form(c, booking_id), text=" \u200b ")
    assert "Your review of" in blank.text
    reply_form = await c.emu.slash(c.tutor, c.guild, "review", booking=booking_id)
    modal = (await c.emu.click(c.tutor, reply_form.message, label="Reply")).modal
    empty = await c.emu.submit_modal(c.tutor, modal, {"review:reply": " \u200b "})
    assert "Your reply can't be empty" in empty.text


async def test_the_tutor_is_refused_before_the_session_is_completed(campus) -> None:
    booking = await confirmed_session(campus)
    listing = await campus.emu.slash(campus.tutor, campus.guild, "bookings")
    assert "Leave review" not in labels(listing.message)
    result = await campus.emu.slash(
        campus.tutor, campus.guild, "review", booking=booking.booking_id
    )
    assert result.modal is None
    assert result.text == "You can review a session once it has been completed."


async def test_the_tutor_reviews_the_student_who_replies_once(campus, clock) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    past = await c.emu.slash(c.tutor, c.guild, "bookings", scope="past")
    form = await c.emu.click(c.tutor, past.message, label="Leave review")
    assert form.modal is not None
    assert offered_aspects(form.modal) == ["on_time", "prepared", "respectful", "would_teach_again"]
    saved = await submit_as_tutor(c, form.modal, text="Came with questions ready.")
    assert f"Your review of @{c.student.name} is saved" in saved.text
    note = await dm(c, c.student, "New review")
    assert "Reply" in labels(note)

    shown = await c.emu.slash(c.student, c.guild, "review", booking=booking_id)
    assert shown.modal is None
    assert "★★★★☆" in shown.text
    assert "✅ Came prepared" in shown.text
    assert "❌ I'd teach them again" in shown.text
    assert "Came with questions ready." in shown.text
    assert labels(shown.message) == ["Reply", "Leave review"]
    reply_form = await c.emu.click(c.student, shown.message, label="Reply")
    posted = await c.emu.submit_modal(
        c.student, reply_form.modal, {"review:reply": "Thanks, see you next week."}
    )
    assert posted.text == texts.REPLY_SAVED
    again = await c.emu.click(c.student, note, label="Reply")
    assert again.modal is None
    assert "already replied" in again.text
    after = await c.emu.slash(c.student, c.guild, "review", booking=booking_id)
    assert "**Student's reply:** Thanks, see you next week." in after.text
    assert labels(after.message) == ["Leave review"]

    student_form = await c.emu.click(c.student, after.message, label="Leave review")
    assert offered_aspects(student_form.modal) == [
        "on_time", "explained_clearly", "helped_understand", "would_book_again"
    ]  # fmt: skip
    assert "Your review of" in (await submit(c, student_form.modal)).text
    tutor_view = await c.emu.slash(c.tutor, c.guild, "review", booking=booking_id)
    assert "✅ On time" in tutor_view.text
    assert "Explained clearly" in tutor_view.text


async def test_the_tutor_reviews_once_then_edits_within_24h(campus, clock) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    choices = await c.emu.autocomplete(c.tutor, c.guild, "review", focused="booking")
    assert [choice["value"] for choice in choices] == [booking_id]
    first = await review_form(c, booking_id, c.tutor)
    second = await review_form(c, booking_id, c.tutor)
    assert "Your review of" in (await submit_as_tutor(c, first)).text
    refused = await submit_as_tutor(c, second, "1")
    assert "already reviewed" in refused.text
    forged = await submit_as_tutor(
        c, await review_form(c, booking_id, c.tutor), aspects=("explained_clearly",)
    )
    assert "The ratings isn't one of the options" in forged.text

    clock.set(clock.now() + timedelta(hours=23))
    modal = await review_form(c, booking_id, c.tutor)
    assert "Edit your review" in modal.title
    updated = await submit_as_tutor(c, modal, "2", aspects=("on_time",), text="Unprepared.")
    assert "Updated" in updated.text
    shown = await c.emu.slash(c.student, c.guild, "review", booking=booking_id)
    assert "★★☆☆☆" in shown.text
    clock.set(clock.now() + timedelta(hours=2))
    locked = await c.emu.slash(c.tutor, c.guild, "review", booking=booking_id)
    assert "can no longer be edited" in locked.text


async def test_an_abusive_review_of_the_student_is_held_until_released(campus, clock) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    form = await review_form(c, booking_id, c.tutor)
    held = await submit_as_tutor(c, form, text="Lazy loser")
    assert held.text == texts.REVIEW_HELD
    student_view = await c.emu.slash(c.student, c.guild, "review", booking=booking_id)
    assert student_view.text.startswith(texts.REVIEW_HELD_FOR_REVIEWEE)
    queue = await c.emu.slash(c.admin, c.guild, "mod queue")
    assert f"Held review on booking #{booking_id}" in queue.text
    released = await c.emu.slash(c.admin, c.guild, "mod release", booking=booking_id)
    assert "released" in released.text
    shown = await c.emu.slash(c.student, c.guild, "review", booking=booking_id)
    assert "Lazy loser" in shown.text
    assert "Reply" in labels(shown.message)


async def test_the_next_request_shows_the_tutor_what_tutors_said_of_the_student(
    campus, clock
) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    await submit_as_tutor(c, await review_form(c, booking_id, c.tutor))
    old = seen(c, c.tutor)
    await request_first_slot(c)
    request = await dm(c, c.tutor, "New session request", old=old)
    assert "Past tutors' reviews of this student: 1, too few for a rating yet" in request.text
    assert labels(request)[:2] == ["Accept", "Decline"]
