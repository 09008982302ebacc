"""Booking use cases: book, accept, decline, cancel, reschedule, list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from marketplace.domain.availability import overlaps_with_buffer
from marketplace.domain.booking import (
    ALLOWED_FROM,
    Booking,
    BookingState,
    earliest_start,
    validate_booking_time,
)
from marketplace.domain.cancellation import (
    CancellationOutcome,
    Party,
    cancellation_outcome,
    penalty_ends_at,
)
from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    NotFoundError,
    Problem,
)
from marketplace.domain.money import Quote
from marketplace.domain.payment import Payment
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.profiles import TutorProfile, TutorStatus
from marketplace.domain.text import clean_text
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.services import payments, scheduling
from marketplace.services.availability import open_slots, refresh_next_slot
from marketplace.services.commands import Actor
from marketplace.services.context import ServiceContext, enter_guild
from marketplace.timeparse import WhenKind, parse_when

NOTE_MAX = 300
LIST_LIMIT = 10


@dataclass(frozen=True, slots=True)
class BookSession:
    """`/book` or the Book button: a tutor, a time (typed or picked), a duration."""

    actor: Actor
    tutor_id: int
    duration_minutes: int
    when: str | None = None
    start: datetime | None = None
    subject_key: str | None = None
    note: str = ""


async def _start_of(
    uow: UnitOfWork, cmd: BookSession, policy: GuildPolicy, now: datetime
) -> datetime:
    if cmd.start is not None:
        return cmd.start
    if not cmd.when:
        raise InputError("when", Problem.EMPTY)
    zone = await uow.users.timezone(cmd.actor.user_id)
    if zone is None:
        raise NotFoundError("timezone", str(cmd.actor.user_id))
    parsed = parse_when(cmd.when, zone=zone, now=now, languages=policy.languages)
    if parsed.kind is WhenKind.WEEKLY or parsed.start is None:
        raise InputError("when", Problem.UNPARSEABLE)
    return parsed.start


async def _bookable_tutor(
    uow: UnitOfWork, actor: Actor, tutor_id: int, now: datetime
) -> TutorProfile:
    tutor = await uow.tutors.get(actor.guild_id, tutor_id)
    if tutor is None or await uow.blocks.between(actor.guild_id, actor.user_id, tutor_id):
        raise NotFoundError("tutor", str(tutor_id))
    if tutor.status is TutorStatus.PAUSED:
        raise ConflictError("tutor_paused")
    for user in (actor.user_id, tutor_id):
        if await uow.blocks.restricted(actor.guild_id, user, now):
            raise ConflictError("restricted")
    return tutor


async def _subject_for(uow: UnitOfWork, cmd: BookSession, tutor: TutorProfile) -> str:
    taught = [s.subject_key for s in tutor.subjects if s.subject_key not in tutor.not_teaching]
    if cmd.subject_key:
        if cmd.subject_key not in taught:
            raise InputError("subject", Problem.UNKNOWN_CHOICE)
        return cmd.subject_key
    student = await uow.students.get(cmd.actor.guild_id, cmd.actor.user_id)
    wanted = [s.subject_key for s in student.subjects] if student else []
    for key in wanted:
        if key in taught:
            return key
    if not taught:
        raise NotFoundError("tutor", str(cmd.tutor_id))
    return taught[0]


async def ensure_answerable(
    uow: UnitOfWork,
    booking: Booking,
    *,
    start: datetime,
    end: datetime,
    policy: GuildPolicy,
    now: datetime,
) -> None:
    """Refuse a request the tutor could not answer in time, or that double-books the student."""
    paying = booking.state is BookingState.AWAITING_PAYMENT
    earliest = earliest_start(now, policy, instant=booking.instant, paying=paying)
    if start < earliest:
        minutes = int((earliest - now).total_seconds() // 60)
        raise InputError("when", Problem.TOO_SOON, minutes)
    exclude = booking.booking_id or None
    if await uow.bookings.student_clash(booking.guild_id, booking.student_id, start, end, exclude):
        raise ConflictError("student_busy")


async def ensure_free(
    uow: UnitOfWork,
    booking: Booking,
    *,
    start: datetime,
    end: datetime,
    policy: GuildPolicy,
    now: datetime,
) -> None:
    """Refuse a time the tutor is already booked for, or is not available at.

    A clash with a booking is checked both before and after the availability check, so a
    booking committed by a racer in between is still reported as "slot_taken".
    """
    buffer = timedelta(minutes=policy.buffer_minutes)
    exclude = booking.booking_id or None

    async def clash() -> bool:
        busy = await uow.bookings.tutor_busy(
            booking.guild_id, booking.tutor_id, start - buffer, end + buffer, exclude
        )
        return any(overlaps_with_buffer(b.start, b.end, start, end, buffer) for b in busy)

    if await clash():
        raise ConflictError("slot_taken")
    starts = await open_slots(
        uow, booking.guild_id, booking.tutor_id, policy, now,
        duration=end - start, within=(start, start + timedelta(minutes=1)),
        exclude_booking=exclude,
    )  # fmt: skip
    if start not in starts:
        raise ConflictError("slot_taken" if await clash() else "not_available")


@dataclass(frozen=True, slots=True)
class _Draft:
    booking: Booking
    policy: GuildPolicy
    price: Quote | None


async def _prepare(uow: UnitOfWork, cmd: BookSession, note: str, ctx: ServiceContext) -> _Draft:
    """Every check a booking must pass; the draft booking (no id yet), policy and price."""
    actor, now = cmd.actor, ctx.clock.now()
    policy = await uow.guilds.policy(actor.guild_id)
    start = await _start_of(uow, cmd, policy, now)
    end = validate_booking_time(start, cmd.duration_minutes, now, policy)
    tutor = await _bookable_tutor(uow, actor, cmd.tutor_id, now)
    subject = await _subject_for(uow, cmd, tutor)
    price = payments.price_of(tutor, cmd.duration_minutes, policy, ctx)
    if price is not None:
        await payments.ensure_can_be_paid(uow, actor.guild_id, cmd.tutor_id)
    pay_by = now + timedelta(minutes=policy.checkout_expiry_minutes) if price else None
    draft, _event = Booking.request(
        booking_id=0, guild_id=actor.guild_id, student_id=actor.user_id,
        tutor_id=cmd.tutor_id, subject_key=subject, start=start, end=end, now=now,
        policy=policy, note=note, instant=tutor.instant_booking,
        price=price.total if price else None, pay_by=pay_by,
    )  # fmt: skip
    await ensure_free(uow, draft, start=start, end=end, policy=policy, now=now)
    await ensure_answerable(uow, draft, start=start, end=end, policy=policy, now=now)
    return _Draft(draft, policy, price)


async def check_bookable(cmd: BookSession, ctx: ServiceContext) -> datetime:
    """Every check `book` makes, without booking: the start to echo back for Confirm."""
    note = clean_text(cmd.note, field="note", max_len=NOTE_MAX, required=False)
    async with ctx.uow(read_only=True) as uow:
        draft = await _prepare(uow, cmd, note, ctx)
    return draft.booking.start


async def book(cmd: BookSession, ctx: ServiceContext) -> Booking:
    """Request a session (or confirm it at once with instant booking).

    In a paid guild the booking awaits payment first: it holds the slot until the
    checkout expires, and reaches the tutor once the payment is held.
    """
    actor, now = cmd.actor, ctx.clock.now()
    note = clean_text(cmd.note, field="note", max_len=NOTE_MAX, required=False)
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        draft = await _prepare(uow, cmd, note, ctx)
        policy = draft.policy
        booking = await uow.bookings.add(draft.booking, timedelta(minutes=policy.buffer_minutes))
        if draft.price is not None:
            await payments.open_payment(uow, booking, draft.price, policy, now)
        elif booking.state is BookingState.CONFIRMED:
            await scheduling.notify_both(uow, booking, NoticeKind.BOOKING_CONFIRMED, now)
            await scheduling.schedule_reminders(uow, booking, policy)
        else:
            await scheduling.notify(
                uow, booking, NoticeKind.BOOKING_REQUESTED, booking.tutor_id, now
            )
            await scheduling.schedule_expiry(uow, booking)
        await refresh_next_slot(uow, actor.guild_id, cmd.tutor_id, policy, now)
        await uow.commit()
    ctx.after_commit()
    return booking


async def _mine(
    uow: UnitOfWork, booking_id: int, actor: Actor, action: str, *, for_update: bool = True
) -> tuple[Booking, Party]:
    booking = await uow.bookings.get(booking_id, for_update=for_update)
    if booking is None or booking.guild_id != actor.guild_id:
        raise NotFoundError("booking", str(booking_id))
    return booking, booking.party_of(actor.user_id, action)


async def accept(booking_id: int, actor: Actor, ctx: ServiceContext) -> Booking:
    """The tutor accepts a request; both sides get the confirmation."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking, by = await _mine(uow, booking_id, actor, "accept")
        policy = await uow.guilds.policy(actor.guild_id)
        booking, _ = booking.accept(by, now)
        await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
        await scheduling.drop_booking_work(uow, booking, now)
        await scheduling.notify_both(uow, booking, NoticeKind.BOOKING_CONFIRMED, now)
        await scheduling.schedule_reminders(uow, booking, policy)
        await payments.capture_if_far(uow, booking, policy, now)
        await uow.commit()
    ctx.after_commit()
    return booking


