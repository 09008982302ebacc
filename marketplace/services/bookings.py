"""Booking use cases: book, accept, decline, cancel, reschedule, list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from marketplace.domain.availability import Busy, overlaps_with_buffer
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
from marketplace.domain.caps import CapSide
from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    NotFoundError,
    Problem,
)
from marketplace.domain.money import Quote
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.profiles import TutorProfile, TutorStatus
from marketplace.domain.ranking import cancel_tally
from marketplace.domain.scheduled import NewAction
from marketplace.domain.text import clean_text
from marketplace.domain.verification import required_level
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.ports.bookings import TutorGate
from marketplace.ports.notice_details import CancelledDetails, RequestDetails
from marketplace.services import group_waitlist, payments, referral_credit, reviews, scheduling
from marketplace.services.actor import Actor
from marketplace.services.availability import (
    KnownAvailability,
    availability_of,
    open_slots,
    refresh_next_slot,
)
from marketplace.services.caps import ensure_within_caps
from marketplace.services.context import ServiceContext, enter_guild, guild_booking
from marketplace.timeparse import WhenKind, parse_when

NOTE_MAX = 300


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
    channel_id: int | None = None  # where it was booked: a space's last fallback


async def start_of(
    uow: UnitOfWork, cmd: BookSession, policy: GuildPolicy, now: datetime
) -> datetime:
    """The start the command picked, or its typed `when` read in the caller's zone."""
    if cmd.start is not None:
        return cmd.start
    return await typed_start(uow, cmd.actor, cmd.when, policy, now)


async def typed_start(
    uow: UnitOfWork, actor: Actor, when: str | None, policy: GuildPolicy, now: datetime
) -> datetime:
    """A typed one-off time ("tomorrow 5pm") read in the actor's zone, as an aware start."""
    if not when:
        raise InputError("when", Problem.EMPTY)
    zone = await uow.users.timezone(actor.user_id)
    if zone is None:
        raise NotFoundError("timezone", str(actor.user_id))
    parsed = parse_when(when, zone=zone, now=now, languages=policy.languages)
    if parsed.kind is WhenKind.WEEKLY or parsed.start is None:
        raise InputError("when", Problem.UNPARSEABLE)
    return parsed.start


async def bookable_tutor(
    uow: UnitOfWork, actor: Actor, tutor_id: int, now: datetime
) -> TutorProfile:
    """The tutor `actor` may book, or the reason they may not (not found, paused, restricted)."""
    tutor, _gate = await _bookable(uow, actor, tutor_id, now)
    return tutor


async def _bookable(
    uow: UnitOfWork, actor: Actor, tutor_id: int, now: datetime
) -> tuple[TutorProfile, TutorGate]:
    tutor = await uow.tutors.get(actor.guild_id, tutor_id)
    if tutor is None:
        raise NotFoundError("tutor", str(tutor_id))
    gate = await uow.bookings.tutor_gate(actor.guild_id, actor.user_id, tutor_id, now)
    if gate.blocked:
        raise NotFoundError("tutor", str(tutor_id))
    if tutor.status is TutorStatus.PAUSED:
        raise ConflictError("tutor_paused")
    if gate.restricted:
        raise ConflictError("restricted")
    return tutor, gate


async def ensure_not_restricted(
    uow: UnitOfWork, guild_id: int, users: tuple[int, ...], now: datetime
) -> None:
    """Refuse (ConflictError("restricted")) if a moderator restriction holds any of `users`."""
    for user in users:
        if await uow.blocks.restricted(guild_id, user, now):
            raise ConflictError("restricted")


