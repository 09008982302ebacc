"""A small marketplace built through the real services, for the booking benchmarks.

Students run `/start`, tutors `/tutor apply`, set their zone (UTC) and publish "daily
06:00-22:00"; everything goes through the use cases, so the rows are exactly what the
product writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench import rows
from marketplace.domain.profiles import Level, Role, SessionFormat
from marketplace.ports import SystemClock
from marketplace.services import availability, onboarding, profiles
from marketplace.services.actor import Actor
from marketplace.services.bookings import BookSession
from marketplace.services.context import ServiceContext
from marketplace.services.onboarding import StartOnboarding
from marketplace.services.profiles import ApplyAsTutor
from marketplace.storage.engine import Database
from marketplace.storage.unit_of_work import UnitOfWorkFactory

SUBJECT = "calculus"
DAILY = "daily 06:00-22:00"
ZONE = "UTC"
SLOT_HOURS = (6, 8, 10, 12, 14, 16, 18, 20)  # 2 h apart: a 60-min session + buffer fits
FIRST_DAY = 2  # days from today: always past the 2 h minimum notice
LAST_DAY = 58  # within the 60-day horizon


def actor(user_id: int) -> Actor:
    return Actor(guild_id=rows.GUILD_ID, guild_name=rows.GUILD_NAME, user_id=user_id)


def context(database: Database) -> ServiceContext:
    return ServiceContext(uow=UnitOfWorkFactory(database), clock=SystemClock())


@dataclass(frozen=True, slots=True)
class World:
    tutors: list[Actor]
    students: list[Actor]


async def build(ctx: ServiceContext, *, tutors: int, students: int, instant: bool) -> World:
    """Onboard `students` students and `tutors` tutors (available daily 06:00-22:00 UTC)."""
    student_actors = [actor(rows.FIRST_USER_ID + 10_000 + n) for n in range(students)]
    for who in student_actors:
        await onboarding.start(
            StartOnboarding(who, Role.STUDENT, ZONE, (SUBJECT,), Level.BEGINNER), ctx
        )
    tutor_actors = [actor(rows.FIRST_USER_ID + n) for n in range(tutors)]
    for who in tutor_actors:
        await profiles.apply_as_tutor(
            ApplyAsTutor(
                actor=who,
                subject_keys=(SUBJECT,),
                level=Level.ADVANCED,
                rate="$25",
                bio="Benchmark tutor: available every day, patient and practical.",
                formats=frozenset({SessionFormat.TEXT, SessionFormat.VOICE}),
                instant_booking=instant,
            ),
            ctx,
        )
        await onboarding.set_timezone(onboarding.SetTimezone(who.user_id, ZONE), ctx)
        draft = await availability.read(availability.ReadAvailability(who, DAILY), ctx)
        await availability.save(availability.SaveAvailability(who, draft), ctx)
    return World(tutor_actors, student_actors)


def slot(day: int, index: int, now: datetime | None = None) -> datetime:
    """The `index`-th 2-hourly start (06:00-20:00 UTC) on the `day`-th day from today."""
    today = (now or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=day, hours=SLOT_HOURS[index])


def distinct_slots(tutors: list[Actor], count: int) -> list[tuple[Actor, datetime]]:
    """`count` (tutor, start) pairs, no two overlapping, spread over the tutors."""
    now = datetime.now(UTC)
    result = []
    days = range(FIRST_DAY, LAST_DAY + 1)
    for n in range(count):
        tutor = tutors[n % len(tutors)]
        k = n // len(tutors)
        day, index = days[k // len(SLOT_HOURS) % len(days)], k % len(SLOT_HOURS)
        if k >= len(days) * len(SLOT_HOURS):
            msg = f"{count} bookings do not fit {len(tutors)} tutors' free slots"
            raise ValueError(msg)
        result.append((tutor, slot(day, index, now)))
    return result


def book_cmd(student: Actor, tutor: Actor, start: datetime) -> BookSession:
    return BookSession(
        actor=student,
        tutor_id=tutor.user_id,
        duration_minutes=60,
        start=start,
        subject_key=SUBJECT,
    )
