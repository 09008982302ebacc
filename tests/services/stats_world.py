"""A week of activity for the stats tests, through the real services.

The student (11) and the tutor (21) join at NOW (Tue 1 Dec 09:00 UTC). Then: a session on
the 2nd completed (survey "helped", five stars from the student), one on the 3rd the tutor
missed, a request for the 4th declined, one for the 4th cancelled early by the student,
and a report opened on the 2nd and resolved two hours later. The clock ends at `END`.
`play_drop_in_hour` adds an hour of drop-in help on the 5th.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from marketplace.domain.settlement import Outcome
from marketplace.domain.survey import Answer
from marketplace.services import bookings, dropin, moderation, reviews, sessions, survey
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.services.moderation import ReportUser, ResolveCase
from marketplace.services.reviews import WriteReview
from marketplace.services.survey import AnswerSurvey
from tests.services.marketplace_world import (
    TUTOR_ID,
    SettableClock,
    World,
    actor,
    at,
    book_cmd,
    build_world,
)

END = at(5, 9)


@dataclass(frozen=True)
class StatsWorld:
    """The world and the bookings made in it."""

    world: World
    completed: int
    missed: int
    declined: int
    cancelled: int


async def build_stats_world(ctx: ServiceContext, clock: SettableClock) -> StatsWorld:
    """Onboard, then play the week described above; the clock is left at `END`."""
    world = await build_world(ctx, clock)
    student, tutor = world.student, world.tutor
    moderator = replace(tutor, user_id=99, has_manage_guild=True)

    done = await bookings.book(book_cmd(student, TUTOR_ID, at(2, 10)), ctx)
    await bookings.accept(bookings.AcceptBooking(tutor, done.booking_id), ctx)
    missed = await bookings.book(book_cmd(student, TUTOR_ID, at(3, 10)), ctx)
    await bookings.accept(bookings.AcceptBooking(tutor, missed.booking_id), ctx)
    declined = await bookings.book(book_cmd(student, TUTOR_ID, at(4, 10)), ctx)
    await bookings.decline(bookings.DeclineBooking(tutor, declined.booking_id), ctx)
    cancelled = await bookings.book(book_cmd(student, TUTOR_ID, at(4, 12)), ctx)
    await bookings.cancel(bookings.CancelBooking(student, cancelled.booking_id), ctx)

    clock.set(at(2, 10, 5))
    await sessions.complete(sessions.CompleteSession(student, done.booking_id), ctx)
    await survey.answer(AnswerSurvey(student, done.booking_id, Answer.HELPED.value), ctx)
    await reviews.leave(WriteReview(student, done.booking_id, "5", ()), ctx)
    case = await moderation.report(ReportUser(student, TUTOR_ID, "Rude in the session chat"), ctx)
    clock.set(at(2, 10, 5) + timedelta(hours=2))
    await moderation.resolve_case(ResolveCase(moderator, case.case_id, "no_action"), ctx)

    clock.set(at(3, 10, 20))
    await sessions.record_outcome(missed.booking_id, Outcome.TUTOR_NO_SHOW, ctx)
    clock.set(END)
    return StatsWorld(
        world, done.booking_id, missed.booking_id, declined.booking_id, cancelled.booking_id
    )


async def play_drop_in_hour(ctx: ServiceContext, clock: SettableClock, tutor: Actor) -> None:
    """Two students: 31 is skipped once, then helped 10 min; 32 is helped 20 min."""
    start = at(5, 9)
    clock.set(start)
    opened = await dropin.open_hours(dropin.OpenHours(tutor, "calculus", 9000), ctx)
    for user_id in (31, 32):
        await dropin.join(dropin.JoinQueue(actor(user_id), "calculus"), ctx)
    hours = dropin.OnHours(tutor, opened.hours.hours_id)
    await dropin.call_next(hours, ctx)
    clock.set(start + timedelta(minutes=2))
    await dropin.skip(hours, ctx)
    await dropin.call_next(hours, ctx)  # 32
    clock.set(start + timedelta(minutes=22))
    await dropin.done(hours, ctx)
    await dropin.call_next(hours, ctx)  # 31 again
    clock.set(start + timedelta(minutes=32))
    await dropin.done(hours, ctx)
    await dropin.close_hours(dropin.CloseHours(tutor), ctx)
    clock.set(start + timedelta(hours=1))
