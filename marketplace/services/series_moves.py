"""Rescheduling "this and the following" weeks of a weekly series, answered once.

Issue 15 item 1. `/reschedule booking: when: following:True` moves the week to `when`
and every later live week by the same offset in the tutor's wall-clock time (so the
series keeps its local time across a daylight-saving change, as `weekly_starts` does).
`plan` lists each week's new time, or why it can't move (it clashes, or falls in a DST
gap); those weeks keep their time if the requester confirms. The other side then
accepts or declines the whole move once (with instant booking, a student's move is made
at once). Each week is checked and moved as a single reschedule would be; the booking,
its payment and its space stay the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.cancellation import Party
from marketplace.domain.errors import ConflictError, DomainError
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.series import BookingSeries, moved_weeks
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.ports.notice_details import SeriesDetails
from marketplace.services import rescheduling, scheduling
from marketplace.services.actor import OnBooking
from marketplace.services.bookings import (
    BookSession,
    ensure_free,
    ensure_not_restricted,
    owned_booking,
    start_of,
)
from marketplace.services.context import ServiceContext
from marketplace.services.series import PlannedWeek, SeriesPlan


@dataclass(frozen=True, slots=True)
class MoveFollowing(OnBooking):
    """`/reschedule booking: when: following:True`: this week and the later ones."""

    when: str | datetime


@dataclass(frozen=True, slots=True)
class AnswerMove(OnBooking):
    """Accept or Decline, once, on a proposed move of a series' weeks (from this one)."""

    accepted: bool


@dataclass(frozen=True, slots=True)
class MovePlan:
    """The weeks to move, first the one named, each with its new time or its refusal."""

    weeks: tuple[Booking, ...]
    plan: SeriesPlan

    @property
    def movable(self) -> list[tuple[Booking, datetime]]:
        """The weeks that will move, with their new start."""
        return [
            (week, planned.week.start)
            for week, planned in zip(self.weeks, self.plan.weeks, strict=True)
            if planned.bookable and planned.week.start is not None
        ]


async def _series_weeks(uow: UnitOfWork, booking: Booking) -> tuple[BookingSeries, list[Booking]]:
    """The booking's series and its week with every later confirmed one, locked."""
    membership = await uow.series.membership(booking.booking_id)
    found = await uow.series.get(membership.series_id) if membership else None
    if found is None:
        raise ConflictError("not_a_series")
    ids = await uow.series.booking_ids(found.series_id)
    weeks = [booking]
    for later_id in ids[ids.index(booking.booking_id) + 1 :]:
        later = await uow.bookings.get(later_id, for_update=True)
        if later is not None and later.state is BookingState.CONFIRMED:
            weeks.append(later)
    return found, weeks


async def _plan_in(
    uow: UnitOfWork, cmd: MoveFollowing, ctx: ServiceContext
) -> tuple[MovePlan, Party, BookingSeries, GuildPolicy]:
    """Every week's new time, or the refusal that keeps it; the first must be movable."""
    now = ctx.clock.now()
    booking, by = await owned_booking(uow, cmd.booking_id, cmd.actor, "request_reschedule")
    found, weeks = await _series_weeks(uow, booking)
    policy = await uow.guilds.policy(booking.guild_id)
    start = cmd.when if isinstance(cmd.when, datetime) else None
    asked = BookSession(
        cmd.actor, booking.tutor_id, 0, when=None if start else str(cmd.when), start=start
    )
    new_start = await start_of(uow, asked, policy, now)
    zone = await uow.users.timezone(booking.tutor_id) or "UTC"
    targets = moved_weeks([w.start for w in weeks], booking.start, new_start, ZoneInfo(zone))
    planned: list[PlannedWeek] = []
    for week, target in zip(weeks, targets, strict=True):
        refusal: DomainError | None = None
        if target.start is not None:
            try:
                await rescheduling.check_new_time(uow, week, target.start, policy, now)
            except DomainError as error:
                refusal = error
        planned.append(PlannedWeek(target, refusal))
    if not planned[0].bookable:
        if planned[0].refusal is not None:
            raise planned[0].refusal
        raise ConflictError("series_move_gap")
    return MovePlan(tuple(weeks), SeriesPlan(tuple(planned))), by, found, policy


async def plan(cmd: MoveFollowing, ctx: ServiceContext) -> MovePlan:
    """Each week's new time, or why it keeps its time, before **Confirm**."""
    async with ctx.uow(read_only=True) as uow:
        moves, *_ = await _plan_in(uow, cmd, ctx)
    return moves


