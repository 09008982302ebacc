"""A small marketplace for the booking tests: a guild, students, tutors with availability.

Imported by the service suites (SQLite) and the storage suites (both backends) as
`tests.services.marketplace_world`. Everything goes through the real services; the
clock is the suite's FixedClock, set to `NOW` before anything is created.

Times: `NOW` is Tuesday 2026-12-01 09:00 UTC, 10:00 in Berlin (UTC+1 all December). The
default tutor is available "daily 08:00-22:00" Berlin, i.e. 07:00-21:00 UTC.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Select, select

from marketplace.domain.profiles import Level, Role, SessionFormat
from marketplace.ports import DeliveryOutcome, Notice, NoticeKind
from marketplace.services import availability, onboarding, profiles
from marketplace.services.actor import Actor
from marketplace.services.bookings import BookSession
from marketplace.services.context import ServiceContext
from marketplace.services.onboarding import StartOnboarding
from marketplace.services.profiles import ApplyAsTutor
from marketplace.storage.models import BookingRow, DeliveryRow, ScheduledActionRow
from marketplace.storage.unit_of_work import UnitOfWorkFactory

GUILD = 700
OTHER_GUILD = 701
GUILD_NAME = "Campus"
ZONE = "Europe/Berlin"
DAILY = "daily 08:00-22:00"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

STUDENT_ID = 11
TUTOR_ID = 21


class SettableClock(Protocol):
    """The FixedClock of tests/conftest.py (or anything with the same three methods)."""

    def now(self) -> datetime: ...

    def set(self, when: datetime) -> None: ...


def actor(user_id: int, guild_id: int = GUILD) -> Actor:
    """Someone acting in the test guild."""
    return Actor(guild_id=guild_id, guild_name=GUILD_NAME, user_id=user_id)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """An aware UTC instant in 2026 (December unless told)."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def add_student(
    ctx: ServiceContext,
    user_id: int,
    *,
    subjects: tuple[str, ...] = ("calculus",),
    level: Level = Level.BEGINNER,
    zone: str = ZONE,
    guild_id: int = GUILD,
) -> Actor:
    """`/start` as a student."""
    who = actor(user_id, guild_id)
    await onboarding.start(
        StartOnboarding(who, Role.STUDENT, zone, subject_keys=subjects, level=level), ctx
    )
    return who


async def add_tutor(
    ctx: ServiceContext,
    user_id: int,
    *,
    subjects: tuple[str, ...] = ("calculus",),
    level: Level = Level.ADVANCED,
    rate: str = "$25",
    instant: bool = False,
    zone: str | None = ZONE,
    available: tuple[str, ...] = (DAILY,),
    not_teaching: str = "",
    guild_id: int = GUILD,
) -> Actor:
    """`/tutor apply`, `/timezone set`, then publish each `available` text (read + save)."""
    who = actor(user_id, guild_id)
    await profiles.apply_as_tutor(
        ApplyAsTutor(
            actor=who,
            subject_keys=subjects,
            level=level,
            rate=rate,
            bio="I have tutored this subject for three years and enjoy it.",
            formats=frozenset({SessionFormat.TEXT, SessionFormat.VOICE}),
            instant_booking=instant,
            not_teaching=not_teaching,
        ),
        ctx,
    )
    if zone is not None:
        await onboarding.set_timezone(onboarding.SetTimezone(user_id, zone), ctx)
    for when in available:
        await publish(ctx, who, when)
    return who


async def publish(ctx: ServiceContext, who: Actor, when: str, **options: Any) -> list[str]:
    """Read availability text, then confirm it; the new entry ids."""
    draft = await availability.read(availability.ReadAvailability(who, when, **options), ctx)
    return await availability.save(availability.SaveAvailability(who, draft), ctx)


@dataclass
class World:
    """One guild with a student (11) and a tutor (21) available daily 08:00-22:00 Berlin."""

    ctx: ServiceContext
    clock: SettableClock
    student: Actor
    tutor: Actor


