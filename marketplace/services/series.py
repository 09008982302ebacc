"""Weekly series: plan the weeks, book them as one request, accept or decline them at once.

Issue 15 item 1. `plan` runs every check a single booking runs, for each week, and says
which weeks can't be booked and why, before **Confirm**; `book` books the others (each a
booking of its own, sharing one answer deadline) and sends the tutor one request;
`accept` and `decline` answer every week still waiting. Afterwards each week lives its
own life: reminders, space, attendance, review, cancel and reschedule.

In a paid server each week is a booking with its own payment, awaiting the card: the
student saves it once and each week is authorized shortly before it (`series_payments`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.caps import CapSide
from marketplace.domain.errors import ConflictError, DomainError, NotFoundError
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.series import (
    BookingSeries,
    SeriesWeek,
    bookable_weeks,
    check_weeks,
    weekly_starts,
)
from marketplace.domain.text import clean_text
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.ports.notice_details import SeriesDetails
from marketplace.services import bookings, payments, referral_credit, scheduling
from marketplace.services.actor import ByActor, OnBooking
from marketplace.services.availability import refresh_next_slot
from marketplace.services.bookings import BookingDraft, BookSession, ensure_not_restricted
from marketplace.services.caps import ensure_within_caps
from marketplace.services.context import ServiceContext, enter_guild


@dataclass(frozen=True, slots=True)
class BookSeries:
    """`/book ... repeat:weekly weeks:N`: the first week as a booking, and how many weeks."""

    book: BookSession
    weeks: int


@dataclass(frozen=True, slots=True)
class PlannedWeek:
    """One week as planned: its start, and what stops it being booked (None: nothing)."""

    week: SeriesWeek
    refusal: DomainError | None = None

    @property
    def bookable(self) -> bool:
        """Whether this week will be booked."""
        return self.week.bookable and self.refusal is None


@dataclass(frozen=True, slots=True)
class SeriesPlan:
    """Every week of the series, bookable or not, first week first."""

    weeks: tuple[PlannedWeek, ...]

    @property
    def bookable(self) -> list[PlannedWeek]:
        """The weeks that will be booked."""
        return [w for w in self.weeks if w.bookable]


@dataclass(frozen=True, slots=True)
class SeriesBooked:
    """The series and its bookings (requested, or confirmed for instant booking)."""

    series: BookingSeries
    bookings: tuple[Booking, ...]
    skipped: tuple[PlannedWeek, ...]


@dataclass(frozen=True, slots=True)
class OnSeries(ByActor):
    """The tutor's **Accept** or **Decline** on a series request."""

    series_id: int


async def _plan_in(
    uow: UnitOfWork, cmd: BookSeries, note: str, ctx: ServiceContext
) -> list[tuple[PlannedWeek, BookingDraft | None]]:
    """Each week with the draft it would book, or the error that refuses it."""
    check_weeks(cmd.weeks)
    policy = await uow.guilds.policy(cmd.book.actor.guild_id)
    first = await bookings.start_of(uow, cmd.book, policy, ctx.clock.now())
    zone = await uow.users.timezone(cmd.book.tutor_id) or await uow.users.timezone(
        cmd.book.actor.user_id
    )
    planned: list[tuple[PlannedWeek, BookingDraft | None]] = []
    for week in weekly_starts(first, cmd.weeks, ZoneInfo(zone or "UTC")):
        if week.start is None:
            planned.append((PlannedWeek(week), None))
            continue
        one = replace(cmd.book, start=week.start, when=None)
        try:
            draft = await bookings.prepare_draft(uow, one, note, ctx)
        except DomainError as refusal:
            planned.append((PlannedWeek(week, refusal), None))
            continue
        planned.append((PlannedWeek(week), draft))
    _refuse_if_nothing_fits(planned)
    return planned


def _refuse_if_nothing_fits(planned: list[tuple[PlannedWeek, BookingDraft | None]]) -> None:
    """Fewer than two weeks fit: the first refusal says why (it is usually every week's)."""
    fitting = [week for week, _ in planned if week.bookable]
    refusals = [week.refusal for week, _ in planned if week.refusal is not None]
    if len(fitting) < 2 and refusals:
        raise refusals[0]
    bookable_weeks([week.week for week in fitting])


