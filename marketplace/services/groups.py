"""Group sessions: publish one, list them, take a seat, wait for one, claim it, leave.

Issue 15 item 2. The rules are in `domain/groups.py`. Every seat is taken with the group
locked (`FOR UPDATE` on PostgreSQL, the one writer on SQLite), so no seat is ever sold
twice; a seat is a booking of its own (`group_id` set), confirmed at once when free and
awaiting its own checkout when paid, so reminders, attendance, the survey, reviews,
refunds and payouts all work per seat as for any booking.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from marketplace.domain.booking import Booking, validate_booking_time
from marketplace.domain.cancellation import Party
from marketplace.domain.caps import CapSide
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.groups import (
    LEVEL_MAX,
    TITLE_MAX,
    WAITING_STATES,
    GroupSession,
    WaitlistPlace,
    WaitState,
    below_minimum,
    check_seats,
)
from marketplace.domain.money import Money, Quote, parse_money, quote
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction, NewAction
from marketplace.domain.settlement import session_quote
from marketplace.domain.text import clean_text
from marketplace.jobs.runner import HandlerResult
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.ports.groups import ListedGroup
from marketplace.services import payments, referral_credit, scheduling
from marketplace.services.actor import Actor
from marketplace.services.availability import refresh_next_slot
from marketplace.services.bookings import (
    bookable_tutor,
    cancel_in,
    ensure_verified_for,
    typed_start,
)
from marketplace.services.caps import ensure_within_caps
from marketplace.services.context import SYSTEM_ACTOR, ServiceContext, enter_guild
from marketplace.services.group_waitlist import group_details, offer_freed_seats

LIST_LIMIT = 10


@dataclass(frozen=True, slots=True)
class CreateGroup:
    """`/group create subject: when: seats: [duration] [level] [title] [price]` (a tutor)."""

    actor: Actor
    subject_key: str
    when: str
    seats: int
    duration_minutes: int
    level: str = ""
    title: str = ""
    price: str = ""


@dataclass(frozen=True, slots=True)
class OnGroup:
    """**Join**, **Join waitlist**, **Claim seat** or `/group leave` on one group."""

    actor: Actor
    group_id: int


@dataclass(frozen=True, slots=True)
class ListGroups:
    """`/group list [subject]`."""

    actor: Actor
    subject_key: str | None = None


@dataclass(frozen=True, slots=True)
class Seat:
    """A seat just taken: its booking, its group, and the price (None: free)."""

    booking: Booking
    group: GroupSession
    price: Quote | None


@dataclass(frozen=True, slots=True)
class WaitlistSpot:
    """A place on a full group's waitlist: 1 is next."""

    group: GroupSession
    position: int


@dataclass(frozen=True, slots=True)
class LeftGroup:
    """What `/group leave` did: "waitlist" (left it), "seat" (see `/cancel`), "called_off"."""

    group: GroupSession
    what: str
    seat: Booking | None = None
    told: int = 0


@dataclass(frozen=True, slots=True)
class GroupPublished:
    """A group just published, and when its seat minimum is checked (None: never)."""

    group: GroupSession
    min_seats_check: datetime | None