async def build_world(
    ctx: ServiceContext, clock: SettableClock, *, instant: bool = False, now: datetime = NOW
) -> World:
    """Set the clock to `now`, then onboard the student and the tutor."""
    clock.set(now)
    student = await add_student(ctx, STUDENT_ID)
    tutor = await add_tutor(ctx, TUTOR_ID, instant=instant)
    return World(ctx, clock, student, tutor)


def book_cmd(
    student: Actor,
    tutor_id: int,
    start: datetime,
    minutes: int = 60,
    subject: str | None = "calculus",
    **changes: Any,
) -> BookSession:
    """A Book-button press for `start` (a picked time, not typed text)."""
    return BookSession(
        actor=student,
        tutor_id=tutor_id,
        duration_minutes=minutes,
        start=start,
        subject_key=subject,
        **changes,
    )


def failure_summary(results: list[Any]) -> Counter[str]:
    """How many results were each kind of error (ConflictErrors by reason)."""
    summary: Counter[str] = Counter()
    for result in results:
        if isinstance(result, BaseException):
            reason = getattr(result, "reason", None)
            detail = reason if reason is not None else str(result).splitlines()[0][:120]
            summary[f"{type(result).__name__}: {detail}"] += 1
    return summary


# --- Reading what was stored ---------------------------------------------------------------


async def _detached(uow: UnitOfWorkFactory, query: Select[Any]) -> list[Any]:
    """The rows `query` selects, loaded and detached (readable after the session closes)."""
    async with uow(read_only=True) as work:
        found = list(await work.session.scalars(query))
        work.session.expunge_all()
    return found


async def booking_rows(uow: UnitOfWorkFactory) -> list[BookingRow]:
    """Every booking row, by id."""
    return await _detached(uow, select(BookingRow).order_by(BookingRow.id))


async def action_rows(uow: UnitOfWorkFactory, kind: str | None = None) -> list[ScheduledActionRow]:
    """Every scheduled_action row (of one kind), by id."""
    query = select(ScheduledActionRow).order_by(ScheduledActionRow.id)
    if kind is not None:
        query = query.where(ScheduledActionRow.kind == kind)
    return await _detached(uow, query)


async def pending(uow: UnitOfWorkFactory, kind: str) -> list[ScheduledActionRow]:
    """The pending rows of one kind."""
    return [row for row in await action_rows(uow, kind) if row.state == "pending"]


async def delivery_rows(uow: UnitOfWorkFactory) -> list[DeliveryRow]:
    """Every delivery row, by id."""
    return await _detached(uow, select(DeliveryRow).order_by(DeliveryRow.id))


# --- A notifier that remembers -------------------------------------------------------------


@dataclass
class RecordingNotifier:
    """A `marketplace.ports.Notifier` that keeps every notice it is given.

    Users in `closed_dms` have their DMs closed: a notice that tries a DM comes back as a
    fallback with `dm_closed=True`; one sent with `try_dm=False` goes to the fallback.
    """

    notices: list[Notice] = field(default_factory=list)
    closed_dms: set[int] = field(default_factory=set)

    async def deliver(self, notice: Notice) -> DeliveryOutcome:
        """Record the notice and say how it went out."""
        self.notices.append(notice)
        if not notice.try_dm:
            return DeliveryOutcome("fallback")
        if notice.user_id in self.closed_dms:
            return DeliveryOutcome("fallback", dm_closed=True)
        return DeliveryOutcome("dm")

    def of(self, kind: NoticeKind) -> list[Notice]:
        """The notices of one kind, in delivery order."""
        return [notice for notice in self.notices if notice.kind is kind]

    def sent(self, kind: NoticeKind) -> Counter[int]:
        """How many notices of one kind each user got."""
        return Counter(notice.user_id for notice in self.of(kind))

    def clear(self) -> None:
        """Forget what was delivered so far."""
        self.notices.clear()