async def plan(cmd: BookSeries, ctx: ServiceContext) -> SeriesPlan:
    """Every week of the series and whether it can be booked, before **Confirm**."""
    note = clean_text(cmd.book.note, field="note", max_len=bookings.NOTE_MAX, required=False)
    async with ctx.uow(read_only=True) as uow:
        planned = await _plan_in(uow, cmd, note, ctx)
    return SeriesPlan(tuple(week for week, _ in planned))


async def book(cmd: BookSeries, ctx: ServiceContext) -> SeriesBooked:
    """Book every week that fits, as one request to the tutor, in one transaction.

    The weeks share the earliest answer deadline, so one answer settles them all.
    """
    actor, now = cmd.book.actor, ctx.clock.now()
    note = clean_text(cmd.book.note, field="note", max_len=bookings.NOTE_MAX, required=False)
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        planned = await _plan_in(uow, cmd, note, ctx)
        drafts = [(week, draft) for week, draft in planned if draft is not None]
        policy = drafts[0][1].policy
        deadline = min(draft.booking.expires_at for _, draft in drafts)
        series = await uow.series.add(
            BookingSeries(
                0, actor.guild_id, actor.user_id, cmd.book.tutor_id,
                drafts[0][1].booking.subject_key, cmd.weeks, now,
            )
        )  # fmt: skip
        booked: list[Booking] = []
        buffer = timedelta(minutes=policy.buffer_minutes)
        for week, draft in drafts:
            booking, price = replace(draft.booking, expires_at=deadline), draft.price
            if price is not None:  # the student's referral credit comes off the fee
                booking, price = await referral_credit.credited(uow, booking, price, now)
            booking = await uow.bookings.add(booking, buffer)
            await uow.series.add_week(series.series_id, booking.booking_id, week.week.index)
            if price is not None:
                await payments.open_payment(uow, booking, price, policy, now)
            if cmd.book.channel_id is not None:
                await uow.booking_channels.remember(booking.booking_id, cmd.book.channel_id)
            booked.append(booking)
        await announce(uow, series, booked, policy, now)
        await refresh_next_slot(uow, actor.guild_id, cmd.book.tutor_id, policy, now)
        await uow.commit()
    ctx.after_commit()
    skipped = tuple(week for week, draft in planned if draft is None)
    return SeriesBooked(series, tuple(booked), skipped)


def _details(series: BookingSeries, weeks: list[Booking]) -> SeriesDetails:
    starts = ",".join(str(int(b.start.timestamp())) for b in weeks)
    return SeriesDetails(series=str(series.series_id), count=str(len(weeks)), starts=starts)


async def announce(
    uow: UnitOfWork,
    series: BookingSeries,
    booked: list[Booking],
    policy: GuildPolicy,
    now: datetime,
) -> None:
    """One request to the tutor (or, with instant booking, one confirmation to both).

    A paid series' weeks still awaiting the card are not announced: the tutor hears of
    them once the card is saved (`series_payments`).
    """
    first = booked[0]
    details = _details(series, booked)
    if first.state is BookingState.AWAITING_PAYMENT:
        return
    if first.state is BookingState.CONFIRMED:
        work = [action for booking in booked for action in scheduling.reminders(booking, policy)]
        work += scheduling.notices_to_both(first, NoticeKind.SERIES_CONFIRMED, now, details)
    else:
        work = [scheduling.expiry(booking) for booking in booked]
        work.append(
            scheduling.notice(
                first, NoticeKind.SERIES_REQUESTED, first.tutor_id, now, None, details
            )
        )
    await scheduling.schedule_all(uow, work)


async def _series_of_tutor(uow: UnitOfWork, cmd: OnSeries) -> BookingSeries:
    series = await uow.series.get(cmd.series_id)
    if series is None or series.guild_id != cmd.actor.guild_id:
        raise NotFoundError("booking", str(cmd.series_id))
    if series.tutor_id != cmd.actor.user_id:
        raise NotFoundError("booking", str(cmd.series_id))
    return series


