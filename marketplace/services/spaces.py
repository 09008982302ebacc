"""Session spaces: open before the start, consent, voice presence, close after the end.

SPEC.md section 1 step 6 and "Attendance". Opening is claimed in the database first
(one opener per booking, even with a reminder and the scheduled opening racing), then
made on Discord through the `SessionSpaces` port, then recorded. Closing happens at the
end plus the grace, at once when a booking is cancelled or moved, and through the
reconciler, which queues the closing of any open space whose booking is over. Closing
is retried a bounded number of times; what Discord refuses, or what never got through,
is reported to the admins.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from marketplace.domain.attendance import can_check_in
from marketplace.domain.booking import Booking
from marketplace.domain.errors import ConflictError
from marketplace.domain.policy import GuildPolicy, with_setting
from marketplace.domain.scheduled import (
    ActionKind,
    ActionState,
    ClaimedAction,
    NewAction,
    booking_work,
)
from marketplace.domain.spaces import (
    SessionSpace,
    SpaceStatus,
    agree,
    should_close,
    should_open,
    with_voice,
)
from marketplace.jobs.runner import HandlerResult
from marketplace.ports import (
    OpenedSpace,
    SessionSpaces,
    SpacePlan,
    SpaceUnavailableError,
    UnitOfWork,
)
from marketplace.services import attendance
from marketplace.services.actor import OnBooking
from marketplace.services.context import SYSTEM_ACTOR, ServiceContext, seat_booking

SWEEP_EVERY = timedelta(minutes=10)
SWEEP_BATCH = 200
ALERT_AGAIN_AFTER = timedelta(hours=24)
OPENING_POLLS = 40  # × 0.25 s: how long a reminder waits for a space being opened
OPENING_POLL_SECONDS = 0.25


@dataclass(frozen=True, slots=True)
class Agreement:
    """What pressing I agree did."""

    first_time: bool
    voice_id: int | None


async def _plan(uow: UnitOfWork, booking: Booking) -> SpacePlan:
    policy = await uow.guilds.policy(booking.guild_id)
    tutor = await uow.tutors.get(booking.guild_id, booking.tutor_id)
    return SpacePlan(
        guild_id=booking.guild_id,
        booking_id=booking.booking_id,
        student_id=booking.student_id,
        tutor_id=booking.tutor_id,
        subject=await uow.subjects.name_of(booking.guild_id, booking.subject_key),
        start=booking.start,
        end=booking.end,
        sessions_channel_id=policy.sessions_channel,
        with_voice=tutor is not None and with_voice(tutor.formats),
        moderator_role_id=policy.moderator_role,
        moderators_see=policy.moderators_see_spaces,
        recording_allowed=policy.recording_allowed,
        booking_channel_id=await uow.booking_channels.of(booking.booking_id),
        others=await _other_seats(uow, booking),
    )


async def _other_seats(uow: UnitOfWork, booking: Booking) -> tuple[int, ...]:
    """A seat's fellow students, who share its space; none for a one-to-one booking."""
    if booking.group_id is None:
        return ()
    seats = await uow.groups.seats(booking.group_id)
    return tuple(seat.student_id for seat in seats if seat.booking_id != booking.booking_id)


class GroupSpaceOpeningError(Exception):
    """Another seat's opener is making the group's space: this seat joins it on a retry."""


async def _group_space(uow: UnitOfWork, booking: Booking, now: datetime) -> SessionSpace | None:
    """For a seat: the group's open space, now this seat's too; None to open it here.

    The group is locked first, so of two seats opening at once one makes the space and
    the other joins it; while it is being made, joining raises and is retried.
    """
    if booking.group_id is None:
        return None
    await uow.groups.get(booking.group_id, for_update=True)
    shared = await uow.spaces.of_group(booking.group_id, exclude=booking.booking_id)
    if shared is None:
        return None
    if not shared.is_live:
        raise GroupSpaceOpeningError(str(booking.group_id))
    await uow.spaces.claim(booking.booking_id, booking.guild_id, now)
    joined = replace(shared, booking_id=booking.booking_id, claimed_at=now, student_agreed_at=None)
    await uow.spaces.save(joined)
    return joined


