"""Bad input on every modal the bot shows, through the real bot on the local Discord emulator.

SPEC.md section 4, "Bad input": every modal field answers malformed, hostile or oversized
input with a clear message, never a traceback, and leaves no partial write behind. Each
test submits what Discord itself lets through (the emulator refuses, like Discord, what
fails a field's own required/min/max) and then reads the stored state back through the
services to show nothing changed.

The modals: the time zone form (`/start` → Other time zone), `/profile edit`, the
`/tutor apply` form, Leave review and Reply, the new-time form (Reschedule), the session
space's Report form, Edit goals / Add note / the notes template, the survey's "not
helpful" reason, and the moderator's Resolve form.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot import texts
from bot.flows import profile_edit, tutor_apply
from demo.journey import dm
from discord_emulator import InteractionResult
from marketplace.domain import cases, reviews
from marketplace.domain import notes as notes_rules
from marketplace.domain import profiles as profile_rules
from marketplace.domain import survey as survey_rules
from marketplace.domain.timezones import MAX_ZONE_INPUT
from marketplace.services import notes, profiles
from marketplace.services.actor import Actor
from tests.bot.journeys import apply_as_tutor, live_bookings, onboard
from tests.bot.test_notes import confirmed_session, notes_card, open_form
from tests.bot.test_reviews import completed_session, review_form
from tests.bot.test_session_spaces import _notice, _open, _space_channels

BIO = "I have tutored calculus for three years and love worked examples."
HOSTILE = "Hi\u200b \u202eevil\u2066 @everyone @here <@&1> **bold** `code`\x00\x07"
MAX_REPLY_CHARS = 300


def refused(result: InteractionResult, expected: str | None = None) -> str:
    """Assert a clear, short, private answer (no generic apology, no traceback); its text."""
    assert result.kind in ("message", "deferred"), (result.kind, result.text)
    assert result.ephemeral, result.text
    assert result.error is None, result.errors
    text = result.text
    assert text, "the user got an empty answer"
    assert texts.UNEXPECTED not in text
    assert "Traceback" not in text
    assert "Error" not in text
    assert len(text) <= MAX_REPLY_CHARS, text
    if expected is not None:
        assert expected in text, text
    return text


def is_clean(stored: str) -> bool:
    """No invisible, bidi or control characters, and no mass mention that would ping."""
    unsafe = ("\u200b", "\u202e", "\u2066", "\x00", "\x07")
    return not any(c in stored for c in unsafe) and "@everyone" not in stored


def actor(c, user) -> Actor:
    return Actor(c.guild.id, c.guild.name, user.id)


# --- /start → Other time zone ---------------------------------------------------------------


async def _zone_form(c, user):
    menu = await c.emu.slash(user, c.guild, "start")
    await c.emu.select(user, menu.message, custom_id="start:role", values=["student"])
    await c.emu.select(user, menu.message, custom_id="start:subjects", values=["calculus"])
    await c.emu.select(user, menu.message, custom_id="start:level", values=["beginner"])
    form = await c.emu.click(user, menu.message, custom_id="start:other_zone")
    assert form.modal is not None
    return menu.message, form.modal


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("   ", texts.ZONE_MISSING),
        ("Atlantis/Capital", "I don't know the time zone “Atlantis/Capital”"),
        ("../../etc/passwd", "I don't know the time zone"),
        ("@everyone <@&1>", "I don't know the time zone"),
        ("Mars/\u202eOlympus\x00", "The time zone has characters I can't use"),
        ("Europe/\u200bBerlin", "The time zone has characters I can't use"),
        ("x" * MAX_ZONE_INPUT, "I don't know the time zone"),
    ],
)
async def test_a_bad_time_zone_is_refused_and_the_wizard_keeps_none(
    campus, typed, expected
) -> None:
    c = campus
    menu, modal = await _zone_form(c, c.student)
    assert modal.field("zone").max_length == MAX_ZONE_INPUT
    text = refused(await c.emu.submit_modal(c.student, modal, {"zone": typed}), expected)
    assert "\x00" not in text
    assert "\u202e" not in text
    saved = await c.emu.click(c.student, menu, custom_id="start:save")
    assert "a time zone" in saved.text
    card = await profiles.view(profiles.ViewProfile(c.guild.id, c.student.id), c.runtime.services)
    assert card.member is None


async def test_someone_else_cannot_submit_my_time_zone_form(campus) -> None:
    c = campus
    menu, modal = await _zone_form(c, c.student)
    refused(await c.emu.submit_modal(c.member, modal, {"zone": "Asia/Tokyo"}), texts.FORM_NOT_YOURS)
    saved = await c.emu.click(c.student, menu, custom_id="start:save")
    assert "a time zone" in saved.text


# --- /profile edit --------------------------------------------------------------------------


async def test_profile_edit_limits_match_the_service(campus) -> None:
    c = campus
    await onboard(c, c.tutor, "both", ["calculus"])
    await apply_as_tutor(c, c.tutor, bio=BIO)
    modal = (await c.emu.slash(c.tutor, c.guild, "profile edit")).modal
    assert modal is not None
    assert modal.field("goals").max_length == profile_rules.GOALS_MAX
    assert modal.field("bio").max_length == profile_rules.BIO_MAX
    assert modal.field("rate").max_length == profile_edit.RATE_MAX_CHARS


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("twenty", "The rate should be a number"),
        ("   ", "The rate can't be empty"),
        ("1e9", "The rate should be a number"),
        ("NaN", "The rate should be a number"),
        ("0x1F", "The rate should be a number"),
        ("1000001", "The rate is out of range"),
        ("9" * profile_edit.RATE_MAX_CHARS, "The rate is out of range"),
        ("12.345", "The rate has too many decimal places"),
        ("€25", "different currency"),
        ("-0.01", "The rate can't be negative"),
        ("@everyone", "The rate should be a number"),
    ],
)
async def test_a_bad_rate_in_profile_edit_changes_nothing(campus, rate, expected) -> None:
    c = campus
    await onboard(c, c.tutor, "both", ["calculus"])
    await apply_as_tutor(c, c.tutor, bio=BIO)
    before = await profiles.view(profiles.ViewProfile(c.guild.id, c.tutor.id), c.runtime.services)
    modal = (await c.emu.slash(c.tutor, c.guild, "profile edit")).modal
    values = {
        "goals": "Brand new goals",
        "bio": "A brand new bio that must not be saved",
        "rate": rate,
    }
    refused(await c.emu.submit_modal(c.tutor, modal, values), expected)
    after = await profiles.view(profiles.ViewProfile(c.guild.id, c.tutor.id), c.runtime.services)
    assert after.tutor == before.tutor
    assert after.student == before.student


async def test_a_blank_bio_in_profile_edit_is_refused(campus) -> None:
    c = campus
    await onboard(c, c.tutor, "tutor", ["calculus"])
    await apply_as_tutor(c, c.tutor, bio=BIO)
    modal = (await c.emu.slash(c.tutor, c.guild, "profile edit")).modal
    assert modal.field("bio").required
    refused(
        await c.emu.submit_modal(c.tutor, modal, {"bio": " \u200b\n\t ", "rate": "30"}),
        "Your bio can't be empty",
    )
    card = await profiles.view(profiles.ViewProfile(c.guild.id, c.tutor.id), c.runtime.services)
    assert card.tutor.bio == BIO
    assert card.tutor.rate.minor == 2500


async def test_hostile_text_in_profile_edit_is_stored_clean(campus) -> None:
    c = campus
    await onboard(c, c.tutor, "tutor", ["calculus"])
    await apply_as_tutor(c, c.tutor, bio=BIO)
    modal = (await c.emu.slash(c.tutor, c.guild, "profile edit")).modal
    saved = await c.emu.submit_modal(c.tutor, modal, {"bio": HOSTILE, "rate": "25"})
    assert "Saved" in saved.text
    card = await profiles.view(profiles.ViewProfile(c.guild.id, c.tutor.id), c.runtime.services)
    assert is_clean(card.tutor.bio)
    assert "＠everyone" in card.tutor.bio


async def test_someone_else_cannot_submit_my_profile_form(campus) -> None:
    c = campus
    await onboard(c, c.tutor, "tutor", ["calculus"])
    await apply_as_tutor(c, c.tutor, bio=BIO)
    await onboard(c, c.member, "tutor", ["calculus"])
    await apply_as_tutor(c, c.member, bio=BIO)
    modal = (await c.emu.slash(c.tutor, c.guild, "profile edit")).modal
    values = {"bio": "Hijacked bio, long enough to count.", "rate": "1"}
    refused(await c.emu.submit_modal(c.member, modal, values), texts.FORM_NOT_YOURS)
    for user in (c.tutor, c.member):
        card = await profiles.view(profiles.ViewProfile(c.guild.id, user.id), c.runtime.services)
        assert card.tutor.bio == BIO


# --- /tutor apply ---------------------------------------------------------------------------


async def _apply_form(c, user):
    menu = await c.emu.slash(user, c.guild, "tutor apply")
    for custom_id, values in (
        ("apply:subjects", ["calculus"]),
        ("apply:level", ["advanced"]),
        ("apply:formats", ["text"]),
    ):
        await c.emu.select(user, menu.message, custom_id=custom_id, values=values)
    form = await c.emu.click(user, menu.message, custom_id="apply:continue")
    assert form.modal is not None
    return form.modal


async def test_tutor_apply_limits_match_the_service(campus) -> None:
    c = campus
    modal = await _apply_form(c, c.member)
    assert modal.field("bio").max_length == profile_rules.BIO_MAX
    assert modal.field("rate").max_length == tutor_apply.RATE_MAX_CHARS
    assert modal.field("not_teaching").max_length == tutor_apply.NOT_TEACHING_MAX_CHARS


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"rate": " ", "bio": BIO}, "The rate can't be empty"),
        ({"rate": "0.5.5", "bio": BIO}, "The rate should be a number"),
        ({"rate": "99999999", "bio": BIO}, "The rate is out of range"),
        ({"rate": "(5)", "bio": BIO}, "The rate can't be negative"),
        ({"rate": "20", "bio": "\u200b \u202e \x00"}, "Your bio can't be empty"),
        ({"rate": "20", "bio": BIO, "not_teaching": "@everyone, <@&1>"}, "isn't one of"),
        ({"rate": "20", "bio": BIO, "not_teaching": "Calculus"}, "leaves no subject to teach"),
        ({"rate": "20", "bio": BIO, "not_teaching": ",".join(["x"] * 150)}, "isn't one of"),
    ],
)
async def test_a_bad_tutor_application_writes_nothing(campus, values, expected) -> None:
    c = campus
    await onboard(c, c.member, "student", ["calculus"])
    modal = await _apply_form(c, c.member)
    refused(await c.emu.submit_modal(c.member, modal, values), expected)
    card = await profiles.view(profiles.ViewProfile(c.guild.id, c.member.id), c.runtime.services)
    assert card.tutor is None
    assert card.member.role == "student"


async def test_someone_else_cannot_submit_my_tutor_application(campus) -> None:
    c = campus
    modal = await _apply_form(c, c.member)
    result = await c.emu.submit_modal(c.tutor, modal, {"rate": "5", "bio": BIO})
    refused(result, texts.FORM_NOT_YOURS)
    for user in (c.member, c.tutor):
        card = await profiles.view(profiles.ViewProfile(c.guild.id, user.id), c.runtime.services)
        assert card.tutor is None


# --- Leave review and Reply -----------------------------------------------------------------


async def _stored_review(c, booking_id, user):
    async with c.runtime.services.uow(read_only=True) as uow:
        return await uow.reviews.of_booking(booking_id, user.id)


@pytest.mark.parametrize(
    ("stars", "aspects", "expected"),
    [
        ([], [], "The star rating isn't one of the options"),
        (["0"], [], "The star rating isn't one of the options"),
        (["-1"], [], "The star rating isn't one of the options"),
        (["5.0"], [], "The star rating isn't one of the options"),
        (["99999999999999999999"], [], "The star rating isn't one of the options"),
        (["5"], ["prepared"], "The ratings isn't one of the options"),
        (["5"], ["on_time", "'; DROP TABLE review; --"], "The ratings isn't one of the options"),
    ],
)
async def test_a_forged_review_writes_nothing(campus, clock, stars, aspects, expected) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    modal = await review_form(c, booking_id)
    assert modal.field("review:text").max_length == reviews.TEXT_MAX_LEN
    values = {"review:stars": stars, "review:aspects": aspects, "review:text": "Great"}
    refused(await c.emu.submit_modal(c.student, modal, values), expected)
    assert await _stored_review(c, booking_id, c.student) is None


async def test_hostile_review_text_is_stored_clean(campus, clock) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    modal = await review_form(c, booking_id)
    values = {"review:stars": ["4"], "review:aspects": [], "review:text": HOSTILE}
    saved = await c.emu.submit_modal(c.student, modal, values)
    assert "Your review of" in saved.text
    stored = await _stored_review(c, booking_id, c.student)
    assert is_clean(stored.content.text)


async def test_a_stranger_cannot_submit_someone_elses_review_form(campus, clock) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    modal = await review_form(c, booking_id)
    values = {"review:stars": ["1"], "review:aspects": [], "review:text": "Awful"}
    refused(await c.emu.submit_modal(c.member, modal, values))
    assert await _stored_review(c, booking_id, c.member) is None
    assert await _stored_review(c, booking_id, c.student) is None
    saved = await c.emu.submit_modal(c.student, modal, {**values, "review:stars": ["5"]})
    assert "Your review of" in saved.text


async def _reply_form(c, booking_id):
    modal = await review_form(c, booking_id)
    values = {"review:stars": ["5"], "review:aspects": [], "review:text": "Clear."}
    await c.emu.submit_modal(c.student, modal, values)
    shown = await c.emu.slash(c.tutor, c.guild, "review", booking=booking_id)
    form = await c.emu.click(c.tutor, shown.message, label="Reply")
    assert form.modal is not None
    assert form.modal.field("review:reply").max_length == reviews.REPLY_MAX_LEN
    return form.modal


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        ("tutor", "\u200b\u2066 \x00\n\n", "Your reply can't be empty"),
        ("tutor", "You idiot", None),
        ("member", "Thanks!", texts.FORM_NOT_YOURS),
        ("student", "I reply to my own review", texts.FORM_NOT_YOURS),
    ],
)
async def test_a_bad_reply_writes_nothing(campus, clock, user, text, expected) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    modal = await _reply_form(c, booking_id)
    refused(await c.emu.submit_modal(getattr(c, user), modal, {"review:reply": text}), expected)
    stored = await _stored_review(c, booking_id, c.student)
    assert stored.reply == ""
    assert stored.replied_at is None


# --- Reschedule (new time) ------------------------------------------------------------------


async def _reschedule_form(c, user, booking):
    listing = await c.emu.slash(user, c.guild, "bookings")
    form = await c.emu.click(
        user, listing.message, custom_id=f"manage:resched:{c.guild.id}:{booking.booking_id}"
    )
    assert form.modal is not None, form.text
    return form.modal


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("   ", None),
        ("whenever I feel like it", "I couldn't read that time"),
        ("yesterday at 3pm", "That time has already passed"),
        ("in 400 days at 3pm", "You can book up to"),
        ("in 30 minutes", "Sessions need at least"),
        ("@everyone \x00\u202e", None),
        ("9" * 100, None),
    ],
)
async def test_a_bad_new_time_moves_nothing(campus, when, expected) -> None:
    c = campus
    booking = await confirmed_session(c)
    modal = await _reschedule_form(c, c.student, booking)
    assert modal.field("when").max_length == 100
    result = await c.emu.submit_modal(c.student, modal, {"when": when})
    refused(result, expected)
    assert result.message.buttons == []
    [after] = await live_bookings(c, c.student)
    assert (after.start, after.proposed_start) == (booking.start, None)


async def test_someone_else_cannot_submit_my_new_time_form(campus) -> None:
    c = campus
    booking = await confirmed_session(c)
    modal = await _reschedule_form(c, c.student, booking)
    result = await c.emu.submit_modal(c.member, modal, {"when": "in 3 days at 11am"})
    refused(result, texts.FORM_NOT_YOURS)
    [after] = await live_bookings(c, c.student)
    assert after.proposed_start is None


async def test_a_stranger_pressing_reschedule_is_refused_at_the_form(campus) -> None:
    c = campus
    booking = await confirmed_session(c)
    await onboard(c, c.member, "student", ["calculus"])
    listing = await c.emu.slash(c.student, c.guild, "bookings")
    form = await c.emu.click(
        c.member, listing.message, custom_id=f"manage:resched:{c.guild.id}:{booking.booking_id}"
    )
    assert form.modal is not None, form.text
    result = await c.emu.submit_modal(c.member, form.modal, {"when": "in 3 days at 11am"})
    refused(result, texts.NEEDS["owner"])
    assert result.message.buttons == []
    [after] = await live_bookings(c, c.student)
    assert after.proposed_start is None


async def test_a_stranger_is_refused_before_the_new_time_is_echoed(campus) -> None:
    c = campus
    booking = await confirmed_session(c)
    await onboard(c, c.member, "student", ["calculus"])
    result = await c.emu.slash(
        c.member, c.guild, "reschedule", booking=booking.booking_id, when="in 3 days at 11am"
    )
    refused(result, texts.NEEDS["owner"])


# --- Report (session space and profile card) ------------------------------------------------


async def _session_report_form(c, clock):
    await c.emu.slash(
        c.admin, c.guild, "admin config", setting="sessions_channel", value=f"<#{c.sessions.id}>"
    )
    booking = await confirmed_session(c)
    await _open(c, clock, booking)
    [thread], _ = _space_channels(c)
    form = await c.emu.click(c.student, _notice(c, thread), label="Report")
    assert form.modal is not None
    assert form.modal.field("report:reason").max_length == cases.REASON_MAX_LEN
    return booking, form.modal


async def _profile_report_form(c, user, target):
    card = await c.emu.slash(user, c.guild, "profile view", user=target)
    form = await c.emu.click(user, card.message, label="Report")
    assert form.modal is not None, form.text
    assert form.modal.field("report:reason").max_length == cases.REASON_MAX_LEN
    return form.modal


async def _open_cases(c):
    async with c.runtime.services.uow(read_only=True) as uow:
        return await uow.cases.open_cases(c.guild.id, limit=10, offset=0)


@pytest.mark.parametrize(
    ("user", "reason", "expected"),
    [
        ("student", " \u200b\n\u2066 \x00", "The reason can't be empty"),
        ("member", "Rude.", texts.FORM_NOT_YOURS),
        ("tutor", "I report myself", texts.FORM_NOT_YOURS),
    ],
)
async def test_a_bad_session_report_opens_no_case(campus, clock, user, reason, expected) -> None:
    c = campus
    _, modal = await _session_report_form(c, clock)
    result = await c.emu.submit_modal(getattr(c, user), modal, {"report:reason": reason})
    refused(result, expected)
    assert await _open_cases(c) == []


@pytest.mark.parametrize(
    ("user", "reason", "expected"),
    [
        ("member", "\u200b\u2066\t\x00 ", "The reason can't be empty"),
        ("tutor", "I report myself", texts.FORM_NOT_YOURS),
        ("student", "Rude.", texts.FORM_NOT_YOURS),
    ],
)
async def test_a_bad_profile_report_opens_no_case(campus, user, reason, expected) -> None:
    c = campus
    await onboard(c, c.tutor, "tutor", ["calculus"])
    await apply_as_tutor(c, c.tutor, bio=BIO)
    modal = await _profile_report_form(c, c.member, c.tutor)
    result = await c.emu.submit_modal(getattr(c, user), modal, {"report:reason": reason})
    refused(result, expected)
    assert await _open_cases(c) == []


async def test_a_hostile_report_is_stored_clean(campus, clock) -> None:
    c = campus
    _, modal = await _session_report_form(c, clock)
    thanks = await c.emu.submit_modal(c.student, modal, {"report:reason": HOSTILE})
    assert "your report #1" in thanks.text
    [case] = await _open_cases(c)
    assert is_clean(case.reason)


async def test_two_people_reporting_the_same_user_at_once_each_get_their_case(
    campus, clock
) -> None:
    c = campus
    booking, from_session = await _session_report_form(c, clock)
    from_profile = await _profile_report_form(c, c.member, c.tutor)
    first = await c.emu.submit_modal(c.student, from_session, {"report:reason": "Rude."})
    assert "your report #1" in first.text
    second = await c.emu.submit_modal(c.member, from_profile, {"report:reason": "Spam."})
    assert "your report #2" in second.text
    stored = {(x.reporter_id, x.target_id, x.booking_id) for x in await _open_cases(c)}
    assert stored == {
        (c.student.id, c.tutor.id, booking.booking_id),
        (c.member.id, c.tutor.id, None),
    }


# --- notes: Edit goals, Add note, the template ----------------------------------------------


async def test_notes_form_limits_match_the_service(campus) -> None:
    c = campus
    booking = await confirmed_session(c)
    card = await notes_card(c, c.tutor, booking.booking_id)
    goals = await open_form(c, c.tutor, card, texts.NOTES_EDIT_GOALS_LABEL)
    assert goals.field("notes:goals").max_length == notes_rules.GOALS_MAX_LEN
    note = await open_form(c, c.tutor, card, texts.NOTES_ADD_LABEL)
    assert note.field("notes:text").max_length == notes_rules.NOTE_MAX_LEN
    template = (await c.emu.slash(c.tutor, c.guild, "notes-template", subject="calculus")).modal
    assert template.field("notes:template").max_length == notes_rules.TEMPLATE_MAX_LEN


async def _notes_state(c, booking):
    card = await notes.open_notes(
        notes.OpenNotes(actor(c, c.student), booking.booking_id), c.runtime.services
    )
    return card.goals, card.total


async def test_a_stranger_cannot_submit_the_notes_forms(campus) -> None:
    c = campus
    booking = await confirmed_session(c)
    card = await notes_card(c, c.student, booking.booking_id)
    before = await _notes_state(c, booking)
    goals = await open_form(c, c.student, card, texts.NOTES_EDIT_GOALS_LABEL)
    refused(await c.emu.submit_modal(c.member, goals, {"notes:goals": "Hijacked"}))
    note = await open_form(c, c.student, card, texts.NOTES_ADD_LABEL)
    refused(await c.emu.submit_modal(c.member, note, {"notes:text": "Hijacked"}))
    assert await _notes_state(c, booking) == before
    saved = await c.emu.submit_modal(c.student, goals, {"notes:goals": "Mine"})
    assert texts.NOTES_GOALS_SAVED in saved.text


async def test_hostile_notes_are_stored_clean(campus) -> None:
    c = campus
    booking = await confirmed_session(c)
    card = await notes_card(c, c.student, booking.booking_id)
    goals = await open_form(c, c.student, card, texts.NOTES_EDIT_GOALS_LABEL)
    await c.emu.submit_modal(c.student, goals, {"notes:goals": HOSTILE})
    note = await open_form(c, c.student, card, texts.NOTES_ADD_LABEL)
    await c.emu.submit_modal(c.student, note, {"notes:text": HOSTILE})
    stored = await notes.open_notes(
        notes.OpenNotes(actor(c, c.student), booking.booking_id), c.runtime.services
    )
    assert is_clean(stored.goals.text)
    assert [is_clean(n.text) for n in stored.notes] == [True]


async def test_a_bad_template_writes_nothing(campus) -> None:
    c = campus
    await confirmed_session(c)
    form = (await c.emu.slash(c.tutor, c.guild, "notes-template", subject="calculus")).modal
    refused(await c.emu.submit_modal(c.member, form, {"notes:template": "Hijacked"}))
    refused(await c.emu.submit_modal(c.student, form, {"notes:template": "Hijacked"}))
    prompt = await notes.open_template(
        notes.OpenTemplate(actor(c, c.tutor), "calculus"), c.runtime.services
    )
    assert prompt.text == ""
    saved = await c.emu.submit_modal(c.tutor, form, {"notes:template": HOSTILE})
    assert "Template saved" in saved.text
    prompt = await notes.open_template(
        notes.OpenTemplate(actor(c, c.tutor), "calculus"), c.runtime.services
    )
    assert is_clean(prompt.text)


# --- the survey's "not helpful" reason ------------------------------------------------------


async def _survey_reason_form(c, clock):
    booking_id = await completed_session(c, clock)
    survey = await dm(c, c.student, "How did your")
    form = await c.emu.click(c.student, survey, label="Not helpful")
    assert form.modal is not None
    assert form.modal.field("survey:reason").max_length == survey_rules.REASON_MAX_LEN
    return booking_id, survey, form.modal


async def _answer_of(c, booking_id, user):
    async with c.runtime.services.uow(read_only=True) as uow:
        return await uow.surveys.of_booking(booking_id, user.id)


@pytest.mark.parametrize("user", ["member", "tutor"])
async def test_someone_else_cannot_answer_with_my_survey_form(campus, clock, user) -> None:
    c = campus
    booking_id, _, modal = await _survey_reason_form(c, clock)
    other = getattr(c, user)
    refused(await c.emu.submit_modal(other, modal, {"survey:reason": "Hijacked"}))
    assert await _answer_of(c, booking_id, other) is None
    assert await _answer_of(c, booking_id, c.student) is None
    done = await c.emu.submit_modal(c.student, modal, {"survey:reason": "Too fast"})
    assert texts.SURVEY_SORRY in done.text


async def test_a_hostile_survey_reason_is_stored_clean(campus, clock) -> None:
    c = campus
    booking_id, _, modal = await _survey_reason_form(c, clock)
    done = await c.emu.submit_modal(c.student, modal, {"survey:reason": HOSTILE})
    assert texts.SURVEY_SORRY in done.text
    answer = await _answer_of(c, booking_id, c.student)
    assert is_clean(answer.reason)


# --- the moderator's Resolve ----------------------------------------------------------------


async def _resolve_form(c, moderator=None):
    moderator = moderator or c.admin
    await c.emu.slash(c.student, c.guild, "report", target=c.tutor, reason="Off-platform pay")
    queue = await c.emu.slash(moderator, c.guild, "mod queue")
    form = await c.emu.click(moderator, queue.message, custom_id=f"case:resolve:{c.guild.id}:1")
    assert form.modal is not None
    assert form.modal.field("case:note").max_length == cases.NOTE_MAX_LEN
    return queue.message, form.modal


async def _count_open(c):
    async with c.runtime.services.uow(read_only=True) as uow:
        return await uow.cases.count_open(c.guild.id)


@pytest.mark.parametrize(
    ("user", "values", "expected"),
    [
        ("admin", {"case:action": []}, "The action"),
        ("admin", {"case:action": ["warned", "restricted"]}, "The action isn't one of"),
        ("admin", {"case:action": ["ban"]}, "The action isn't one of the options"),
        ("admin", {"case:action": ["warned"], "case:note": "\u200b\n \x00"}, None),
        ("member", {"case:action": ["no_action"]}, texts.FORM_NOT_YOURS),
        ("student", {"case:action": ["no_action"]}, texts.FORM_NOT_YOURS),
    ],
)
async def test_a_bad_resolution_leaves_the_case_open(campus, user, values, expected) -> None:
    c = campus
    _, modal = await _resolve_form(c)
    result = await c.emu.submit_modal(getattr(c, user), modal, values)
    if expected is None:  # a blank note is optional: the case closes with no note
        assert "Case #1 resolved" in result.text
        async with c.runtime.services.uow(read_only=True) as uow:
            assert (await uow.cases.get(c.guild.id, 1)).note == ""
        return
    refused(result, expected)
    assert await _count_open(c) == 1


async def _make_moderator(c, user):
    await c.emu.slash(
        c.admin, c.guild, "admin config", setting="moderator_role", value=f"<@&{c.moderators.id}>"
    )
    c.emu.add_member(c.guild, user, roles=[c.moderators])


async def test_a_moderator_who_lost_the_role_cannot_resolve_with_an_open_form(campus) -> None:
    c = campus
    await _make_moderator(c, c.member)
    _, modal = await _resolve_form(c, c.member)
    await c.emu.slash(c.admin, c.guild, "admin config", setting="moderator_role", value="none")
    result = await c.emu.submit_modal(c.member, modal, {"case:action": ["no_action"]})
    refused(result, texts.NEEDS["moderator"])
    assert await _count_open(c) == 1


async def test_a_hostile_resolution_note_is_stored_clean(campus) -> None:
    c = campus
    _, modal = await _resolve_form(c)
    values = {"case:action": ["warned"], "case:note": HOSTILE}
    done = await c.emu.submit_modal(c.admin, modal, values)
    assert "Case #1 resolved" in done.text
    async with c.runtime.services.uow(read_only=True) as uow:
        case = await uow.cases.get(c.guild.id, 1)
    assert is_clean(case.note)


async def test_two_moderators_resolving_at_once_get_a_clear_answer(campus) -> None:
    c = campus
    await _make_moderator(c, c.member)
    queue, admin_form = await _resolve_form(c)
    member_form = (
        await c.emu.click(c.member, queue, custom_id=f"case:resolve:{c.guild.id}:1")
    ).modal
    done = await c.emu.submit_modal(c.member, member_form, {"case:action": ["warned"]})
    assert "Case #1 resolved" in done.text
    late = await c.emu.submit_modal(c.admin, admin_form, {"case:action": ["no_action"]})
    refused(late, "already")
    assert await _count_open(c) == 0


# --- every form ------------------------------------------------------------------------------


async def test_a_form_sent_twice_or_forged_is_answered_as_expired(campus) -> None:
    c = campus
    await onboard(c, c.student, "student", ["calculus"])
    modal = (await c.emu.slash(c.student, c.guild, "profile edit")).modal
    saved = await c.emu.submit_modal(c.student, modal, {"goals": "Pass the midterm"})
    assert "Saved" in saved.text
    again = await c.emu.submit_modal(c.student, modal, {"goals": "Overwritten"})
    refused(again, texts.FORM_EXPIRED)
    forged = dataclasses.replace(modal, custom_id="case:modal:1:1")
    refused(await c.emu.submit_modal(c.student, forged, {"goals": "Forged"}), texts.FORM_EXPIRED)
    card = await profiles.view(profiles.ViewProfile(c.guild.id, c.student.id), c.runtime.services)
    assert card.student.goals == "Pass the midterm"


async def test_text_that_grows_when_normalised_is_refused_clearly(campus, clock) -> None:
    c = campus
    booking_id = await completed_session(c, clock)
    modal = await review_form(c, booking_id)
    grows = "\u0958" * reviews.TEXT_MAX_LEN  # within the form's limit; NFC doubles it
    values = {"review:stars": ["4"], "review:aspects": [], "review:text": grows}
    refused(await c.emu.submit_modal(c.student, modal, values), "Your comment is too long")
    assert await _stored_review(c, booking_id, c.student) is None


def test_every_form_is_opened_through_open_form() -> None:
    """`open_form` records the opener, so a form submitted by anyone else is refused."""
    root = Path(__file__).resolve().parents[2] / "bot"
    raw = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if path.name != "base.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "send_modal(" in line
    ]
    assert raw == [], "open forms with bot.flows.base.open_form"
