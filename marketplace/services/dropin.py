"""Drop-in office hours: open and close them, join and leave the queue, Next, Skip, Done.

Issue 15 item 3. The rules are in `domain/dropin.py`; this module runs them in one
transaction each and schedules what follows: the live queue message (one SHOW_QUEUE per
change, each carrying the hours' `board_version`, so a burst of changes is shown once and
no change is missed), the student's DMs, and the session space. **Next** books a session
for the two (confirmed, free, starting now) and opens its space at once, so the space,
its Report button, the survey and the exports all work as for any booking.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from marketplace.domain.booking import Booking
from marketplace.domain.dropin import (
    MAX_HOURS,
    RECENT_HELPS,
    DropInHours,
    QueueBoard,
    Visit,
    VisitState,
    board_of,
    estimated_wait_minutes,
    goes_behind,
    help_end,
    in_line,
    median_help_minutes,
)
from marketplace.domain.errors import ConflictError, InputError, NotFoundError, Problem
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.scheduled import (
    ActionKind,
    ActionState,
    ClaimedAction,
    NewAction,
    booking_work,
)
from marketplace.domain.settlement import Outcome
from marketplace.domain.text import clean_text
from marketplace.jobs.runner import HandlerResult
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.ports.dropin import QueueBoards
from marketplace.ports.notice_details import QueueClosedDetails, QueueSkippedDetails
from marketplace.services import scheduling
from marketplace.services.actor import Actor
from marketplace.services.availability import first_open_slot
from marketplace.services.bookings import ensure_not_restricted
from marketplace.services.context import SYSTEM_ACTOR, ServiceContext, enter_guild
from marketplace.timeparse import WhenKind, parse_when

TOPIC_MAX = 200


@dataclass(frozen=True, slots=True)
class OpenHours:
    """`/queue open subject: [until] [channel]`: a tutor opens (or joins) drop-in hours."""

    actor: Actor
    subject_key: str
    channel_id: int
    until: str | None = None


@dataclass(frozen=True, slots=True)
class HoursOpened:
    """The hours the tutor now serves, and whether they joined hours already open."""

    hours: DropInHours
    subject: str
    joined: bool


@dataclass(frozen=True, slots=True)
class CloseHours:
    """`/queue close`: the tutor stops serving; the last tutor's close ends the hours."""

    actor: Actor


@dataclass(frozen=True, slots=True)
class HoursClosed:
    """What `/queue close` did: the subject, and whether the hours ended (else others go on)."""

    subject: str
    ended: bool
    told: int  # students still waiting who were told


@dataclass(frozen=True, slots=True)
class JoinQueue:
    """`/queue join subject: [topic]`."""

    actor: Actor
    subject_key: str
    topic: str = ""


@dataclass(frozen=True, slots=True)
class QueuePlace:
    """A student's place: 1 is next; `wait_minutes` is the estimate; 0 while being helped."""

    visit: Visit
    subject: str
    position: int
    wait_minutes: int
    tutor_id: int | None = None


@dataclass(frozen=True, slots=True)
class ByQueueStudent:
    """`/queue leave` and `/queue status`: about the caller's own place."""

    actor: Actor


@dataclass(frozen=True, slots=True)
class OnHours:
    """A tutor's **Next**, **Skip** or **Done** on one hours' queue message."""

    actor: Actor
    hours_id: int


@dataclass(frozen=True, slots=True)
class Called:
    """Who **Next** called, and the session booked for the two."""

    visit: Visit
    booking: Booking
    waiting: int


async def _known_subject(uow: UnitOfWork, guild_id: int, key: str) -> str:
    names = await uow.subjects.names(guild_id)
    if key not in names:
        raise InputError("subject", Problem.UNKNOWN_CHOICE)
    return names[key]