def ensure_verified_for(tutor: TutorProfile, subject_key: str, policy: GuildPolicy) -> None:
    """Refuse (ConflictError("tutor_not_verified")) a tutor below the subject's required level."""
    required = required_level(policy.verification_required_subjects, subject_key)
    if not tutor.verification.at_least(required):
        raise ConflictError("tutor_not_verified")


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
    student_busy: bool | None = None,
) -> None:
    """Refuse a request the tutor could not answer in time, or that double-books the student.

    `student_busy`, when the caller already read it, spares reading it again.
    """
    paying = booking.state is BookingState.AWAITING_PAYMENT
    earliest = earliest_start(now, policy, instant=booking.instant, paying=paying)
    if start < earliest:
        minutes = int((earliest - now).total_seconds() // 60)
        raise InputError("when", Problem.TOO_SOON, minutes)
    exclude = booking.booking_id or None
    if student_busy is None:
        student_busy = await uow.bookings.student_clash(
            booking.guild_id, booking.student_id, start, end, exclude
        )
    if student_busy:
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


def slot_window(start: datetime, end: datetime, policy: GuildPolicy) -> tuple[datetime, datetime]:
    """The tutor's bookings that can decide whether `start` is free lie in this range."""
    reach = end - start + timedelta(minutes=policy.buffer_minutes)
    return start - reach, start + timedelta(minutes=1) + reach


async def ensure_free_among(
    uow: UnitOfWork,
    booking: Booking,
    *,
    busy: list[Busy],
    known: KnownAvailability,
    policy: GuildPolicy,
    now: datetime,
) -> None:
    """`ensure_free` against bookings and availability already read in this transaction.

    `busy` covers `slot_window`. It is one snapshot for both questions, so a booking a
    racer commits after it is not seen at all: the insert then meets the overlap guard
    (the write lock on SQLite, the exclusion constraint on PostgreSQL) as "slot_taken".
    """
    start, end = booking.start, booking.end
    buffer = timedelta(minutes=policy.buffer_minutes)
    if any(overlaps_with_buffer(b.start, b.end, start, end, buffer) for b in busy):
        raise ConflictError("slot_taken")
    starts = await open_slots(
        uow, booking.guild_id, booking.tutor_id, policy, now,
        duration=end - start, within=(start, start + timedelta(minutes=1)),
        known=known, busy=busy,
    )  # fmt: skip
    if start not in starts:
        raise ConflictError("not_available")


@dataclass(frozen=True, slots=True)
class BookingDraft:
    """A booking that passed every check, not stored yet, with what the checks read."""

    booking: Booking
    policy: GuildPolicy
    price: Quote | None
    known: KnownAvailability
    next_slot_at: datetime | None  # the tutor's, as cached before this booking


async def prepare_draft(
    uow: UnitOfWork, cmd: BookSession, note: str, ctx: ServiceContext
) -> BookingDraft:
    """Every check a booking must pass; the draft booking (no id yet), policy and price.

    The tutor's availability is read once, from now on: it decides this slot, and is
    there again should the tutor's next open slot need recomputing.
    """
    actor, now = cmd.actor, ctx.clock.now()
    policy = await uow.guilds.policy(actor.guild_id)
    start = await start_of(uow, cmd, policy, now)
    end = validate_booking_time(start, cmd.duration_minutes, now, policy)
    tutor, gate = await _bookable(uow, actor, cmd.tutor_id, now)
    subject = await _subject_for(uow, cmd, tutor)
    ensure_verified_for(tutor, subject, policy)
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
    await ensure_within_caps(uow, draft, policy)
    around = await uow.bookings.surroundings(
        draft, tutor_window=slot_window(start, end, policy), start=start, end=end, exclude=None
    )
    known = await availability_of(uow, actor.guild_id, [cmd.tutor_id], now)
    await ensure_free_among(uow, draft, busy=around.tutor_busy, known=known, policy=policy, now=now)
    await ensure_answerable(
        uow, draft, start=start, end=end, policy=policy, now=now,
        student_busy=around.student_busy,
    )  # fmt: skip
    return BookingDraft(draft, policy, price, known, gate.next_slot_at)


def next_slot_kept(
    next_slot_at: datetime | None, booking: Booking, policy: GuildPolicy, now: datetime
) -> bool:
    """Whether the tutor's cached next open slot is still their next one after `booking`.

    A booking only takes time away, so a next slot that is still bookable and that the
    booking (with its buffer) leaves free stays the first open one.
    """
    if next_slot_at is None:
        return False
    shortest = timedelta(minutes=min(policy.allowed_durations_minutes))
    if next_slot_at < now + timedelta(minutes=policy.min_notice_minutes):
        return False
    buffer = timedelta(minutes=policy.buffer_minutes)
    return not overlaps_with_buffer(
        booking.start, booking.end, next_slot_at, next_slot_at + shortest, buffer
    )


async def check_bookable(cmd: BookSession, ctx: ServiceContext) -> datetime:
    """Every check `book` makes, without booking: the start to echo back for Confirm."""
    note = clean_text(cmd.note, field="note", max_len=NOTE_MAX, required=False)
    async with ctx.uow(read_only=True) as uow:
        draft = await prepare_draft(uow, cmd, note, ctx)
    return draft.booking.start


async def book(cmd: BookSession, ctx: ServiceContext) -> Booking:
    """Request a session (or confirm it at once with instant booking).

    In a paid guild the booking awaits payment first: it holds the slot until the
    checkout expires, and reaches the tutor once the payment is held. Everything the
    booking schedules goes in one statement.
    """
    actor, now = cmd.actor, ctx.clock.now()
    note = clean_text(cmd.note, field="note", max_len=NOTE_MAX, required=False)
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        draft = await prepare_draft(uow, cmd, note, ctx)
        policy, price, booking = draft.policy, draft.price, draft.booking
        if price is not None:  # the student's referral credit comes off the fee
            booking, price = await referral_credit.credited(uow, booking, price, now)
        booking = await uow.bookings.add(booking, timedelta(minutes=policy.buffer_minutes))
        if cmd.channel_id is not None:
            await uow.booking_channels.remember(booking.booking_id, cmd.channel_id)
        work: list[NewAction] = []
        if price is not None:
            await payments.open_payment(uow, booking, price, policy, now)
        elif booking.state is BookingState.CONFIRMED:
            work += scheduling.notices_to_both(booking, NoticeKind.BOOKING_CONFIRMED, now)
            work += scheduling.reminders(booking, policy)
        else:
            standing = RequestDetails.from_fields(
                await reviews.student_standing(uow, booking, policy)
            )
            tutor = booking.tutor_id
            work.append(
                scheduling.notice(booking, NoticeKind.BOOKING_REQUESTED, tutor, now, None, standing)
            )
            work.append(scheduling.expiry(booking))
        await scheduling.schedule_all(uow, work)
        if not next_slot_kept(draft.next_slot_at, booking, policy, now):
            await refresh_next_slot(
                uow, actor.guild_id, cmd.tutor_id, policy, now, known=draft.known
            )
        await uow.commit()
    ctx.after_commit()
    return booking


async def owned_booking(
    uow: UnitOfWork, booking_id: int, actor: Actor, action: str, *, for_update: bool = True
) -> tuple[Booking, Party]:
    """The booking in the actor's guild, and which side of it they are (else NotFound)."""
    booking = await guild_booking(uow, actor, booking_id, for_update=for_update)
    return booking, booking.party_of(actor.user_id, action)


@dataclass(frozen=True, slots=True)
class AcceptBooking:
    """The Accept button on a booking request."""

    actor: Actor
    booking_id: int


async def accept(command: AcceptBooking, ctx: ServiceContext) -> Booking:
    """The tutor accepts a request; both sides get the confirmation.

    Refused while either side is restricted (the tutor can still decline).
    """
    actor, booking_id = command.actor, command.booking_id
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking, by = await owned_booking(uow, booking_id, actor, "accept")
        parties = (booking.tutor_id, booking.student_id)
        await ensure_not_restricted(uow, booking.guild_id, parties, now)
        policy = await uow.guilds.policy(actor.guild_id)
        await ensure_within_caps(uow, booking, policy, (CapSide.TUTOR,))
        booking, _ = booking.accept(by, now)
        await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
        await scheduling.drop_booking_work(uow, booking, now)
        await scheduling.notify_both(uow, booking, NoticeKind.BOOKING_CONFIRMED, now)
        await scheduling.schedule_reminders(uow, booking, policy)
        await payments.capture_if_far(uow, booking, policy, now)
        await uow.commit()
    ctx.after_commit()
    return booking


@dataclass(frozen=True, slots=True)
class DeclineBooking:
    """The Decline button on a booking request."""

    actor: Actor
    booking_id: int


async def decline(command: DeclineBooking, ctx: ServiceContext) -> Booking:
    """The tutor declines a request; the student is told and the time frees up."""
    actor, booking_id = command.actor, command.booking_id
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking, by = await owned_booking(uow, booking_id, actor, "decline")
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


@dataclass(frozen=True, slots=True)
class PreviewCancellation:
    """The Cancel button on a booking, before the user confirms."""

    actor: Actor
    booking_id: int


async def cancellation_preview(
    command: PreviewCancellation, ctx: ServiceContext
) -> tuple[Booking, CancellationOutcome]:
    """What cancelling now would mean, shown before the user confirms."""
    actor, booking_id = command.actor, command.booking_id
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        booking, by = await owned_booking(uow, booking_id, actor, "cancel", for_update=False)
        policy = await uow.guilds.policy(actor.guild_id)
    if booking.state not in ALLOWED_FROM["cancel"]:
        raise InvalidTransitionError("booking", booking.state, "cancel")
    return booking, cancellation_outcome(by, booking.start, now, policy)


@dataclass(frozen=True, slots=True)
class CancelBooking:
    """The cancel form of a booking, confirmed with an optional reason."""

    actor: Actor
    booking_id: int
    reason: str = ""


async def cancel(command: CancelBooking, ctx: ServiceContext) -> Booking:
    """Cancel by policy; both sides are told (with the reason), late tutor cancels count.

    A tutor calling off a confirmed booking also counts against their completion rate.
    """
    actor, booking_id, reason = command.actor, command.booking_id, command.reason
    now = ctx.clock.now()
    reason = clean_text(reason, field="reason", max_len=NOTE_MAX, required=False)
    async with ctx.uow() as uow:
        booking, by = await owned_booking(uow, booking_id, actor, "cancel")
        policy = await uow.guilds.policy(actor.guild_id)
        booking = await cancel_in(uow, booking, by, policy, now)
        await scheduling.notify_both(
            uow, booking, NoticeKind.BOOKING_CANCELLED, now, details=CancelledDetails(reason)
        )
        await refresh_next_slot(uow, booking.guild_id, booking.tutor_id, policy, now)
        await uow.commit()
    ctx.after_commit()
    return booking


async def cancel_in(
    uow: UnitOfWork, booking: Booking, by: Party, policy: GuildPolicy, now: datetime
) -> Booking:
    """Inside the caller's transaction: cancel by policy, settle the money, drop the work.

    A late cancel by the tutor counts towards their penalty; telling the two sides is the
    caller's (one notice for one booking, one for a series' weeks).
    """
    was_confirmed = booking.state is BookingState.CONFIRMED
    booking, event = booking.cancel(by, now, policy)
    await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
    tally = cancel_tally(by, was_confirmed=was_confirmed)
    await uow.search.add_completion(booking.guild_id, booking.tutor_id, tally)
    await scheduling.drop_booking_work(uow, booking, now)
    await scheduling.close_space_soon(uow, booking, now)
    split = (event.refund_percent, event.tutor_share_percent)
    await payments.settle_booking(uow, booking, split, policy, now)
    await group_waitlist.seat_freed(uow, booking, policy, now)
    if by is Party.TUTOR and event.late:
        since = now - timedelta(days=policy.late_cancel_window_days)
        late = await uow.bookings.late_cancels_by_tutor(booking.guild_id, booking.tutor_id, since)
        until = penalty_ends_at(late, policy)
        if until is not None and until > now:
            await uow.search.set_penalty(booking.guild_id, booking.tutor_id, until)
    return booking
