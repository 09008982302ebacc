"""The post-session survey: scheduled when a session completes, answered once per side.

A student who found the session not helpful may say why, and is shown up to three other
tutors of the same subject (SPEC.md section 1 step 7, issue 5 item 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.domain import survey as rules
from marketplace.domain.booking import Booking
from marketplace.domain.errors import ConflictError, InputError, NotFoundError
from marketplace.domain.survey import Answer, SurveyResponse
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.services import scheduling, search
from marketplace.services.actor import Actor, OnBooking
from marketplace.services.context import ServiceContext
from marketplace.services.search import FindTutors, TutorHit


@dataclass(frozen=True, slots=True)
class AnswerSurvey(OnBooking):
    """A survey button's answer (and the modal's reason, for "not helpful")."""

    answer: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SurveyAnswered:
    """The stored answer; after the student's "not helpful", other tutors to try."""

    response: SurveyResponse
    suggests_tutors: bool = False
    suggestions: tuple[TutorHit, ...] = ()


async def schedule_surveys(uow: UnitOfWork, booking: Booking, now: datetime) -> None:
    """Inside the caller's transaction: queue one survey DM to each side of the session."""
    for user in (booking.student_id, booking.tutor_id):
        await scheduling.notify(uow, booking, NoticeKind.SURVEY, user, now)


async def _answerable(uow: UnitOfWork, actor: Actor, booking_id: int) -> Booking:
    """The caller's completed booking that they have not answered about yet."""
    booking = await uow.bookings.get(booking_id)
    if booking is None or booking.guild_id != actor.guild_id:
        raise NotFoundError("booking", str(booking_id))
    rules.check_can_answer(booking, actor.user_id)
    if await uow.surveys.of_booking(booking_id, actor.user_id) is not None:
        raise ConflictError("survey_answered")
    return booking


@dataclass(frozen=True, slots=True)
class PreviewAnswer(OnBooking):
    """A survey button, pressed: the answer, before it is stored or a reason is asked for."""

    answer: str


async def asks_reason(command: PreviewAnswer, ctx: ServiceContext) -> bool:
    """Whether this answer first asks for a reason (the student's "not helpful").

    Refuses strangers, sessions not completed, and a second answer, before any form opens.
    """
    actor, chosen = command.actor, rules.parse_answer(command.answer)
    async with ctx.uow(read_only=True) as uow:
        booking = await _answerable(uow, actor, command.booking_id)
    return chosen is Answer.NOT_HELPFUL and actor.user_id == booking.student_id


async def answer(cmd: AnswerSurvey, ctx: ServiceContext) -> SurveyAnswered:
    """Store the caller's one answer; ConflictError("survey_answered") on a second one."""
    actor, now = cmd.actor, ctx.clock.now()
    chosen = rules.parse_answer(cmd.answer)
    async with ctx.uow() as uow:
        booking = await _answerable(uow, actor, cmd.booking_id)
        response = rules.new_response(booking, actor.user_id, chosen, cmd.reason, now)
        if not await uow.surveys.add(response):
            raise ConflictError("survey_answered")
        await uow.commit()
    if chosen is Answer.NOT_HELPFUL and actor.user_id == booking.student_id:
        return SurveyAnswered(response, True, await suggest_tutors(actor, booking, ctx))
    return SurveyAnswered(response)


async def suggest_tutors(
    actor: Actor, booking: Booking, ctx: ServiceContext
) -> tuple[TutorHit, ...]:
    """Up to three other tutors of the booking's subject, best ranked first."""
    try:
        found = await search.find(FindTutors(actor, booking.subject_key), ctx)
    except InputError:  # the subject was removed from the catalogue since
        return ()
    others = (hit for hit in found.hits if hit.tutor_id != booking.tutor_id)
    return tuple(others)[: rules.SUGGESTIONS_SHOWN]