async def _until(uow: UnitOfWork, cmd: OpenHours, policy: GuildPolicy, now: datetime) -> datetime:
    """When the hours end: the typed `until` (in the tutor's zone), or the default length."""
    if not cmd.until:
        return now + timedelta(minutes=policy.queue_open_minutes)
    zone = await uow.users.timezone(cmd.actor.user_id)
    if zone is None:
        raise NotFoundError("timezone", str(cmd.actor.user_id))
    try:
        parsed = parse_when(cmd.until, zone=zone, now=now, languages=policy.languages)
    except InputError as error:  # worded for the `until` option, not a booking's `when`
        raise InputError("until", error.problem, error.limit) from error
    if parsed.kind is WhenKind.WEEKLY or parsed.start is None:
        raise InputError("until", Problem.UNPARSEABLE)
    until = parsed.end if parsed.end is not None and parsed.start <= now else parsed.start
    if until <= now:
        raise InputError("until", Problem.IN_THE_PAST)
    if until - now > timedelta(hours=MAX_HOURS):
        raise InputError("until", Problem.TOO_FAR_AHEAD, MAX_HOURS)
    return until


async def _board_changed(uow: UnitOfWork, hours: DropInHours, now: datetime) -> DropInHours:
    """Store a change the queue message must show, and queue the message's refresh."""
    hours = replace(hours, board_version=hours.board_version + 1)
    await uow.dropins.save_hours(hours)
    await uow.scheduled.schedule(
        NewAction(
            kind=ActionKind.SHOW_QUEUE,
            dedupe_key=f"{ActionKind.SHOW_QUEUE}:{hours.hours_id}:{hours.board_version}",
            guild_id=hours.guild_id,
            due_at=now,
            payload={"hours": hours.hours_id, "version": hours.board_version},
        )
    )
    return hours


def _close_work(hours: DropInHours) -> NewAction:
    return NewAction(
        kind=ActionKind.CLOSE_HOURS,
        dedupe_key=f"{ActionKind.CLOSE_HOURS}:{hours.hours_id}:{int(hours.until.timestamp())}",
        guild_id=hours.guild_id,
        due_at=hours.until,
        payload={"hours": hours.hours_id},
    )


async def open_hours(cmd: OpenHours, ctx: ServiceContext) -> HoursOpened:
    """Open the subject's drop-in hours, or join them if another tutor already has.

    Only a tutor of the guild who teaches the subject may; a later `until` given by a
    joining tutor extends the hours.
    """
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        subject = await _known_subject(uow, actor.guild_id, cmd.subject_key)
        tutor = await uow.tutors.get(actor.guild_id, actor.user_id)
        if tutor is None:
            raise ConflictError("queue_not_a_tutor")
        if cmd.subject_key not in {s.subject_key for s in tutor.subjects}:
            raise ConflictError("queue_subject_not_taught")
        await ensure_not_restricted(uow, actor.guild_id, (actor.user_id,), now)
        policy = await uow.guilds.policy(actor.guild_id)
        until = await _until(uow, cmd, policy, now)
        hours, joined = await _open_or_join(uow, cmd, until, now)
        hours = await _board_changed(uow, hours, now)
        await uow.scheduled.schedule(_close_work(hours))
        action = "dropin_joined" if joined else "dropin_opened"
        detail = {"hours": hours.hours_id, "subject": cmd.subject_key}
        await uow.audit.record(actor.guild_id, actor.user_id, action, detail, now)
        await uow.commit()
    ctx.after_commit()
    return HoursOpened(hours, subject, joined)


async def _open_or_join(
    uow: UnitOfWork, cmd: OpenHours, until: datetime, now: datetime
) -> tuple[DropInHours, bool]:
    actor = cmd.actor
    existing = await uow.dropins.open_hours_for(actor.guild_id, cmd.subject_key, for_update=True)
    if existing is None:
        fresh = DropInHours(
            hours_id=0, guild_id=actor.guild_id, subject_key=cmd.subject_key,
            channel_id=cmd.channel_id, opened_by=actor.user_id, opened_at=now, until=until,
            tutor_ids=(actor.user_id,),
        )  # fmt: skip
        added = await uow.dropins.add_hours(fresh)
        if added is not None:
            return added, False
        existing = await uow.dropins.open_hours_for(
            actor.guild_id, cmd.subject_key, for_update=True
        )
        if existing is None:  # opened and closed again between the two reads
            raise ConflictError("queue_changed")
    if existing.served_by(actor.user_id):
        raise ConflictError("queue_already_serving")
    joined = replace(
        existing,
        tutor_ids=(*existing.tutor_ids, actor.user_id),
        until=max(existing.until, until) if cmd.until else existing.until,
    )
    return joined, True