async def _waiting_weeks(uow: UnitOfWork, series: BookingSeries) -> list[Booking]:
    waiting: list[Booking] = []
    for booking_id in await uow.series.booking_ids(series.series_id):
        booking = await uow.bookings.get(booking_id, for_update=True)
        if booking is not None and booking.state is BookingState.REQUESTED:
            waiting.append(booking)
    if not waiting:
        raise ConflictError("series_answered")
    return waiting


async def accept(cmd: OnSeries, ctx: ServiceContext) -> list[Booking]:
    """The tutor accepts every week still waiting; the student gets one confirmation."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        series = await _series_of_tutor(uow, cmd)
        waiting = await _waiting_weeks(uow, series)
        await ensure_not_restricted(uow, series.guild_id, (series.tutor_id, series.student_id), now)
        policy = await uow.guilds.policy(series.guild_id)
        buffer = timedelta(minutes=policy.buffer_minutes)
        accepted: list[Booking] = []
        for booking in waiting:
            await ensure_within_caps(uow, booking, policy, (CapSide.TUTOR,))
            confirmed, _ = booking.accept(booking.party_of(cmd.actor.user_id, "accept"), now)
            await uow.bookings.save(confirmed, buffer, now)
            await scheduling.drop_booking_work(uow, confirmed, now)
            await scheduling.schedule_reminders(uow, confirmed, policy)
            await payments.capture_if_far(uow, confirmed, policy, now)
            accepted.append(confirmed)
        await scheduling.notify(
            uow, accepted[0], NoticeKind.SERIES_CONFIRMED, series.student_id, now,
            details=_details(series, accepted),
        )  # fmt: skip
        await uow.commit()
    ctx.after_commit()
    return accepted


async def decline(cmd: OnSeries, ctx: ServiceContext) -> list[Booking]:
    """The tutor declines every week still waiting; the student is told once."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        series = await _series_of_tutor(uow, cmd)
        waiting = await _waiting_weeks(uow, series)
        policy = await uow.guilds.policy(series.guild_id)
        buffer = timedelta(minutes=policy.buffer_minutes)
        declined: list[Booking] = []
        for booking in waiting:
            gone, _ = booking.decline(booking.party_of(cmd.actor.user_id, "decline"), now)
            await uow.bookings.save(gone, buffer, now)
            await scheduling.drop_booking_work(uow, gone, now)
            declined.append(gone)
        await scheduling.notify(
            uow, declined[0], NoticeKind.BOOKING_DECLINED, series.student_id, now
        )
        await refresh_next_slot(uow, series.guild_id, series.tutor_id, policy, now)
        await uow.commit()
    ctx.after_commit()
    return declined


@dataclass(frozen=True, slots=True)
class CancelFollowing(OnBooking):
    """`/cancel booking: following:True`: this week of a series and every later one."""

    reason: str = ""


async def cancel_following(cmd: CancelFollowing, ctx: ServiceContext) -> list[Booking]:
    """Cancel this week and every later live week, each by policy; both are told once."""
    now = ctx.clock.now()
    reason = clean_text(cmd.reason, field="reason", max_len=bookings.NOTE_MAX, required=False)
    async with ctx.uow() as uow:
        booking, by = await bookings.owned_booking(uow, cmd.booking_id, cmd.actor, "cancel")
        membership = await uow.series.membership(booking.booking_id)
        if membership is None:
            raise ConflictError("not_a_series")
        series = await uow.series.get(membership.series_id)
        policy = await uow.guilds.policy(booking.guild_id)
        ids = await uow.series.booking_ids(membership.series_id)
        cancelled = [await bookings.cancel_in(uow, booking, by, policy, now)]
        for later_id in ids[ids.index(booking.booking_id) + 1 :]:
            later = await uow.bookings.get(later_id, for_update=True)
            if later is not None and later.live:
                cancelled.append(await bookings.cancel_in(uow, later, by, policy, now))
        if series is not None:
            details = replace(_details(series, cancelled), reason=reason)
            work = scheduling.notices_to_both(
                cancelled[0], NoticeKind.SERIES_CANCELLED, now, details
            )
            await scheduling.schedule_all(uow, work)
        await refresh_next_slot(uow, booking.guild_id, booking.tutor_id, policy, now)
        await uow.commit()
    ctx.after_commit()
    return cancelled