async def decline(booking_id: int, actor: Actor, ctx: ServiceContext) -> Booking:
    """The tutor declines a request; the student is told and the time frees up."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking, by = await _mine(uow, booking_id, actor, "decline")
        policy = await uow.guilds.policy(actor.guild_id)
        booking, _ = booking.decline(by, now)
        await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
        await scheduling.drop_booking_work(uow, booking, now)
        await payments.release_hold(uow, booking, policy, now)
        await scheduling.notify(uow, booking, NoticeKind.BOOKING_DECLINED, booking.student_id, now)
        await refresh_next_slot(uow, booking.guild_id, booking.tutor_id, policy, now)
        await uow.commit()
    ctx.after_commit()
    return booking


async def cancellation_preview(
    booking_id: int, actor: Actor, ctx: ServiceContext
) -> tuple[Booking, CancellationOutcome]:
    """What cancelling now would mean, shown before the user confirms."""
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        booking, by = await _mine(uow, booking_id, actor, "cancel", for_update=False)
        policy = await uow.guilds.policy(actor.guild_id)
    if booking.state not in ALLOWED_FROM["cancel"]:
        raise InvalidTransitionError("booking", booking.state, "cancel")
    return booking, cancellation_outcome(by, booking.start, now, policy)


async def cancel(booking_id: int, actor: Actor, ctx: ServiceContext, reason: str = "") -> Booking:
    """Cancel by policy; both sides are told (with the reason), late tutor cancels count."""
    now = ctx.clock.now()
    reason = clean_text(reason, field="reason", max_len=NOTE_MAX, required=False)
    async with ctx.uow() as uow:
        booking, by = await _mine(uow, booking_id, actor, "cancel")
        policy = await uow.guilds.policy(actor.guild_id)
        booking, event = booking.cancel(by, now, policy)
        await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
        await scheduling.drop_booking_work(uow, booking, now)
        split = (event.refund_percent, event.tutor_share_percent)
        await payments.settle_booking(uow, booking, split, policy, now)
        await scheduling.notify_both(
            uow, booking, NoticeKind.BOOKING_CANCELLED, now, extra={"reason": reason}
        )
        if by is Party.TUTOR and event.late:
            since = now - timedelta(days=policy.late_cancel_window_days)
            late = await uow.bookings.late_cancels_by_tutor(
                booking.guild_id, booking.tutor_id, since
            )
            until = penalty_ends_at(late, policy)
            if until is not None and until > now:
                await uow.search.set_penalty(booking.guild_id, booking.tutor_id, until)
        await refresh_next_slot(uow, booking.guild_id, booking.tutor_id, policy, now)
        await uow.commit()
    ctx.after_commit()
    return booking


async def read_time(actor: Actor, when: str, ctx: ServiceContext) -> datetime:
    """What `when` means in the caller's zone (UTC), to echo back before anything is saved."""
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        policy = await uow.guilds.policy(actor.guild_id)
        return await _start_of(uow, BookSession(actor, 0, 0, when=when), policy, now)


