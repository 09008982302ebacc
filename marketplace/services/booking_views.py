"""What the booking screens read: the caller's bookings, a tutor's open times, lengths."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from marketplace.domain.booking import Booking, earliest_start
from marketplace.domain.booking_actions import Action, AllowedActions, allowed_actions
from marketplace.domain.errors import InputError, Problem
from marketplace.domain.payment import Payment
from marketplace.domain.series import SeriesPlace
from marketplace.formatting import DEFAULT_LOCALE, guild_locale
from marketplace.services import payments, series_payments
from marketplace.services.actor import Actor
from marketplace.services.availability import open_slots
from marketplace.services.bookings import bookable_tutor
from marketplace.services.context import ServiceContext

LIST_LIMIT = 10


@dataclass(frozen=True, slots=True)
class BookingListRow:
    """One `/bookings` booking, with all its buttons need: the UI only draws it."""

    booking: Booking
    actions: AllowedActions  # what the viewer may do with it now
    space_text_id: int | None = None  # the open space's text channel or thread
    pay_url: str | None = None  # the viewer's checkout link, when they may pay


@dataclass(frozen=True, slots=True)
class BookingList:
    """`/bookings`: the caller's bookings, and notices that only reached the fallback channel."""

    bookings: list[Booking]
    fallback_notices: list[tuple[str, int | None, datetime]]
    payments: dict[int, Payment] = field(default_factory=dict)
    locale: str = DEFAULT_LOCALE  # the guild's, for amounts
    rows: list[BookingListRow] = field(default_factory=list)  # filled by `list_rows`
    series: dict[int, SeriesPlace] = field(default_factory=dict)  # booking → week of a series


@dataclass(frozen=True, slots=True)
class ListBookings:
    """The caller's upcoming (or past) bookings in this guild."""

    actor: Actor
    upcoming: bool = True


async def list_for(command: ListBookings, ctx: ServiceContext) -> BookingList:
    """The caller's bookings in this guild."""
    actor = command.actor
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        bookings = await uow.bookings.for_user(
            actor.guild_id, actor.user_id, upcoming=command.upcoming, now=now, limit=LIST_LIMIT
        )
        fallbacks = await uow.deliveries.fallbacks_for(actor.guild_id, actor.user_id, 5)
        priced = [b.booking_id for b in bookings if b.price is not None]
        paid = await uow.payments.of_bookings(priced) if priced else {}
        policy = await uow.guilds.policy(actor.guild_id)
        series = await uow.series.places([b.booking_id for b in bookings])
    locale = guild_locale(policy.languages)
    return BookingList(bookings, fallbacks, paid, locale, series=series)


async def list_rows(command: ListBookings, ctx: ServiceContext) -> BookingList:
    """`list_for` with each booking's row: allowed actions, open space, checkout link.

    The bookings, their spaces and their tokens are one query; a booking the caller may
    pay that has no valid token yet gets one issued here (once: later lists read it).
    """
    actor = command.actor
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        linked = await uow.bookings.links_for(
            actor.guild_id, actor.user_id, upcoming=command.upcoming, now=now, limit=LIST_LIMIT
        )
        fallbacks = await uow.deliveries.fallbacks_for(actor.guild_id, actor.user_id, 5)
        priced = [x.booking.booking_id for x in linked if x.booking.price is not None]
        paid = await uow.payments.of_bookings(priced) if priced else {}
        policy = await uow.guilds.policy(actor.guild_id)
        rows: list[BookingListRow] = []
        issued = False
        series = await uow.series.places([x.booking.booking_id for x in linked])
        for x in linked:
            actions = allowed_actions(x.booking, actor.user_id, now)
            payable = Action.PAY in actions or (
                x.booking.booking_id in series
                and x.booking.student_id == actor.user_id
                and series_payments.week_needs_paying(
                    x.booking, paid.get(x.booking.booking_id), policy, now
                )
            )
            token = x.pay_token
            if payable and x.has_payment and token is None:
                token = await payments.issue_link(uow, x.booking, now)
                issued = True
            url = ctx.link(f"/checkout/{token}") if token and payable else None
            rows.append(BookingListRow(x.booking, actions, x.space_text_id, url))
        if issued:
            await uow.commit()
    bookings = [x.booking for x in linked]
    return BookingList(bookings, fallbacks, paid, guild_locale(policy.languages), rows, series)


PICKER_DAYS = 14
PICKER_LIMIT = 25


@dataclass(frozen=True, slots=True)
class OpenTimes:
    """The tutor's next open start times for a session of this length."""

    actor: Actor
    tutor_id: int
    duration_minutes: int


async def open_times(command: OpenTimes, ctx: ServiceContext) -> list[datetime]:
    """The tutor's next open start times for a session of this length (for the picker)."""
    actor, tutor_id, duration_minutes = command.actor, command.tutor_id, command.duration_minutes
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
