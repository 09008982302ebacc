"""`/start`: onboarding a student or a tutor into a guild's marketplace."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain.checklist import next_steps
from marketplace.domain.errors import InputError
from marketplace.domain.members import Member, Subject
from marketplace.domain.profiles import (
    MAX_SUBJECTS,
    Level,
    Role,
    StudentProfile,
    SubjectLevel,
    tutor_completeness,
)
from marketplace.domain.timezones import validate_zone
from marketplace.ports import UnitOfWork
from marketplace.services import scheduling
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext, ensure_guild, enter_guild
from marketplace.services.payments import payments_on
from marketplace.services.results import Onboarded


async def catalogue(guild_id: int, guild_name: str, ctx: ServiceContext) -> list[Subject]:
    """The guild's subjects, seeding the starter catalogue on first contact."""
    async with ctx.uow(read_only=True) as uow:
        subjects = await uow.subjects.all(guild_id)
    if subjects:
        return subjects
    async with ctx.uow() as uow:
        await ensure_guild(uow, guild_id, guild_name, ctx)
        subjects = await uow.subjects.all(guild_id)
        await uow.commit()
    return subjects


async def resolve_subjects(
    uow: UnitOfWork, guild_id: int, keys: tuple[str, ...]
) -> tuple[Subject, ...]:
    """The catalogue entries for `keys`, in order; unknown or too many keys are refused."""
    if len(set(keys)) > MAX_SUBJECTS:
        raise InputError("subjects", "too_many", MAX_SUBJECTS)
    known = {s.key: s for s in await uow.subjects.all(guild_id)}
    chosen: list[Subject] = []
    for key in dict.fromkeys(keys):
        if key not in known:
            raise InputError("subjects", "unknown_choice")
        chosen.append(known[key])
    return tuple(chosen)


@dataclass(frozen=True, slots=True)
class StartOnboarding:
    """`/start`: pick a role, a time zone, subjects and a level."""

    actor: Actor
    role: Role
    timezone: str
    subject_keys: tuple[str, ...]
    level: Level


async def start(cmd: StartOnboarding, ctx: ServiceContext) -> Onboarded:
    """Record the member's role, zone, subjects and level; return their next steps."""
    zone = validate_zone(cmd.timezone)
    if not cmd.subject_keys:
        raise InputError("subjects", "empty")
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        subjects = await resolve_subjects(uow, actor.guild_id, cmd.subject_keys)
        existing = await uow.members.get(actor.guild_id, actor.user_id)
        member = Member(
            actor.guild_id,
            actor.user_id,
            cmd.role,
            existing.started_at if existing else now,
            interests=tuple(s.key for s in subjects),
            level=cmd.level,
        )
        await uow.members.save(member, now)
        await uow.users.set_timezone(actor.user_id, zone, now)
        if member.is_student:
            old = await uow.students.get(actor.guild_id, actor.user_id)
            profile = StudentProfile(
                subjects=tuple(SubjectLevel(s.key, cmd.level) for s in subjects),
                goals=old.goals if old else "",
            )
            await uow.students.save(actor.guild_id, actor.user_id, profile, now)
            policy = await uow.guilds.policy(actor.guild_id)
            await scheduling.schedule_nudge(
                uow, actor.guild_id, actor.user_id, member.started_at, policy
            )
        tutor = await uow.tutors.get(actor.guild_id, actor.user_id)
        payouts = await _payouts_step(uow, actor, ctx) if tutor else None
        await uow.commit()
    completeness = (
        tutor_completeness(tutor, timezone_set=True, has_availability=False) if tutor else None
    )
    steps = next_steps(
        cmd.role,
        timezone_set=True,
        has_subjects=True,
        tutor_profile_complete=completeness,
        has_availability=False,
        has_bookings=False,
        payouts_enabled=payouts,
    )
    return Onboarded(member, zone, subjects, cmd.level, tuple(steps))


async def _payouts_step(uow: UnitOfWork, actor: Actor, ctx: ServiceContext) -> bool | None:
    """Whether the tutor can be paid; None when the guild takes no payments."""
    if not payments_on(await uow.guilds.policy(actor.guild_id), ctx):
        return None
    account = await uow.payout_accounts.get(actor.guild_id, actor.user_id)
    return account is not None and account.can_receive_transfers


@dataclass(frozen=True, slots=True)
class SetTimezone:
    """`/timezone set`: the caller's time zone."""

    user_id: int
    zone: str


async def set_timezone(command: SetTimezone, ctx: ServiceContext) -> str:
    """Store the user's IANA zone, returning its canonical name."""
    user_id, zone = command.user_id, command.zone
    canonical = validate_zone(zone)
    async with ctx.uow() as uow:
        await uow.users.set_timezone(user_id, canonical, ctx.clock.now())
        await uow.commit()
    return canonical


async def current_timezone(user_id: int, ctx: ServiceContext) -> str | None:
    """The user's stored zone, if any."""
    async with ctx.uow(read_only=True) as uow:
        return await uow.users.timezone(user_id)


async def subject_name(guild_id: int, key: str, ctx: ServiceContext) -> str:
    """The display name of a subject key (the key itself if it was retired)."""
    async with ctx.uow(read_only=True) as uow:
        return await uow.subjects.name_of(guild_id, key)