async def close_hours(cmd: CloseHours, ctx: ServiceContext) -> HoursClosed:
    """The tutor stops serving their hours; if nobody else serves them, the hours end."""
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        serving = await uow.dropins.open_hours_served_by(actor.guild_id, actor.user_id)
        if not serving:
            raise ConflictError("queue_not_serving")
        hours = await uow.dropins.hours(serving[0].hours_id, for_update=True)
        if hours is None or not hours.is_open:
            raise ConflictError("queue_changed")
        if await uow.dropins.helping(hours.hours_id, actor.user_id) is not None:
            raise ConflictError("queue_still_helping")
        subject = await uow.subjects.name_of(actor.guild_id, hours.subject_key)
        remaining = tuple(t for t in hours.tutor_ids if t != actor.user_id)
        told = 0
        if remaining:
            await _board_changed(uow, replace(hours, tutor_ids=remaining), now)
        else:
            told = await _end_hours(uow, hours, subject, actor.user_id, now)
        detail = {"hours": hours.hours_id, "ended": not remaining}
        await uow.audit.record(actor.guild_id, actor.user_id, "dropin_closed", detail, now)
        await uow.commit()
    ctx.after_commit()
    return HoursClosed(subject, not remaining, told)


async def _end_hours(
    uow: UnitOfWork, hours: DropInHours, subject: str, tutor_id: int, now: datetime
) -> int:
    """Close the hours: a help in progress is done, and each waiting student is told.

    Each one is offered the next bookable slot of `tutor_id`, the tutor who ended them.
    """
    policy = await uow.guilds.policy(hours.guild_id)
    waiting: list[Visit] = []
    for visit in await uow.dropins.in_queue(hours.hours_id):
        if visit.state is VisitState.HELPING:
            await _finish(uow, visit, Outcome.COMPLETED, policy, now)
        else:
            waiting.append(visit)
            await uow.dropins.save_visit(visit.closed(now))
    if waiting:
        slot = await first_open_slot(
            uow, hours.guild_id, tutor_id, policy, now,
            duration=timedelta(minutes=min(policy.allowed_durations_minutes)),
        )  # fmt: skip
        details = QueueClosedDetails(
            subject=subject,
            tutor=str(tutor_id),
            slot=str(int(slot.timestamp())) if slot else "",
        )
        for visit in waiting:
            await scheduling.notify_user(
                uow, hours.guild_id, NoticeKind.QUEUE_CLOSED, visit.student_id, now,
                f"dropin:{hours.hours_id}", details=details,
            )  # fmt: skip
    await _board_changed(uow, replace(hours, closed_at=now), now)
    return len(waiting)