@dataclass(frozen=True, slots=True)
class _ToOpen:
    """The right to open a booking's space, taken: what to open."""

    booking: Booking
    policy: GuildPolicy
    plan: SpacePlan


@dataclass(frozen=True, slots=True)
class _Joined:
    """A seat's row now points at its group's open space: only letting them in is left."""

    booking: Booking
    shared: SessionSpace


async def _claim(uow: UnitOfWork, booking_id: int, now: datetime) -> _ToOpen | _Joined | str:
    """Claim the space's opening (committed), or say why there is nothing to make.

    A seat whose group's space is open joins it instead.
    """
    booking = await uow.bookings.get(booking_id)
    policy = await uow.guilds.policy(booking.guild_id) if booking else None
    if booking is None or policy is None or not should_open(booking, policy, now):
        return "not due"
    shared = await _group_space(uow, booking, now)
    if shared is not None:
        await uow.commit()
        return _Joined(booking, shared)
    if not await uow.spaces.claim(booking_id, booking.guild_id, now):
        return "already open or opening"
    plan = await _plan(uow, booking)
    await uow.commit()
    return _ToOpen(booking, policy, plan)


async def _nothing_to_open(booking_id: int, ctx: ServiceContext, now: datetime) -> str | None:
    """Why there is nothing to open now, if so; read-only, so most callers take no lock."""
    async with ctx.uow(read_only=True) as uow:
        booking = await uow.bookings.get(booking_id)
        if booking is None:
            return "no booking"
        if not should_open(booking, await uow.guilds.policy(booking.guild_id), now):
            return "not due"
        space = await uow.spaces.get(booking_id)
    return "already open or opening" if space is not None and space.is_live else None


async def open_space(booking_id: int, ctx: ServiceContext, spaces: SessionSpaces) -> str:
    """Open the booking's space if it is due and nobody has; say what happened.

    A space that cannot be made is recorded as failed and the admins are told (once a
    day per guild and reason). Any other error releases the claim and propagates, so the
    scheduled work tries again.
    """
    now = ctx.clock.now()
    if why_not := await _nothing_to_open(booking_id, ctx, now):
        return why_not
    async with ctx.uow() as uow:
        claimed = await _claim(uow, booking_id, now)
    if isinstance(claimed, str):
        return claimed
    if isinstance(claimed, _Joined):  # Discord is asked once the database is let go
        await spaces.let_in(claimed.shared, claimed.booking.student_id)
        return "joined the group's space"
    booking, policy, plan = claimed.booking, claimed.policy, claimed.plan
    try:
        opened = await spaces.open(plan)
    except SpaceUnavailableError as error:
        await _fail(booking, error.reason, ctx, spaces, policy.fallback_channel)
        return f"failed: {error.reason}"
    except Exception:
        await _fail(booking, "error", ctx, None, None)
        raise
    async with ctx.uow() as uow:
        space = await uow.spaces.get(booking_id)
        if space is None:  # the booking was deleted meanwhile
            return "booking gone"
        space = replace(
            space, status=SpaceStatus.OPEN, text_place=opened.text_place,
            text_id=opened.text_id, voice_id=opened.voice_id, fallback=opened.fallback,
            opened_at=now, closed_at=None,
        )  # fmt: skip
        await uow.spaces.save(space)
        detail = {"booking": booking_id, "place": opened.text_place.value,
                  "voice": opened.voice_id is not None, "fallback": opened.fallback}  # fmt: skip
        await uow.audit.record(booking.guild_id, SYSTEM_ACTOR, "space_opened", detail, now)
        await schedule_sweep(uow, now)  # the reconciler runs while any space is open
        chosen = await _keep_parent(uow, plan, opened, now)
        await uow.commit()
    await _tell_parent(booking, opened, chosen, ctx, spaces)
    return f"opened ({opened.fallback})" if opened.fallback else "opened"


