"""The post-session survey through the bot: a DM to each side, one answer, not helpful → form."""

from __future__ import annotations

from bot import texts
from demo.journey import dm
from tests.bot.journeys import apply_as_tutor, onboard
from tests.bot.test_reviews import completed_session

SURVEY = "How did your"


def labels(message):
    return [label for label, _, _ in message.buttons]


async def test_both_sides_get_the_survey_and_answer_once(campus, clock) -> None:
    c = campus
    await completed_session(c, clock)
    student_survey = await dm(c, c.student, SURVEY)
    tutor_survey = await dm(c, c.tutor, SURVEY)
    assert labels(student_survey) == ["Helped", "Partially", "Not helpful"]

    helped = await c.emu.click(c.student, student_survey, label="Helped")
    assert helped.text == texts.SURVEY_THANKS
    again = await c.emu.click(c.student, student_survey, label="Partially")
    assert again.text == "Thanks, you already answered."
    stranger = await c.emu.click(c.member, student_survey, label="Helped")
    assert stranger.text == texts.SURVEY_NOT_YOURS
    tutor_answer = await c.emu.click(c.tutor, tutor_survey, label="Not helpful")
    assert tutor_answer.modal is None
    assert tutor_answer.text == texts.SURVEY_THANKS


async def test_not_helpful_asks_why_then_suggests_another_tutor(campus, clock) -> None:
    c = campus
    await onboard(c, c.member, "tutor", ["calculus"], level="advanced")
    await apply_as_tutor(c, c.member)
    await completed_session(c, clock)
    survey = await dm(c, c.student, SURVEY)

    form = await c.emu.click(c.student, survey, label="Not helpful")
    assert form.modal is not None
    assert form.modal.field("survey:reason").max_length == 300  # Discord enforces the limit
    done = await c.emu.submit_modal(c.student, form.modal, {"survey:reason": "Went too fast"})
    assert texts.SURVEY_SORRY in done.text
    assert f"**{c.member.name}**" in done.text
    assert f"**{c.tutor.name}**" not in done.text
    assert "/find" in done.text
    again = await c.emu.click(c.student, survey, label="Not helpful")
    assert again.modal is None
    assert again.text == "Thanks, you already answered."