async def close_due(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """The job at the hours' `until`: end them, unless they ended or were extended."""
    hours_id = int(action.payload.get("hours", 0))
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        hours = await uow.dropins.hours(hours_id, for_update=True)
        if hours is None or not hours.is_open:
            return HandlerResult(ActionState.SKIPPED, "hours already closed")
        if hours.until > now:
            return HandlerResult(ActionState.SKIPPED, "hours extended")
        subject = await uow.subjects.name_of(hours.guild_id, hours.subject_key)
        told = await _end_hours(uow, hours, subject, hours.opened_by, now)
        detail = {"hours": hours.hours_id, "ended": True}
        await uow.audit.record(hours.guild_id, SYSTEM_ACTOR, "dropin_closed", detail, now)
        await uow.commit()
    ctx.after_commit()
    return HandlerResult(ActionState.DONE, f"hours closed, {told} told")


async def _open_hours(uow: UnitOfWork, guild_id: int, subject_key: str) -> DropInHours:
    hours = await uow.dropins.open_hours_for(guild_id, subject_key, for_update=True)
    if hours is None:
        raise ConflictError("queue_not_open")
    return hours


async def _median(uow: UnitOfWork, hours: DropInHours, policy: GuildPolicy) -> float:
    recent = await uow.dropins.recent_help_minutes(hours.guild_id, hours.subject_key, RECENT_HELPS)
    return median_help_minutes(recent, policy.queue_help_minutes)


async def _place(uow: UnitOfWork, visit: Visit, hours: DropInHours) -> QueuePlace:
    """Where `visit` stands now, with the estimate from the recent helps."""
    subject = await uow.subjects.name_of(hours.guild_id, hours.subject_key)
    if visit.state is VisitState.HELPING:
        return QueuePlace(visit, subject, 0, 0, visit.tutor_id)
    line = in_line(await uow.dropins.in_queue(hours.hours_id))
    position = next(i for i, v in enumerate(line, 1) if v.visit_id == visit.visit_id)
    policy = await uow.guilds.policy(hours.guild_id)
    median = await _median(uow, hours, policy)
    wait = estimated_wait_minutes(position, len(hours.tutor_ids), median)
    return QueuePlace(visit, subject, position, wait)


async def join(cmd: JoinQueue, ctx: ServiceContext) -> QueuePlace:
    """Enter the subject's queue; a student helped too recently goes behind the others."""
    actor, now = cmd.actor, ctx.clock.now()
    topic = clean_text(cmd.topic, field="topic", max_len=TOPIC_MAX, required=False)
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        await _known_subject(uow, actor.guild_id, cmd.subject_key)
        hours = await _open_hours(uow, actor.guild_id, cmd.subject_key)
        if hours.served_by(actor.user_id):
            raise ConflictError("queue_own_hours")
        await ensure_not_restricted(uow, actor.guild_id, (actor.user_id,), now)
        if await uow.dropins.visit_of(actor.guild_id, actor.user_id) is not None:
            raise ConflictError("queue_already_in")
        policy = await uow.guilds.policy(actor.guild_id)
        last = await uow.dropins.last_helped_at(actor.guild_id, actor.user_id)
        fresh = Visit(
            visit_id=0, hours_id=hours.hours_id, guild_id=actor.guild_id,
            student_id=actor.user_id, topic=topic, joined_at=now, order_at=now,
            behind=goes_behind(last, now, policy.queue_rejoin_minutes),
        )  # fmt: skip
        visit = await uow.dropins.add_visit(fresh)
        if visit is None:  # a second /queue join raced this one
            raise ConflictError("queue_already_in")
        hours = await _board_changed(uow, hours, now)
        place = await _place(uow, visit, hours)
        await uow.commit()
    ctx.after_commit()
    return place


async def open_subjects(guild_id: int, ctx: ServiceContext) -> list[tuple[str, str]]:
    """The subjects with drop-in hours open now, as (key, name), oldest hours first."""
    async with ctx.uow(read_only=True) as uow:
        names = await uow.subjects.names(guild_id)
        open_now = await uow.dropins.open_hours_in(guild_id)
    return [(h.subject_key, names.get(h.subject_key, h.subject_key)) for h in open_now]


async def _own_visit(uow: UnitOfWork, actor: Actor) -> tuple[Visit, DropInHours]:
    visit = await uow.dropins.visit_of(actor.guild_id, actor.user_id)
    if visit is None:
        raise ConflictError("queue_not_in")
    hours = await uow.dropins.hours(visit.hours_id, for_update=True)
    if hours is None:
        raise ConflictError("queue_not_in")
    return visit, hours


async def leave(cmd: ByQueueStudent, ctx: ServiceContext) -> str:
    """Leave the queue before being called; the subject's name, for the answer."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        visit, hours = await _own_visit(uow, cmd.actor)
        if visit.state is VisitState.HELPING:
            raise ConflictError("queue_being_helped")
        await uow.dropins.save_visit(visit.left(now))
        await _board_changed(uow, hours, now)
        subject = await uow.subjects.name_of(hours.guild_id, hours.subject_key)
        await uow.commit()
    ctx.after_commit()
    return subject


async def status(cmd: ByQueueStudent, ctx: ServiceContext) -> QueuePlace:
    """The caller's place in line and the estimated wait."""
    async with ctx.uow(read_only=True) as uow:
        visit = await uow.dropins.visit_of(cmd.actor.guild_id, cmd.actor.user_id)
        if visit is None:
            raise ConflictError("queue_not_in")
        hours = await uow.dropins.hours(visit.hours_id)
        if hours is None:
            raise ConflictError("queue_not_in")
        return await _place(uow, visit, hours)


async def _serving(uow: UnitOfWork, cmd: OnHours) -> DropInHours:
    """The hours the button is for, locked, if the presser serves them and they are open."""
    hours = await uow.dropins.hours(cmd.hours_id, for_update=True)
    if hours is None or hours.guild_id != cmd.actor.guild_id:
        raise NotFoundError("queue", str(cmd.hours_id))
    if not hours.is_open:
        raise ConflictError("queue_closed")
    if not hours.served_by(cmd.actor.user_id):
        raise ConflictError("queue_not_your_hours")
    return hours


async def call_next(cmd: OnHours, ctx: ServiceContext) -> Called:
    """**Next**: call the first in line and book the two a session that starts now.

    Two tutors pressing at once call two different students: the first in line is read
    locked, and a row another transaction holds is passed over.
    """
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        hours = await _serving(uow, cmd)
        if await uow.dropins.helping(hours.hours_id, actor.user_id) is not None:
            raise ConflictError("queue_still_helping")
        await ensure_not_restricted(uow, actor.guild_id, (actor.user_id,), now)
        first = await uow.dropins.first_waiting(hours.hours_id)
        if first is None:  # the line's order (`Visit.line_key`) is the query's ORDER BY
            raise ConflictError("queue_empty")
        policy = await uow.guilds.policy(actor.guild_id)
        booking = await _book_help(uow, hours, first, actor.user_id, policy, now)
        visit = first.called(actor.user_id, booking.booking_id, now)
        await uow.dropins.save_visit(visit)
        await uow.dropins.record_help(booking.booking_id, visit.visit_id)
        await scheduling.notify(uow, booking, NoticeKind.QUEUE_CALLED, visit.student_id, now)
        hours = await _board_changed(uow, hours, now)
        waiting = len(in_line(await uow.dropins.in_queue(hours.hours_id)))
        await uow.commit()
    ctx.after_commit()
    return Called(visit, booking, waiting)


async def _book_help(  # noqa: PLR0917 - the hours, the visit, the tutor, policy and time
    uow: UnitOfWork,
    hours: DropInHours,
    visit: Visit,
    tutor_id: int,
    policy: GuildPolicy,
    now: datetime,
) -> Booking:
    """The session for one help: confirmed, free, from now until the tutor's next booking.

    Its space opens now and closes after the longest help; reminders and the attendance
    check don't apply (the two are already talking).
    """
    longest = timedelta(minutes=policy.queue_help_max_minutes)
    busy = await uow.bookings.tutor_busy(hours.guild_id, tutor_id, now, now + longest, None)
    next_busy = min((b.start for b in busy), default=None)
    end = help_end(now, longest, next_busy)
    draft, _ = Booking.request(
        booking_id=0, guild_id=hours.guild_id, student_id=visit.student_id,
        tutor_id=tutor_id, subject_key=hours.subject_key, start=now, end=end, now=now,
        policy=policy, note=visit.topic, instant=True,
    )  # fmt: skip
    booking = await uow.bookings.add(draft, timedelta(0))
    space_only = [
        work
        for work in scheduling.session_checks(booking, policy)
        if work.kind in {ActionKind.OPEN_SPACE, ActionKind.CLOSE_SPACE}
    ]
    await scheduling.schedule_all(uow, space_only)
    return booking


async def _helped_by(uow: UnitOfWork, cmd: OnHours) -> tuple[DropInHours, Visit]:
    hours = await _serving(uow, cmd)
    visit = await uow.dropins.helping(hours.hours_id, cmd.actor.user_id)
    if visit is None:
        raise ConflictError("queue_not_helping")
    return hours, visit


async def _finish(
    uow: UnitOfWork, visit: Visit, outcome: Outcome, policy: GuildPolicy, now: datetime
) -> Booking | None:
    """End a help's session now: its time is the tutor's again, its space closes after."""
    if visit.booking_id is None:
        return None
    booking = await uow.bookings.get(visit.booking_id, for_update=True)
    if booking is None or not booking.can_end_session(now):
        return booking
    ended, _ = replace(booking, end=max(now, booking.start)).end_session(outcome, now)
    await uow.bookings.save(ended, timedelta(0), now)
    await scheduling.drop_booking_work(uow, ended, now)
    # A "your turn" DM not yet delivered is stale now: the help is over.
    await uow.scheduled.skip_pending(ended.booking_id, frozenset({ActionKind.NOTIFY}), now)
    grace = now + timedelta(minutes=policy.space_closes_after_minutes)
    close_after = booking_work(
        ActionKind.CLOSE_SPACE, ended, f"{ActionKind.CLOSE_SPACE}:{ended.booking_id}:done", grace
    )
    await uow.scheduled.schedule(close_after)
    if visit.state is VisitState.HELPING and outcome is Outcome.COMPLETED:
        await uow.dropins.save_visit(visit.done(now))
    return ended


async def skip(cmd: OnHours, ctx: ServiceContext) -> Visit:
    """**Skip** (not here): the student goes to the back once, the second time out of line."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        hours, visit = await _helped_by(uow, cmd)
        policy = await uow.guilds.policy(hours.guild_id)
        booking = await _finish(uow, visit, Outcome.STUDENT_NO_SHOW, policy, now)
        skipped = visit.skipped(now)
        await uow.dropins.save_visit(skipped)
        if booking is not None:
            details = QueueSkippedDetails(out="yes" if skipped.state is VisitState.SKIPPED else "")
            await scheduling.notify(
                uow, booking, NoticeKind.QUEUE_SKIPPED, visit.student_id, now, details=details
            )
        await _board_changed(uow, hours, now)
        await uow.commit()
    ctx.after_commit()
    return skipped


async def done(cmd: OnHours, ctx: ServiceContext) -> Visit:
    """**Done**: the help is over; its length is recorded and the student gets the survey."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        hours, visit = await _helped_by(uow, cmd)
        policy = await uow.guilds.policy(hours.guild_id)
        booking = await _finish(uow, visit, Outcome.COMPLETED, policy, now)
        if booking is None:
            await uow.dropins.save_visit(visit.done(now))
        else:
            await scheduling.notify(uow, booking, NoticeKind.SURVEY, visit.student_id, now)
        await _board_changed(uow, hours, now)
        await uow.commit()
    ctx.after_commit()
    return visit.done(now)


async def board(hours_id: int, ctx: ServiceContext) -> QueueBoard | None:
    """What the hours' live queue message shows now (None: no such hours)."""
    async with ctx.uow(read_only=True) as uow:
        hours = await uow.dropins.hours(hours_id)
        if hours is None:
            return None
        subject = await uow.subjects.name_of(hours.guild_id, hours.subject_key)
        policy = await uow.guilds.policy(hours.guild_id)
        visits = await uow.dropins.in_queue(hours_id)
        median = await _median(uow, hours, policy)
    return board_of(hours, subject, visits, median)


async def show_board(
    action: ClaimedAction, ctx: ServiceContext, boards: QueueBoards
) -> HandlerResult:
    """The job after each change: post or edit the live queue message, once per burst.

    A job whose version a newer change has passed leaves the showing to that change's
    job. The first post is made holding the hours' row, so two jobs racing to show a new
    queue post one message, not two.
    """
    hours_id = int(action.payload.get("hours", 0))
    shown = await board(hours_id, ctx)
    if shown is None:
        return HandlerResult(ActionState.SKIPPED, "hours gone")
    if int(action.payload.get("version", 0)) < shown.hours.board_version:
        return HandlerResult(ActionState.SKIPPED, "a newer change shows the queue")
    if shown.hours.message_id is not None:
        await boards.show(shown)
    else:
        await _post_first(shown, ctx, boards)
    return HandlerResult(ActionState.DONE, f"queue shown ({shown.waiting} waiting)")


async def _post_first(shown: QueueBoard, ctx: ServiceContext, boards: QueueBoards) -> None:
    async with ctx.uow() as uow:
        hours = await uow.dropins.hours(shown.hours.hours_id, for_update=True)
        if hours is None:
            return
        message_id = await boards.show(replace(shown, hours=hours))
        if message_id is not None and message_id != hours.message_id:
            await uow.dropins.save_hours(replace(hours, message_id=message_id))
            await uow.commit()
