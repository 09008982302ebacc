"""The post-session survey: three persistent buttons on the survey DM, and a reason form.

Each custom_id carries the answer, the guild and the booking, so the buttons keep working
after a restart. The student's **Not helpful** first asks for an optional reason, then
suggests other tutors of the same subject.
"""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot import texts
from bot.actors import actor_for
from bot.flows.base import BookingModal, PersistentButton, open_form, paragraph, services_of
from marketplace.domain.survey import REASON_MAX_LEN, Answer
from marketplace.services import survey
from marketplace.services.survey import AnswerSurvey, PreviewAnswer, SurveyAnswered

STYLES = {
    Answer.HELPED: discord.ButtonStyle.success,
    Answer.PARTIALLY: discord.ButtonStyle.secondary,
    Answer.NOT_HELPFUL: discord.ButtonStyle.danger,
}


def answered_text(answered: SurveyAnswered) -> str:
    """The thanks; after the student's "not helpful", other tutors to try."""
    if not answered.suggests_tutors:
        return texts.SURVEY_THANKS
    if not answered.suggestions:
        return f"{texts.SURVEY_SORRY}\n{texts.SURVEY_FIND_HINT}"
    names = texts.human_join([f"**{hit.name}**" for hit in answered.suggestions])
    return "\n".join(
        (texts.SURVEY_SORRY, texts.SURVEY_SUGGESTIONS.format(names=names), texts.SURVEY_FIND_HINT)
    )


async def _answer_and_thank(interaction: discord.Interaction, cmd: AnswerSurvey) -> None:
    """Store the answer, then thank the caller (or suggest other tutors)."""
    answered = await survey.answer(cmd, services_of(interaction))
    await interaction.response.send_message(answered_text(answered), ephemeral=True)


class SurveyReasonModal(BookingModal):
    """The optional reason behind a student's "not helpful"."""

    def __init__(self, guild_id: int, booking_id: int) -> None:
        super().__init__(guild_id, booking_id, texts.SURVEY_REASON_TITLE)
        self.reason: discord.ui.TextInput[SurveyReasonModal] = paragraph(
            label=texts.SURVEY_REASON_LABEL,
            custom_id="survey:reason",
            placeholder=texts.SURVEY_REASON_PLACEHOLDER,
            max_length=REASON_MAX_LEN,
            required=False,
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Store "not helpful" with the reason, then suggest other tutors."""
        cmd = AnswerSurvey(
            self.actor(interaction), self.booking_id, Answer.NOT_HELPFUL.value, self.reason.value
        )
        await _answer_and_thank(interaction, cmd)


class SurveyButton(
    PersistentButton,
    template=r"survey:(?P<answer>helped|partially|not_helpful):(?P<guild>\d+):(?P<id>\d+)",
):
    """Helped / Partially / Not helpful, on the survey DM."""

    denied_text = texts.SURVEY_NOT_YOURS

    def __init__(self, answer: str, guild_id: int, booking_id: int) -> None:
        self.answer, self.guild_id, self.booking_id = answer, guild_id, booking_id
        super().__init__(
            discord.ui.Button(
                label=texts.SURVEY_LABELS[answer],
                style=STYLES[Answer(answer)],
                custom_id=f"survey:{answer}:{guild_id}:{booking_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its custom_id (after a restart too)."""
        return cls(match["answer"], int(match["guild"]), int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Answer once (the student's "not helpful" asks for a reason first)."""
        actor, ctx = actor_for(interaction, self.guild_id), services_of(interaction)
        if await survey.asks_reason(PreviewAnswer(actor, self.booking_id, self.answer), ctx):
            await open_form(interaction, SurveyReasonModal(self.guild_id, self.booking_id))
            return
        await _answer_and_thank(interaction, AnswerSurvey(actor, self.booking_id, self.answer))


def survey_view(guild_id: int, booking_id: int) -> discord.ui.View:
    """The survey DM's three answer buttons."""
    view = discord.ui.View(timeout=None)
    for answer in Answer:
        view.add_item(SurveyButton(answer.value, guild_id, booking_id))
    return view


SURVEY_BUTTONS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (SurveyButton,)
