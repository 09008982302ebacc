"""What the booking screens read: the caller's bookings, a tutor's open times, lengths."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from marketplace.domain.booking import Booking, earliest_start
from marketplace.domain.errors import InputError, Problem
from marketplace.domain.payment import Payment
from marketplace.formatting import DEFAULT_LOCALE, guild_locale
from marketplace.services import payments
from marketplace.services.availability import open_slots
from marketplace.services.bookings import bookable_tutor
from marketplace.services.commands import Actor
from marketplace.services.context import ServiceContext

LIST_LIMIT = 10


@dataclass(frozen=True, slots=True)
class BookingList:
    """`/bookings`: the caller's bookings, and notices that only reached the fallback channel."""

    bookings: list[Booking]
    fallback_notices: list[tuple[str, int | None, datetime]]
    payments: dict[int, Payment] = field(default_factory=dict)
    locale: str = DEFAULT_LOCALE  # the guild's, for amounts


async def list_for(actor: Actor, *, upcoming: bool, ctx: ServiceContext) -> BookingList:
    """The caller's bookings in this guild."""
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        bookings = await uow.bookings.for_user(
            actor.guild_id, actor.user_id, upcoming=upcoming, now=now, limit=LIST_LIMIT
        )
        fallbacks = await uow.deliveries.fallbacks_for(actor.guild_id, actor.user_id, 5)
        priced = [b.booking_id for b in bookings if b.price is not None]
        paid = await uow.payments.of_bookings(priced) if priced else {}
        policy = await uow.guilds.policy(actor.guild_id)
    return BookingList(bookings, fallbacks, paid, guild_locale(policy.languages))


PICKER_DAYS = 14
PICKER_LIMIT = 25


async def open_times(
    actor: Actor, tutor_id: int, duration_minutes: int, ctx: ServiceContext
) -> list[datetime]:
    """The tutor's next open start times for a session of this length (for the picker)."""
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        policy = await uow.guilds.policy(actor.guild_id)
        if duration_minutes not in policy.allowed_durations_minutes:
            raise InputError("duration", Problem.UNKNOWN_CHOICE)
        tutor = await bookable_tutor(uow, actor, tutor_id, now)
        paying = payments.price_of(tutor, duration_minutes, policy, ctx) is not None
        earliest = earliest_start(now, policy, instant=tutor.instant_booking, paying=paying)
        starts = await open_slots(
            uow, actor.guild_id, tutor_id, policy, now,
            duration=timedelta(minutes=duration_minutes),
            within=(now, now + timedelta(days=min(PICKER_DAYS, policy.booking_horizon_days))),
        )  # fmt: skip
    return [s for s in starts if s >= earliest][:PICKER_LIMIT]


async def allowed_durations(guild_id: int, ctx: ServiceContext) -> tuple[int, ...]:
    """The session lengths this guild offers."""
    async with ctx.uow(read_only=True) as uow:
        return (await uow.guilds.policy(guild_id)).allowed_durations_minutes
