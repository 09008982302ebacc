"""Survey answers: stored once per participant with their aware time, on both backends."""

from datetime import timedelta

from marketplace.domain.survey import Answer, SurveyResponse
from marketplace.services import bookings
from tests.services.marketplace_world import TUTOR_ID, at, book_cmd, build_world

START = at(2, 10)
BIG_SNOWFLAKE = 2**63 - 1


async def _booking_id(service_context, clock) -> int:
    world = await build_world(service_context, clock, instant=True)
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), service_context)
    return booking.booking_id


async def test_the_first_answer_wins_and_keeps_its_reason_and_time(
    service_context, clock, uow_factory
):
    booking_id = await _booking_id(service_context, clock)
    later = START + timedelta(hours=2)
    first = SurveyResponse(booking_id, BIG_SNOWFLAKE, Answer.NOT_HELPFUL, "Too fast", later)

    async with uow_factory() as uow:
        stored = await uow.surveys.add(first)
        again = await uow.surveys.add(
            SurveyResponse(booking_id, BIG_SNOWFLAKE, Answer.HELPED, "", later)
        )
        other = await uow.surveys.add(
            SurveyResponse(booking_id, TUTOR_ID, Answer.PARTIALLY, "", later)
        )
        await uow.commit()

    assert (stored, again, other) == (True, False, True)
    async with uow_factory(read_only=True) as uow:
        read = await uow.surveys.of_booking(booking_id, BIG_SNOWFLAKE)
        assert await uow.surveys.of_booking(booking_id + 1, TUTOR_ID) is None
    assert read == first
    assert read.answered_at.tzinfo is not None


async def test_an_answer_that_was_not_committed_is_gone(service_context, clock, uow_factory):
    booking_id = await _booking_id(service_context, clock)

    async with uow_factory() as uow:
        await uow.surveys.add(SurveyResponse(booking_id, TUTOR_ID, Answer.HELPED, "", START))

    async with uow_factory(read_only=True) as uow:
        assert await uow.surveys.of_booking(booking_id, TUTOR_ID) is None
