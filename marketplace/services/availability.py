"""`/tutor availability`: read natural-language time, confirm it, store it, list, remove."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from marketplace.domain.availability import (
    Busy,
    DayOff,
    OneOffWindow,
    SlotSearch,
    WeeklyRule,
    expand_slots,
    validate_day_off,
    validate_rule,
    validate_window,
)
from marketplace.domain.errors import InputError, NotFoundError, Problem
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.scheduled import ActionKind, NewAction
from marketplace.ports import UnitOfWork
from marketplace.ports.bookings import AvailabilityEntry
from marketplace.services.actor import Actor, ByActor
from marketplace.services.context import ServiceContext
from marketplace.timeparse import ParsedWhen, WhenKind, parse_when

MAX_ENTRIES = 50


@dataclass(frozen=True, slots=True)
class AvailabilityDraft:
    """What the tutor's words were read as; saved only after they confirm."""

    zone: str
    rules: tuple[WeeklyRule, ...] = ()
    window: OneOffWindow | None = None
    day_off: DayOff | None = None


async def tutor_zone(uow: UnitOfWork, actor: Actor) -> str:
    """The tutor's zone; availability can't be read without one."""
    if await uow.tutors.get(actor.guild_id, actor.user_id) is None:
        raise NotFoundError("tutor_profile", str(actor.user_id))
    zone = await uow.users.timezone(actor.user_id)
    if zone is None:
        raise NotFoundError("timezone", str(actor.user_id))
    return zone


@dataclass(frozen=True, slots=True)
class ReadAvailability:
    """`/tutor availability add`: read what the tutor typed."""

    actor: Actor
    when: str
    repeat: str | None = None
    until: str | None = None
    day_off: bool = False


async def read(command: ReadAvailability, ctx: ServiceContext) -> AvailabilityDraft:
    """Interpret `when` in the tutor's zone; nothing is stored (the tutor confirms first)."""
    actor, when, repeat, until, day_off = (
        command.actor,
        command.when,
        command.repeat,
        command.until,
        command.day_off,
    )
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        zone = await tutor_zone(uow, actor)
        policy = await uow.guilds.policy(actor.guild_id)
    horizon = timedelta(days=policy.booking_horizon_days)
    languages = policy.languages
    if day_off:
        parsed = parse_when(f"{when} 12:00", zone=zone, now=now, languages=languages)
        if parsed.local_start is None:
            raise InputError("when", Problem.UNPARSEABLE)
        off = DayOff(parsed.local_start.date(), zone)
        return AvailabilityDraft(zone, day_off=validate_day_off(off, now=now, horizon=horizon))
    parsed = parse_when(when, zone=zone, now=now, languages=languages)
    valid_until = _until(until, zone, now, languages)
    if parsed.kind is WhenKind.WEEKLY or repeat == "weekly":
        rules = _as_weekly(parsed, valid_until)
        return AvailabilityDraft(zone, rules=tuple(validate_rule(r) for r in rules))
    if parsed.kind is not WhenKind.RANGE or parsed.start is None or parsed.end is None:
        raise InputError("when", Problem.MISSING_END)
    window = validate_window(OneOffWindow(parsed.start, parsed.end), now=now, horizon=horizon)
    return AvailabilityDraft(zone, window=window)


def _as_weekly(parsed: ParsedWhen, valid_until: date | None) -> tuple[WeeklyRule, ...]:
    if parsed.kind is WhenKind.WEEKLY:
        return parsed.weekly_rules(valid_until=valid_until)
    if parsed.local_start is None or parsed.local_end is None:
        raise InputError("when", Problem.MISSING_END)
    start, end = parsed.local_start, parsed.local_end
    return (WeeklyRule(start.weekday(), start.time(), end.time(), parsed.zone, None, valid_until),)


def _until(text: str | None, zone: str, now: datetime, languages: tuple[str, ...]) -> date | None:
    if not text or not text.strip():
        return None
    parsed = parse_when(f"{text} 12:00", zone=zone, now=now, languages=languages)
    if parsed.local_start is None:
        raise InputError("until", Problem.UNPARSEABLE)
    until = parsed.local_start.date()
    if until < now.astimezone(ZoneInfo(zone)).date():
        raise InputError("when", Problem.IN_THE_PAST)
    return until