async def reschedule(
    booking_id: int, actor: Actor, when: str | datetime, ctx: ServiceContext
) -> Booking:
    """Move a confirmed booking: at once with instant booking, else the other side answers.

    `when` is the caller's words, or the start they already confirmed.
    """
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking, by = await _mine(uow, booking_id, actor, "request_reschedule")
        policy = await uow.guilds.policy(actor.guild_id)
        start = when if isinstance(when, datetime) else None
        cmd = BookSession(
            actor, booking.tutor_id, 0, when=None if start else str(when), start=start
        )
        new_start = await _start_of(uow, cmd, policy, now)
        minutes = int((booking.end - booking.start).total_seconds() // 60)
        new_end = validate_booking_time(new_start, minutes, now, policy)
        await ensure_free(uow, booking, start=new_start, end=new_end, policy=policy, now=now)
        exclude = booking.booking_id
        if await uow.bookings.student_clash(
            booking.guild_id, booking.student_id, new_start, new_end, exclude
        ):
            raise ConflictError("student_busy")
        tutor = await uow.tutors.get(booking.guild_id, booking.tutor_id)
        instant = by is Party.STUDENT and tutor is not None and tutor.instant_booking
        booking, _ = booking.request_reschedule(new_start, new_end, by, now, instant=instant)
        await _after_time_change(uow, booking, policy, now, moved=instant, proposer=by)
        await uow.commit()
    ctx.after_commit()
    return booking


async def answer_reschedule(
    booking_id: int, actor: Actor, accepted: bool, ctx: ServiceContext
) -> Booking:
    """The other side accepts or declines a proposed new time."""
    now = ctx.clock.now()
    action = "accept_reschedule" if accepted else "decline_reschedule"
    async with ctx.uow() as uow:
        booking, by = await _mine(uow, booking_id, actor, action)
        policy = await uow.guilds.policy(actor.guild_id)
        if not accepted:
            proposer, proposed = booking.proposed_by, booking.proposed_start
            booking, _ = booking.decline_reschedule(by, now)
            await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
            to = booking.tutor_id if proposer is Party.TUTOR else booking.student_id
            await scheduling.notify(
                uow, booking, NoticeKind.RESCHEDULE_DECLINED, to, now, about=proposed
            )
        else:
            if booking.proposed_start and booking.proposed_end:
                await ensure_free(
                    uow,
                    booking,
                    start=booking.proposed_start,
                    end=booking.proposed_end,
                    policy=policy,
                    now=now,
                )
            booking, _ = booking.accept_reschedule(by, now)
            await _after_time_change(uow, booking, policy, now, moved=True, proposer=None)
        await uow.commit()
    ctx.after_commit()
    return booking


async def _after_time_change(
    uow: UnitOfWork,
    booking: Booking,
    policy: GuildPolicy,
    now: datetime,
    *,
    moved: bool,
    proposer: Party | None,
) -> None:
    await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
    if moved:
        await scheduling.drop_booking_work(uow, booking, now)
        await scheduling.schedule_reminders(uow, booking, policy)
        await payments.capture_if_far(uow, booking, policy, now)
        await scheduling.notify_both(uow, booking, NoticeKind.BOOKING_RESCHEDULED, now)
        await refresh_next_slot(uow, booking.guild_id, booking.tutor_id, policy, now)
    else:
        other = booking.student_id if proposer is Party.TUTOR else booking.tutor_id
        await scheduling.notify(
            uow, booking, NoticeKind.RESCHEDULE_REQUESTED, other, now, about=booking.proposed_start
        )


@dataclass(frozen=True, slots=True)
class BookingList:
    """`/bookings`: the caller's bookings, and notices that only reached the fallback channel."""

    bookings: list[Booking]
    fallback_notices: list[tuple[str, int | None, datetime]]
    payments: dict[int, Payment] = field(default_factory=dict)


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
    return BookingList(bookings, fallbacks, paid)


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
        tutor = await _bookable_tutor(uow, actor, tutor_id, now)
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