async def _keep_parent(
    uow: UnitOfWork, plan: SpacePlan, opened: OpenedSpace, now: datetime
) -> GuildPolicy | None:
    """Make a found or created `#tutoring-sessions` the guild's sessions channel.

    Only while the setting is still what the plan read, so of two openers racing (or an
    admin setting it meanwhile) one decides; the guild's policy after it, if it did.
    """
    if opened.parent_choice not in ("found", "created") or opened.parent_id is None:
        return None
    policy = await uow.guilds.policy(plan.guild_id)
    if policy.sessions_channel != plan.sessions_channel_id:
        return None
    policy = with_setting(policy, "sessions_channel", opened.parent_id)
    await uow.guilds.save_policy(plan.guild_id, policy, now)
    detail = {"key": "sessions_channel", "value": opened.parent_id, "how": opened.parent_choice}
    await uow.audit.record(plan.guild_id, SYSTEM_ACTOR, "config.set", detail, now)
    return policy


async def _tell_parent(
    booking: Booking,
    opened: OpenedSpace,
    chosen: GuildPolicy | None,
    ctx: ServiceContext,
    spaces: SessionSpaces,
) -> None:
    """Tell the admins where the space opened when it was not in their sessions channel.

    A channel that became the setting is told once, by whoever set it; the booking's own
    channel is told once a day, like a failure, until a sessions channel is set.
    """
    reason = f"sessions_channel_{opened.parent_choice}"
    if chosen is not None:
        await spaces.alert_admins(
            booking.guild_id, chosen.fallback_channel, reason, booking.booking_id,
            channel_id=opened.parent_id,
        )  # fmt: skip
    elif opened.parent_choice == "booking_channel":
        await _tell_admins(
            booking.guild_id, booking.booking_id, reason, ctx, spaces, channel_id=opened.parent_id
        )


async def _fail(
    booking: Booking,
    reason: str,
    ctx: ServiceContext,
    spaces: SessionSpaces | None,
    fallback_channel: int | None,
) -> None:
    """Record the failure; tell the admins unless they heard about it in the last day."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        space = await uow.spaces.get(booking.booking_id)
        if space is not None:
            await uow.spaces.save(replace(space, status=SpaceStatus.FAILED, fallback=reason))
        detail = {"booking": booking.booking_id, "reason": reason}
        await uow.audit.record(booking.guild_id, SYSTEM_ACTOR, "space_failed", detail, now)
        await uow.commit()
    if spaces is not None:
        await _tell_admins(booking.guild_id, booking.booking_id, reason, ctx, spaces)


async def _tell_admins(
    guild_id: int,
    booking_id: int,
    reason: str,
    ctx: ServiceContext,
    spaces: SessionSpaces,
    *,
    channel_id: int | None = None,
) -> None:
    """Alert the guild's admins about a space, once a day per guild and reason."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        # the last alerts, not the last failures: a fault that persists is reported daily
        recent = await uow.audit.of_action(guild_id, "space_alerted", 20)
        if any(d.get("reason") == reason and now - at < ALERT_AGAIN_AFTER for at, d in recent):
            return
        detail = {"booking": booking_id, "reason": reason}
        await uow.audit.record(guild_id, SYSTEM_ACTOR, "space_alerted", detail, now)
        policy = await uow.guilds.policy(guild_id)
        await uow.commit()
    if channel_id is None:
        await spaces.alert_admins(guild_id, policy.fallback_channel, reason, booking_id)
    else:
        await spaces.alert_admins(
            guild_id, policy.fallback_channel, reason, booking_id, channel_id=channel_id
        )