async def create(cmd: CreateGroup, ctx: ServiceContext) -> GroupPublished:
    """Publish a group session; it holds the tutor's time from now on.

    The time must be free of the tutor's bookings and groups; availability rules don't
    bind it (the tutor chose it). Too few seats taken `group_min_seats_hours_before` the
    start calls it off (a job).
    """
    actor, now = cmd.actor, ctx.clock.now()
    seats = check_seats(cmd.seats)
    title = clean_text(cmd.title, field="title", max_len=TITLE_MAX, required=False)
    level = clean_text(cmd.level, field="level", max_len=LEVEL_MAX, required=False)
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        policy = await uow.guilds.policy(actor.guild_id)
        tutor = await uow.tutors.get(actor.guild_id, actor.user_id)
        if tutor is None:
            raise ConflictError("group_not_a_tutor")
        if await uow.blocks.restricted(actor.guild_id, actor.user_id, now):
            raise ConflictError("restricted")
        if cmd.subject_key not in {s.subject_key for s in tutor.subjects}:
            raise ConflictError("group_subject_not_taught")
        ensure_verified_for(tutor, cmd.subject_key, policy)
        title = title or await uow.subjects.name_of(actor.guild_id, cmd.subject_key)
        start = await typed_start(uow, actor, cmd.when, policy, now)
        end = validate_booking_time(start, cmd.duration_minutes, now, policy)
        price = _seat_price(cmd, tutor.rate, policy, ctx)
        if price is not None:
            await payments.ensure_can_be_paid(uow, actor.guild_id, actor.user_id)
        group = GroupSession(
            group_id=0, guild_id=actor.guild_id, tutor_id=actor.user_id,
            subject_key=cmd.subject_key, title=title, start=start, end=end, seats=seats,
            min_seats=min(policy.min_seats, seats), created_at=now, level=level or None,
            price=price,
        )  # fmt: skip
        buffer = timedelta(minutes=policy.buffer_minutes)
        busy = await uow.bookings.tutor_busy(
            actor.guild_id, actor.user_id, start - buffer, end + buffer, None
        )
        if busy:
            raise ConflictError("slot_taken")
        group = await uow.groups.add(group, buffer)
        check = await _schedule_min_seats_check(uow, group, policy, now)
        detail = {"group": group.group_id, "seats": seats, "start": start.isoformat()}
        await uow.audit.record(actor.guild_id, actor.user_id, "group_created", detail, now)
        await refresh_next_slot(uow, actor.guild_id, actor.user_id, policy, now)
        await uow.commit()
    ctx.after_commit()
    return GroupPublished(group, check)


def _seat_price(
    cmd: CreateGroup, rate: Money, policy: GuildPolicy, ctx: ServiceContext
) -> Money | None:
    """One seat's price before the fee: the typed price, else the tutor's rate (paid only)."""
    if not payments.payments_on(policy, ctx):
        if cmd.price.strip():
            raise ConflictError("group_price_unpaid_server")
        return None
    if cmd.price.strip():
        typed = parse_money(cmd.price, policy.currency)
        return typed if typed.minor > 0 else None
    if rate.minor <= 0:
        return None
    return session_quote(rate, cmd.duration_minutes, policy.platform_fee_bps).rate


async def _schedule_min_seats_check(
    uow: UnitOfWork, group: GroupSession, policy: GuildPolicy, now: datetime
) -> datetime | None:
    due = group.min_seats_check_at(policy)
    if due <= now:
        return None  # published inside the window: whoever comes, it goes ahead
    await uow.scheduled.schedule(
        NewAction(
            kind=ActionKind.GROUP_MIN_SEATS,
            dedupe_key=f"group_min_seats:{group.group_id}",
            guild_id=group.guild_id,
            due_at=due,
            payload={"group": group.group_id},
        )
    )
    return due


async def listed(cmd: ListGroups, ctx: ServiceContext) -> list[ListedGroup]:
    """Open group sessions not started yet, soonest first (of one subject, if given)."""
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        return await uow.groups.listed(cmd.actor.guild_id, now, cmd.subject_key, LIST_LIMIT)


async def mine(actor: Actor, ctx: ServiceContext) -> list[GroupSession]:
    """Upcoming groups the member teaches, sits in or waits for (`/group leave`'s choices)."""
    async with ctx.uow(read_only=True) as uow:
        return await uow.groups.of_member(actor.guild_id, actor.user_id, ctx.clock.now())


async def _group_in_guild(
    uow: UnitOfWork, actor: Actor, group_id: int, *, for_update: bool = True
) -> GroupSession:
    group = await uow.groups.get(group_id, for_update=for_update)
    if group is None or group.guild_id != actor.guild_id:
        raise NotFoundError("group", str(group_id))
    return group