@dataclass(frozen=True, slots=True)
class SaveAvailability:
    """`/tutor availability add`'s confirm button: store the draft."""

    actor: Actor
    draft: AvailabilityDraft


async def save(command: SaveAvailability, ctx: ServiceContext) -> list[str]:
    """Store a confirmed draft; return the new entry ids."""
    actor, draft = command.actor, command.draft
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        await tutor_zone(uow, actor)
        existing = await uow.availability.entries(actor.guild_id, actor.user_id, now)
        if len(existing) + max(1, len(draft.rules)) > MAX_ENTRIES:
            raise InputError("availability", Problem.TOO_MANY, MAX_ENTRIES)
        ids = [
            await uow.availability.add_rule(actor.guild_id, actor.user_id, rule, now)
            for rule in draft.rules
        ]
        if draft.window is not None:
            ids.append(
                await uow.availability.add_window(actor.guild_id, actor.user_id, draft.window, now)
            )
        if draft.day_off is not None:
            ids.append(
                await uow.availability.add_day_off(
                    actor.guild_id, actor.user_id, draft.day_off, now
                )
            )
        policy = await uow.guilds.policy(actor.guild_id)
        await refresh_next_slot(uow, actor.guild_id, actor.user_id, policy, now)
        await uow.commit()
    return ids


@dataclass(frozen=True, slots=True)
class ViewAvailability(ByActor):
    """`/tutor availability list` (and `remove`'s choices): the tutor's entries."""


async def entries(command: ViewAvailability, ctx: ServiceContext) -> list[AvailabilityEntry]:
    """The tutor's current availability entries."""
    actor = command.actor
    async with ctx.uow(read_only=True) as uow:
        return await uow.availability.entries(actor.guild_id, actor.user_id, ctx.clock.now())


@dataclass(frozen=True, slots=True)
class RemoveAvailability:
    """`/tutor availability remove`: drop one entry."""

    actor: Actor
    entry_id: str


async def remove(command: RemoveAvailability, ctx: ServiceContext) -> None:
    """Delete one of the caller's entries."""
    actor, entry_id = command.actor, command.entry_id
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        if not await uow.availability.remove(actor.guild_id, actor.user_id, entry_id.strip()):
            raise NotFoundError("availability", entry_id[:20])
        policy = await uow.guilds.policy(actor.guild_id)
        await refresh_next_slot(uow, actor.guild_id, actor.user_id, policy, now)
        await uow.commit()


@dataclass(frozen=True, slots=True)
class KnownAvailability:
    """Tutors' rules, one-off windows and days off, read once for several expansions."""

    rules: dict[int, list[WeeklyRule]]
    one_offs: dict[int, list[OneOffWindow]]
    days_off: dict[int, list[DayOff]]


async def availability_of(
    uow: UnitOfWork, guild_id: int, tutor_ids: list[int], since: datetime
) -> KnownAvailability:
    """What the tutors publish from `since` on (two queries); for `known=` below."""
    rules = await uow.availability.rules_of(guild_id, tutor_ids)
    one_offs, days_off = await uow.availability.windows_of(
        guild_id, tutor_ids, since, (since - timedelta(days=1)).date()
    )
    return KnownAvailability(rules, one_offs, days_off)


async def open_slots(
    uow: UnitOfWork,
    guild_id: int,
    tutor_id: int,
    policy: GuildPolicy,
    now: datetime,
    *,
    duration: timedelta,
    within: tuple[datetime, datetime] | None = None,
    exclude_booking: int | None = None,
    known: KnownAvailability | None = None,
    busy: list[Busy] | None = None,
) -> list[datetime]:
    """Start times the tutor can take a session of `duration`, optionally within a range.

    `known` (read from no later than the range's start) and `busy` (the tutor's bookings
    from `duration` plus the buffer before the range to as much after it) spare reading
    them again.
    """
    found = await open_slots_of(
        uow, guild_id, [tutor_id], policy, now,
        duration=duration, within=within, exclude_booking=exclude_booking, known=known,
        busy=None if busy is None else {tutor_id: busy},
    )  # fmt: skip
    return found.get(tutor_id, [])