async def close_space(booking_id: int, ctx: ServiceContext, spaces: SessionSpaces) -> str:
    """Close the booking's space if it is open and no longer serves its session.

    The row is marked closed first (once, however many closers race). Steps Discord
    refuses are not retried: the admins are told what is left. If Discord fails for a
    while (down, unreachable), the row is marked open again and the error propagates,
    so the scheduled work tries again a bounded number of times (`give_up_closing`).
    """
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        space = await uow.spaces.get(booking_id)
        if space is None or not space.is_live:
            return "no open space"
        booking = await uow.bookings.get(booking_id)
        if not should_close(booking, await uow.guilds.policy(space.guild_id), now):
            return "still in use"
        if not await _mark_closed(uow, booking, booking_id, now):
            return "already closing"
        if await _group_still_there(uow, booking):
            await uow.commit()
            return "left the group's space"  # the last seat's closing closes it
        detail = {"booking": booking_id}
        await uow.audit.record(space.guild_id, SYSTEM_ACTOR, "space_closed", detail, now)
        await uow.commit()
    try:
        closed = await spaces.close(space)
    except Exception:
        async with ctx.uow() as uow:
            await uow.spaces.save(space)  # open again: the close is retried
            await uow.commit()
        raise
    if not closed.refused:
        return "closed"
    await _closed_in_part(space, closed.refused, ctx, spaces)
    return f"closed in part ({', '.join(closed.refused)})"


async def _mark_closed(
    uow: UnitOfWork, booking: Booking | None, booking_id: int, now: datetime
) -> bool:
    """Open → closed for this booking's row; a group's seats close one at a time."""
    if booking is not None and booking.group_id is not None:
        await uow.groups.get(booking.group_id, for_update=True)
    return await uow.spaces.mark_closed(booking_id, now)


async def _group_still_there(uow: UnitOfWork, booking: Booking | None) -> bool:
    """Whether another seat still uses this seat's group space (so it stays open)."""
    if booking is None or booking.group_id is None:
        return False
    return await uow.spaces.of_group(booking.group_id, exclude=booking.booking_id) is not None


async def _closed_in_part(
    space: SessionSpace, refused: tuple[str, ...], ctx: ServiceContext, spaces: SessionSpaces
) -> None:
    """Discord refused some of the closing: record it and tell the admins what to fix."""
    detail = {"booking": space.booking_id, "refused": ",".join(refused)}
    async with ctx.uow() as uow:
        await uow.audit.record(
            space.guild_id, SYSTEM_ACTOR, "space_close_refused", detail, ctx.clock.now()
        )
        await uow.commit()
    for reason in dict.fromkeys(refused):
        await _tell_admins(space.guild_id, space.booking_id, f"close_{reason}", ctx, spaces)


async def give_up_closing(
    booking_id: int, ctx: ServiceContext, spaces: SessionSpaces | None
) -> None:
    """Closing kept failing until its last attempt: stop trying and tell the admins.

    The space is recorded failed ("close_failed"), so the reconciler leaves it alone.
    """
    async with ctx.uow() as uow:
        space = await uow.spaces.get(booking_id)
        if space is None or not space.is_live:
            return  # another closer got through meanwhile
        await uow.spaces.save(replace(space, status=SpaceStatus.FAILED, fallback="close_failed"))
        await uow.commit()
    if spaces is not None:
        await _tell_admins(space.guild_id, booking_id, "close_failed", ctx, spaces)


async def sweep(ctx: ServiceContext) -> tuple[int, int]:
    """The reconciler: queue the closing of every open space whose booking is over.

    Each close runs as scheduled work of its own (retried a bounded number of times),
    once per opening of the space. Returns how many it queued and how many stay open.
    """
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        live = await uow.spaces.live(SWEEP_BATCH)
        due = []
        for space in live:
            booking = await uow.bookings.get(space.booking_id)
            if should_close(booking, await uow.guilds.policy(space.guild_id), now):
                due.append(space)
        for space in due:
            await uow.scheduled.schedule(_close_now(space, now))
        await uow.commit()
    return len(due), len(live) - len(due)


def _close_now(space: SessionSpace, now: datetime) -> NewAction:
    opened = int(space.opened_at.timestamp()) if space.opened_at else 0
    return booking_work(
        ActionKind.CLOSE_SPACE,
        space,
        f"{ActionKind.CLOSE_SPACE}:{space.booking_id}:swept:{opened}",
        now,
    )