async def join(cmd: OnGroup, ctx: ServiceContext) -> Seat:
    """**Join**: take a free seat (paid: it waits for its own checkout, like any booking).

    A full group is refused with "group_full" (the reply offers **Join waitlist**); a seat
    held for someone's running offer is not free, except to them (Join then claims it).
    """
    return await _take_seat(cmd, ctx, claiming=False)


async def claim(cmd: OnGroup, ctx: ServiceContext) -> Seat:
    """**Claim seat**: take the seat an offer holds for the caller, while it runs."""
    return await _take_seat(cmd, ctx, claiming=True)


async def _take_seat(cmd: OnGroup, ctx: ServiceContext, *, claiming: bool) -> Seat:
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        group = await _group_in_guild(uow, actor, cmd.group_id)
        group.ensure_joinable(now)
        policy = await uow.guilds.policy(actor.guild_id)
        await bookable_tutor(uow, actor, group.tutor_id, now)
        if await uow.groups.seat_of(group.group_id, actor.user_id) is not None:
            raise ConflictError("group_already_seated")
        place = await uow.groups.place_of(group.group_id, actor.user_id)
        holds_offer = place is not None and place.holds_offer(now)
        if claiming and not holds_offer:
            raise ConflictError("seat_offer_gone")
        if not holds_offer and (await uow.groups.seat_count(group, now)).full:
            raise ConflictError("group_full")
        seat = await _book_seat(uow, group, actor, policy, now)
        if place is not None and place.state in WAITING_STATES:
            await uow.groups.put_place(replace(place, state=WaitState.CLAIMED, offered_until=None))
        await uow.commit()
    ctx.after_commit()
    return seat


async def _book_seat(
    uow: UnitOfWork, group: GroupSession, actor: Actor, policy: GuildPolicy, now: datetime
) -> Seat:
    price = quote(group.price, policy.platform_fee_bps) if group.price else None
    pay_by = None
    if price is not None:
        pay_by = min(now + timedelta(minutes=policy.checkout_expiry_minutes), group.start)
    draft, _event = Booking.request(
        booking_id=0, guild_id=group.guild_id, student_id=actor.user_id,
        tutor_id=group.tutor_id, subject_key=group.subject_key, start=group.start,
        end=group.end, now=now, policy=policy, instant=True,
        price=price.total if price else None, pay_by=pay_by, group_id=group.group_id,
    )  # fmt: skip
    await ensure_within_caps(uow, draft, policy, (CapSide.STUDENT,))
    if await uow.bookings.student_clash(
        group.guild_id, actor.user_id, group.start, group.end, None
    ):
        raise ConflictError("student_busy")
    if price is not None:  # the student's referral credit comes off the fee
        draft, price = await referral_credit.credited(uow, draft, price, now)
    booking = await uow.bookings.add(draft, timedelta(minutes=policy.buffer_minutes))
    if price is not None:
        await payments.open_payment(uow, booking, price, policy, now)
    else:
        await scheduling.schedule_reminders(uow, booking, policy)
    return Seat(booking, group, price)


async def join_waitlist(cmd: OnGroup, ctx: ServiceContext) -> WaitlistSpot:
    """**Join waitlist** on a full group: first come, first served."""
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        group = await _group_in_guild(uow, actor, cmd.group_id)
        group.ensure_joinable(now)
        if actor.user_id == group.tutor_id:
            raise ConflictError("self_booking")
        if await uow.groups.seat_of(group.group_id, actor.user_id) is not None:
            raise ConflictError("group_already_seated")
        place = await uow.groups.place_of(group.group_id, actor.user_id)
        if place is not None and place.state in WAITING_STATES:
            raise ConflictError("group_already_waiting")
        if not (await uow.groups.seat_count(group, now)).full:
            raise ConflictError("group_has_seats")
        place = await uow.groups.put_place(
            WaitlistPlace(0, group.group_id, actor.user_id, joined_at=now)
        )
        position = await uow.groups.line_position(place)
        await uow.commit()
    return WaitlistSpot(group, position)