def _details(found: BookingSeries, weeks: list[Booking], *, proposed: bool) -> SeriesDetails:
    starts = [w.proposed_start if proposed and w.proposed_start else w.start for w in weeks]
    return SeriesDetails(
        series=str(found.series_id),
        count=str(len(weeks)),
        starts=",".join(str(int(s.timestamp())) for s in starts),
    )


async def move_following(cmd: MoveFollowing, ctx: ServiceContext) -> list[Booking]:
    """Propose (or, instant, make) the move of every week that can move; tell once."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        moves, by, found, policy = await _plan_in(uow, cmd, ctx)
        await ensure_not_restricted(uow, found.guild_id, (cmd.actor.user_id,), now)
        instant = await rescheduling.moves_at_once(uow, moves.weeks[0], by)
        changed: list[Booking] = []
        for week, start in moves.movable:
            end = start + (week.end - week.start)
            moved, _ = week.request_reschedule(start, end, by, now, instant=instant)
            await rescheduling.after_time_change(
                uow, moved, policy, now, moved=instant, proposer=by, tell=False
            )
            changed.append(moved)
        first = changed[0]
        if instant:
            details = _details(found, changed, proposed=False)
            work = scheduling.notices_to_both(first, NoticeKind.SERIES_MOVED, now, details)
            await scheduling.schedule_all(uow, work)
        else:
            other = first.tutor_id if by is Party.STUDENT else first.student_id
            details = _details(found, changed, proposed=True)
            await scheduling.notify(
                uow, first, NoticeKind.SERIES_MOVE_REQUESTED, other, now,
                about=first.proposed_start, details=details,
            )  # fmt: skip
        await uow.commit()
    ctx.after_commit()
    return changed


async def answer_move(cmd: AnswerMove, ctx: ServiceContext) -> list[Booking]:
    """Accept or decline every week of the move still waiting for this side's answer.

    Returns the weeks that moved (accepted) or kept their time (declined). A week whose
    new time was taken meanwhile keeps its old time (declined alone).
    """
    now = ctx.clock.now()
    action = "accept_reschedule" if cmd.accepted else "decline_reschedule"
    async with ctx.uow() as uow:
        booking, by = await owned_booking(uow, cmd.booking_id, cmd.actor, action)
        found, weeks = await _series_weeks(uow, booking)
        waiting = [w for w in weeks if w.proposed_start is not None and w.proposed_by != by]
        if not waiting:
            raise ConflictError("series_answered")
        if cmd.accepted:
            await ensure_not_restricted(uow, found.guild_id, (cmd.actor.user_id,), now)
        policy = await uow.guilds.policy(booking.guild_id)
        answered = [
            await _answer(uow, week, by, policy, now, accepted=cmd.accepted) for week in waiting
        ]
        moved = [week for week, did in answered if did]
        await _tell(uow, found, waiting, now, answered=[w for w, _ in answered], moved=moved)
        await uow.commit()
    ctx.after_commit()
    return moved if cmd.accepted else [week for week, _ in answered]


async def _answer(
    uow: UnitOfWork, week: Booking, by: Party, policy: GuildPolicy, now: datetime, *, accepted: bool
) -> tuple[Booking, bool]:
    """One week's answer; True when it moved."""
    if accepted and week.proposed_start and week.proposed_end:
        try:
            await ensure_free(
                uow, week, start=week.proposed_start, end=week.proposed_end, policy=policy, now=now
            )
        except DomainError:
            accepted = False
    if not accepted:
        kept, _ = week.decline_reschedule(by, now)
        await rescheduling.after_time_change(
            uow, kept, policy, now, moved=False, proposer=None, tell=False
        )
        return kept, False
    moved, _ = week.accept_reschedule(by, now)
    await rescheduling.after_time_change(
        uow, moved, policy, now, moved=True, proposer=None, tell=False
    )
    return moved, True


async def _tell(
    uow: UnitOfWork,
    found: BookingSeries,
    waiting: list[Booking],
    now: datetime,
    *,
    answered: list[Booking],
    moved: list[Booking],
) -> None:
    """Both hear of the weeks that moved; the proposer also hears if none did."""
    if moved:
        work = scheduling.notices_to_both(
            moved[0], NoticeKind.SERIES_MOVED, now, _details(found, moved, proposed=False)
        )
        await scheduling.schedule_all(uow, work)
        return
    first = answered[0]
    proposer = waiting[0].proposed_by
    to = first.tutor_id if proposer is Party.TUTOR else first.student_id
    details = _details(found, waiting, proposed=True)
    await scheduling.notify(
        uow, first, NoticeKind.SERIES_MOVE_DECLINED, to, now,
        about=waiting[0].proposed_start, details=details,
    )  # fmt: skip