async def schedule_sweep(uow: UnitOfWork, now: datetime) -> None:
    """Queue the next reconciler run (once per period, however many ask for it)."""
    period = int(SWEEP_EVERY.total_seconds())
    due = datetime.fromtimestamp((int(now.timestamp()) // period + 1) * period, tz=now.tzinfo)
    await uow.scheduled.schedule(
        NewAction(
            kind=ActionKind.SWEEP_SPACES,
            dedupe_key=f"{ActionKind.SWEEP_SPACES}:{int(due.timestamp())}",
            guild_id=0,
            due_at=due,
        )
    )


async def sweep_job(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """Run the reconciler; come back later while spaces are still open."""
    closing, still_open = await sweep(ctx)
    if closing or still_open:
        async with ctx.uow() as uow:
            await schedule_sweep(uow, ctx.clock.now())
            await uow.commit()
    return HandlerResult(ActionState.DONE, f"closing {closing}, {still_open} still open")


async def opened_for_reminder(
    booking_id: int, ctx: ServiceContext, spaces: SessionSpaces
) -> SessionSpace | None:
    """Open the space if it is due, and wait (briefly) for another opener to finish.

    The last reminder and the scheduled opening fall due together; whichever runs second
    waits for the first, so the reminder can carry the link.
    """
    await open_space(booking_id, ctx, spaces)
    for _ in range(OPENING_POLLS):
        async with ctx.uow(read_only=True) as uow:
            space = await uow.spaces.get(booking_id)
        if space is None or space.status is not SpaceStatus.OPENING:
            break
        await asyncio.sleep(OPENING_POLL_SECONDS)
    return space if space is not None and space.is_live else None


async def live_space(booking_id: int, ctx: ServiceContext) -> SessionSpace | None:
    """The booking's space if it is open now."""
    async with ctx.uow(read_only=True) as uow:
        space = await uow.spaces.get(booking_id)
    return space if space is not None and space.is_live else None


@dataclass(frozen=True, slots=True)
class AgreeToNotice(OnBooking):
    """I agree on the conduct notice in a session's space."""


async def agree_to_notice(
    command: AgreeToNotice, ctx: ServiceContext, spaces: SessionSpaces
) -> Agreement:
    """A participant agreed to the conduct notice: record it, then let them speak.

    Refuses anyone but the participants (`PermissionDeniedError`) and a space that is
    not open (`ConflictError("space_closed")`). Pressing again is harmless, and repairs
    the voice permission if the first try did not get through.
    """
    actor, booking_id = command.actor, command.booking_id
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking = await seat_booking(uow, actor, booking_id)
        space = await uow.spaces.get(booking.booking_id)
        if space is None or not space.is_live:
            booking.party_of(actor.user_id, "agree")
            raise ConflictError("space_closed")
        agreed = agree(space, booking, actor.user_id, now)
        if agreed != space:
            await uow.spaces.save(agreed)
            detail = {"booking": booking.booking_id, "user": actor.user_id}
            await uow.audit.record(booking.guild_id, actor.user_id, "space_agreed", detail, now)
        await uow.commit()
    if space.voice_id is not None:
        await spaces.let_speak(space.guild_id, space.voice_id, actor.user_id)
    return Agreement(first_time=agreed != space, voice_id=space.voice_id)


async def voice_joined(guild_id: int, channel_id: int, user_id: int, ctx: ServiceContext) -> bool:
    """Someone joined a voice channel; True if it checked a participant in just now.

    Joining the session's own voice channel counts as a check-in (SPEC.md "Attendance").
    """
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        space = await uow.spaces.by_voice(guild_id, channel_id)
        if space is None:
            return False
        booking = await uow.bookings.get(space.booking_id)
        if booking is not None and booking.group_id is not None:
            booking = await uow.groups.seat_of(booking.group_id, user_id) or booking
        if booking is None or user_id not in (booking.student_id, booking.tutor_id):
            return False
        if not can_check_in(booking, await uow.guilds.policy(guild_id), now):
            return False
        party = booking.party_of(user_id, "check_in")
        recorded = await attendance.record_check_in(uow, booking, party, now, via="voice")
        await uow.commit()
    return recorded