async def leave(cmd: OnGroup, ctx: ServiceContext) -> LeftGroup:
    """`/group leave session:`: off the waitlist, out of a seat, or (the tutor) call it off.

    A seat is given up through the usual cancellation (its refund by the policy, shown
    before confirming), so this only says which booking that is.
    """
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        group = await _group_in_guild(uow, actor, cmd.group_id)
        if not group.open:
            raise ConflictError("group_cancelled")
        if actor.user_id == group.tutor_id:
            told = await _call_off(uow, group, "tutor", now)
            await uow.audit.record(
                group.guild_id, actor.user_id, "group_called_off", {"group": group.group_id}, now
            )
            await uow.commit()
            ctx.after_commit()
            return LeftGroup(group, "called_off", told=told)
        seat = await uow.groups.seat_of(group.group_id, actor.user_id)
        if seat is not None:
            return LeftGroup(group, "seat", seat=seat)
        place = await uow.groups.place_of(group.group_id, actor.user_id)
        if place is None or place.state not in WAITING_STATES:
            raise ConflictError("group_not_member")
        await uow.groups.put_place(replace(place, state=WaitState.LEFT, offered_until=None))
        policy = await uow.guilds.policy(group.guild_id)
        await offer_freed_seats(uow, group, policy, now)  # an offer they held goes on
        await uow.commit()
    ctx.after_commit()
    return LeftGroup(group, "waitlist")


async def _call_off(uow: UnitOfWork, group: GroupSession, reason: str, now: datetime) -> int:
    """Cancel the group and every seat with a full refund; tell everyone. How many were told.

    The first seat is cancelled as by the tutor when the tutor calls it off, so a late
    call-off counts once against them, not once per seat; the others, by the system.
    """
    policy = await uow.guilds.policy(group.guild_id)
    group = group.cancel(now)
    await uow.groups.save(group)
    details = group_details(group, reason=reason)
    seats = await uow.groups.seats(group.group_id)
    for index, seat in enumerate(seats):
        by = Party.TUTOR if reason == "tutor" and index == 0 else Party.SYSTEM
        cancelled = await cancel_in(uow, seat, by, policy, now)
        await scheduling.notify(
            uow, cancelled, NoticeKind.GROUP_CANCELLED, seat.student_id, now, details=details
        )
    key = f"{group.group_id}"
    if reason != "tutor":
        await scheduling.notify_user(
            uow, group.guild_id, NoticeKind.GROUP_CANCELLED, group.tutor_id, now, key,
            details=details,
        )  # fmt: skip
    await refresh_next_slot(uow, group.guild_id, group.tutor_id, policy, now)
    return len(seats)


async def min_seats_job(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """`group_min_seats_hours_before` the start: below `min_seats`, call it off, refund all."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        group = await uow.groups.get(int(action.payload["group"]), for_update=True)
        if group is None or not group.open:
            return HandlerResult(ActionState.SKIPPED, "group gone or off")
        if now >= group.start:  # a check run this late would call off a session under way
            return HandlerResult(ActionState.SKIPPED, "already started")
        count = await uow.groups.seat_count(group, now)
        if not below_minimum(group, count.taken):
            return HandlerResult(ActionState.SKIPPED, f"{count.taken} seats: it goes ahead")
        told = await _call_off(uow, group, "too_few", now)
        detail = {"group": group.group_id, "seats_taken": count.taken}
        await uow.audit.record(group.guild_id, SYSTEM_ACTOR, "group_called_off", detail, now)
        await uow.commit()
    ctx.after_commit()
    return HandlerResult(ActionState.DONE, f"called off, {told} refunded")