async def open_slots_of(
    uow: UnitOfWork,
    guild_id: int,
    tutor_ids: list[int],
    policy: GuildPolicy,
    now: datetime,
    *,
    duration: timedelta,
    within: tuple[datetime, datetime] | None = None,
    exclude_booking: int | None = None,
    known: KnownAvailability | None = None,
    busy: dict[int, list[Busy]] | None = None,
) -> dict[int, list[datetime]]:
    """Open start times for several tutors at once: three queries, whatever their number.

    Fewer when `known` or `busy` are given (as for `open_slots`).
    """
    horizon = timedelta(days=policy.booking_horizon_days)
    start, end = within or (now, now + horizon)
    buffer = timedelta(minutes=policy.buffer_minutes)
    if known is None:
        known = await availability_of(uow, guild_id, tutor_ids, start)
    if busy is None:
        busy = await uow.bookings.busy_of(
            guild_id, tutor_ids, start - buffer - duration, end + duration + buffer,
            exclude_booking,
        )  # fmt: skip
    found: dict[int, list[datetime]] = {}
    for tutor_id in tutor_ids:
        # Expand only the window asked for: the grid is anchored on the windows, not on
        # `now`, so narrowing notice and horizon to the window gives the same starts.
        slots = expand_slots(
            SlotSearch(
                known.rules.get(tutor_id, []),
                known.one_offs.get(tutor_id, []),
                known.days_off.get(tutor_id, []),
                busy.get(tutor_id, []),
                duration=duration,
                buffer=buffer,
                now=now,
                min_notice=max(timedelta(minutes=policy.min_notice_minutes), start - now),
                horizon=min(horizon, end - now),
            )
        )
        found[tutor_id] = [s.start for s in slots if start <= s.start < end]
    return found


NEXT_SLOT_WINDOWS_DAYS = (3, 14)


async def first_open_slot(
    uow: UnitOfWork,
    guild_id: int,
    tutor_id: int,
    policy: GuildPolicy,
    now: datetime,
    *,
    duration: timedelta,
    known: KnownAvailability | None = None,
) -> datetime | None:
    """The tutor's first open start, looking 3 days ahead, then 14, then the whole horizon.

    `known` (read from `now` or earlier) spares reading the availability for each window.
    """
    horizon = timedelta(days=policy.booking_horizon_days)
    for days in (*NEXT_SLOT_WINDOWS_DAYS, policy.booking_horizon_days):
        reach = min(timedelta(days=days), horizon)
        starts = await open_slots(
            uow, guild_id, tutor_id, policy, now,
            duration=duration, within=(now, now + reach), known=known,
        )  # fmt: skip
        if starts:
            return starts[0]
        if reach >= horizon:
            break
    return None


async def refresh_next_slot(
    uow: UnitOfWork,
    guild_id: int,
    tutor_id: int,
    policy: GuildPolicy,
    now: datetime,
    *,
    known: KnownAvailability | None = None,
) -> datetime | None:
    """Recompute and cache the tutor's next open slot (shortest allowed session)."""
    duration = timedelta(minutes=min(policy.allowed_durations_minutes))
    first = await first_open_slot(
        uow, guild_id, tutor_id, policy, now, duration=duration, known=known
    )
    await uow.search.set_next_slot(guild_id, tutor_id, first)
    if first is not None:
        await uow.scheduled.schedule(
            NewAction(
                kind=ActionKind.REFRESH_NEXT_SLOT,
                dedupe_key=f"refresh:{guild_id}:{tutor_id}:{int(first.timestamp())}",
                guild_id=guild_id,
                # The cached slot stops being bookable just after this moment.
                due_at=first - timedelta(minutes=policy.min_notice_minutes - 1),
                user_id=tutor_id,
            )
        )
    return first
