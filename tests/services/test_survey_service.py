"""The post-session survey through the services on SQLite: scheduled, answered once, suggestions."""

from datetime import timedelta

import pytest

from marketplace.domain.booking import Booking
from marketplace.domain.errors import ConflictError, InvalidTransitionError, PermissionDeniedError
from marketplace.domain.settlement import Outcome
from marketplace.domain.survey import Answer
from marketplace.services import bookings, sessions, survey
from marketplace.services.survey import AnswerSurvey
from tests.services.marketplace_world import (
    STUDENT_ID,
    TUTOR_ID,
    action_rows,
    actor,
    add_tutor,
    at,
    book_cmd,
    build_world,
)

STUDENT = actor(STUDENT_ID)
TUTOR = actor(TUTOR_ID)
START = at(2, 10)


@pytest.fixture
async def ctx(service_context, clock):
    await build_world(service_context, clock)
    return service_context


async def confirmed(ctx) -> Booking:
    booking = await bookings.book(book_cmd(STUDENT, TUTOR_ID, START), ctx)
    return await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), ctx)


async def completed(ctx, clock) -> Booking:
    booking = await confirmed(ctx)
    clock.set(START + timedelta(minutes=5))
    return await sessions.complete(sessions.CompleteSession(STUDENT, booking.booking_id), ctx)


async def survey_rows(uow_factory):
    return [r for r in await action_rows(uow_factory, "notify") if r.payload["notice"] == "survey"]


async def test_completing_a_session_schedules_exactly_one_survey_per_side(ctx, clock, uow_factory):
    booking = await completed(ctx, clock)
    with pytest.raises(InvalidTransitionError):  # a second completion changes nothing
        await sessions.complete(sessions.CompleteSession(TUTOR, booking.booking_id), ctx)

    rows = await survey_rows(uow_factory)
    assert sorted(r.user_id for r in rows) == [STUDENT_ID, TUTOR_ID]
    assert {r.booking_id for r in rows} == {booking.booking_id}


async def test_a_late_start_has_a_survey_and_a_no_show_has_none(ctx, clock, uow_factory):
    late = await confirmed(ctx)
    clock.set(START + timedelta(minutes=20))
    await sessions.record_outcome(late.booking_id, Outcome.LATE_START, ctx)
    missed = await bookings.book(book_cmd(STUDENT, TUTOR_ID, at(3, 10)), ctx)
    await bookings.accept(bookings.AcceptBooking(TUTOR, missed.booking_id), ctx)
    clock.set(at(3, 10, 20))
    await sessions.record_outcome(missed.booking_id, Outcome.TUTOR_NO_SHOW, ctx)

    assert {r.booking_id for r in await survey_rows(uow_factory)} == {late.booking_id}


async def test_each_side_answers_once_with_its_time(ctx, clock, uow_factory):
    booking = await completed(ctx, clock)
    answered = await survey.answer(AnswerSurvey(STUDENT, booking.booking_id, "helped"), ctx)
    assert answered.response.answer is Answer.HELPED
    assert answered.suggestions == ()
    await survey.answer(AnswerSurvey(TUTOR, booking.booking_id, "partially"), ctx)

    with pytest.raises(ConflictError) as caught:
        await survey.answer(AnswerSurvey(STUDENT, booking.booking_id, "not_helpful"), ctx)
    assert caught.value.reason == "survey_answered"
    with pytest.raises(ConflictError):
        await survey.asks_reason(survey.PreviewAnswer(STUDENT, booking.booking_id, "helped"), ctx)
    async with uow_factory(read_only=True) as uow:
        stored = await uow.surveys.of_booking(booking.booking_id, STUDENT_ID)
    assert stored is not None
    assert (stored.answer, stored.answered_at) == (Answer.HELPED, clock.now())


async def test_a_stranger_is_refused(ctx, clock):
    booking = await completed(ctx, clock)
    stranger = actor(99)
    with pytest.raises(PermissionDeniedError):
        await survey.asks_reason(survey.PreviewAnswer(stranger, booking.booking_id, "helped"), ctx)
    with pytest.raises(PermissionDeniedError):
        await survey.answer(AnswerSurvey(stranger, booking.booking_id, "helped"), ctx)


async def test_no_answer_before_the_session_is_completed(ctx):
    booking = await confirmed(ctx)
    with pytest.raises(InvalidTransitionError):
        await survey.answer(AnswerSurvey(STUDENT, booking.booking_id, "helped"), ctx)


async def test_not_helpful_keeps_the_reason_and_suggests_other_tutors_only(ctx, clock, uow_factory):
    for tutor_id in (22, 23, 24, 25):
        await add_tutor(ctx, tutor_id)
    await add_tutor(ctx, 26, subjects=("physics",))
    booking = await completed(ctx, clock)

    assert await survey.asks_reason(
        survey.PreviewAnswer(STUDENT, booking.booking_id, "not_helpful"), ctx
    )
    assert not await survey.asks_reason(
        survey.PreviewAnswer(TUTOR, booking.booking_id, "not_helpful"), ctx
    )
    answered = await survey.answer(
        AnswerSurvey(STUDENT, booking.booking_id, "not_helpful", "  Went\ttoo fast "), ctx
    )

    assert answered.response.reason == "Went too fast"
    suggested = [hit.tutor_id for hit in answered.suggestions]
    assert len(suggested) == 3
    assert set(suggested) <= {22, 23, 24, 25}
    async with uow_factory(read_only=True) as uow:
        stored = await uow.surveys.of_booking(booking.booking_id, STUDENT_ID)
    assert stored is not None
    assert stored.reason == "Went too fast"


async def test_the_tutors_not_helpful_needs_no_form_and_gets_no_suggestions(ctx, clock):
    booking = await completed(ctx, clock)
    answered = await survey.answer(AnswerSurvey(TUTOR, booking.booking_id, "not_helpful"), ctx)
    assert answered.response.answer is Answer.NOT_HELPFUL
    assert answered.suggestions == ()
