"""Profiles: viewing, editing, applying as a tutor, pausing."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from marketplace.domain.errors import InputError, NotFoundError
from marketplace.domain.members import Member
from marketplace.domain.money import parse_money
from marketplace.domain.profiles import (
    BIO_MAX,
    GOALS_MAX,
    Level,
    Role,
    SessionFormat,
    StudentProfile,
    SubjectLevel,
    TutorProfile,
    TutorStatus,
    VerificationLevel,
    tutor_completeness,
    validate_tutor_profile,
)
from marketplace.domain.reviews import counted_rating
from marketplace.domain.subjects import subject_key
from marketplace.domain.text import clean_text
from marketplace.ports import UnitOfWork
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext, enter_guild
from marketplace.services.onboarding import resolve_subjects
from marketplace.services.results import ProfileCard

TUTOR_ROLE_AFTER = {Role.STUDENT: Role.BOTH, Role.TUTOR: Role.TUTOR, Role.BOTH: Role.BOTH}


@dataclass(frozen=True, slots=True)
class ViewProfile:
    """`/profile view`: a member's profile card."""

    guild_id: int
    user_id: int


async def view(command: ViewProfile, ctx: ServiceContext) -> ProfileCard:
    """Everything the profile card shows about `user_id` in this guild."""
    guild_id, user_id = command.guild_id, command.user_id
    async with ctx.uow(read_only=True) as uow:
        found = await uow.members.profiles_of(guild_id, user_id)
        names = await uow.subjects.names(guild_id)
        policy = await uow.guilds.policy(guild_id)
    member, zone, tutor, stats = found.member, found.timezone, found.tutor, found.tutor_reviews
    completeness = (
        tutor_completeness(tutor, timezone_set=zone is not None, has_availability=False)
        if tutor
        else None
    )
    return ProfileCard(
        user_id=user_id,
        member=member,
        timezone=zone,
        student=found.student,
        tutor=tutor,
        completeness=completeness,
        subject_names=names,
        payments_on=policy.payments_enabled and ctx.payments_configured,
        rating=None
        if stats is None
        else counted_rating(stats.mean, stats.count, policy.min_reviews_for_rating),
        review_count=0 if stats is None else stats.count,
        completion=found.completion,
    )


@dataclass(frozen=True, slots=True)
class EditProfile:
    """`/profile edit`: free-text fields; None leaves a field unchanged."""

    actor: Actor
    goals: str | None = None
    bio: str | None = None
    rate: str | None = None


async def edit(cmd: EditProfile, ctx: ServiceContext) -> ProfileCard:
    """Apply the edited fields all together, or none of them."""
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        member = await _member(uow, actor.guild_id, actor.user_id)
        if cmd.goals is not None and member.is_student:
            goals = clean_text(cmd.goals, field="goals", max_len=GOALS_MAX, required=False)
            student = await uow.students.get(actor.guild_id, actor.user_id)
            student = replace(student, goals=goals) if student else StudentProfile((), goals)
            await uow.students.save(actor.guild_id, actor.user_id, student, now)
        tutor = await uow.tutors.get(actor.guild_id, actor.user_id)
        if tutor is not None and (cmd.bio is not None or cmd.rate is not None):
            policy = await uow.guilds.policy(actor.guild_id)
            bio = tutor.bio if cmd.bio is None else _typed_bio(cmd.bio)
            rate = tutor.rate if cmd.rate is None else parse_money(cmd.rate, policy.currency)
            tutor = validate_tutor_profile(**_fields_of(replace(tutor, bio=bio, rate=rate)))
            await uow.tutors.save(actor.guild_id, actor.user_id, tutor, now)
        await uow.commit()
    return await view(ViewProfile(actor.guild_id, actor.user_id), ctx)


@dataclass(frozen=True, slots=True)
class ApplyAsTutor:
    """`/tutor apply`: subjects, level, rate, bio, formats and instant booking."""

    actor: Actor
    subject_keys: tuple[str, ...]
    level: Level
    rate: str
    bio: str
    formats: frozenset[SessionFormat]
    instant_booking: bool
    not_teaching: str = ""


async def apply_as_tutor(cmd: ApplyAsTutor, ctx: ServiceContext) -> ProfileCard:
    """Create or update the caller's tutor profile from the application form."""
    actor, now = cmd.actor, ctx.clock.now()
    if not cmd.subject_keys:
        raise InputError("subjects", "empty")
    if not cmd.formats:
        raise InputError("formats", "empty")
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        policy = await uow.guilds.policy(actor.guild_id)
        subjects = await resolve_subjects(uow, actor.guild_id, cmd.subject_keys)
        not_teaching = await _not_teaching(uow, actor.guild_id, cmd.not_teaching)
        old = await uow.tutors.get(actor.guild_id, actor.user_id)
        profile = validate_tutor_profile(
            subjects=tuple(SubjectLevel(s.key, cmd.level) for s in subjects),
            not_teaching=not_teaching,
            rate=parse_money(cmd.rate, policy.currency),
            bio=_typed_bio(cmd.bio),
            formats=cmd.formats,
            instant_booking=cmd.instant_booking,
            verification=await _verification_of(uow, actor, old),
            status=old.status if old else TutorStatus.ACTIVE,
        )
        existing = await uow.members.get(actor.guild_id, actor.user_id)
        member = existing or Member(actor.guild_id, actor.user_id, Role.TUTOR, now)
        member = replace(member, role=TUTOR_ROLE_AFTER[member.role])
        await uow.members.save(member, now)
        await uow.tutors.save(actor.guild_id, actor.user_id, profile, now)
        await uow.commit()
    return await view(ViewProfile(actor.guild_id, actor.user_id), ctx)


@dataclass(frozen=True, slots=True)
class PauseProfile:
    """`/tutor pause` and `/tutor resume`: stop or take new bookings."""

    guild_id: int
    user_id: int
    paused: bool


async def set_paused(command: PauseProfile, ctx: ServiceContext) -> None:
    """Pause (hide from search, refuse new requests) or resume a tutor."""
    guild_id, user_id, paused = command.guild_id, command.user_id, command.paused
    async with ctx.uow() as uow:
        tutor = await uow.tutors.get(guild_id, user_id)
        if tutor is None:
            raise NotFoundError("tutor_profile", str(user_id))
        status = TutorStatus.PAUSED if paused else TutorStatus.ACTIVE
        await uow.tutors.save(guild_id, user_id, replace(tutor, status=status), ctx.clock.now())
        await uow.commit()


def _typed_bio(text: str) -> str:
    """A bio typed in the form, which requires one: blank (once cleaned) is refused."""
    return clean_text(text, field="bio", max_len=BIO_MAX, multiline=True)


def _fields_of(profile: TutorProfile) -> dict[str, Any]:
    return {f.name: getattr(profile, f.name) for f in fields(profile)}


async def _member(uow: UnitOfWork, guild_id: int, user_id: int) -> Member:
    member = await uow.members.get(guild_id, user_id)
    if member is None:
        raise NotFoundError("member", str(user_id))
    return member


async def _not_teaching(uow: UnitOfWork, guild_id: int, raw: str) -> frozenset[str]:
    names = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
    known = {s.key for s in await uow.subjects.all(guild_id)}
    keys = {subject_key(name) for name in names}
    if unknown := keys - known:
        raise InputError("not_teaching", "unknown_choice", len(unknown))
    return frozenset(keys)


async def _verification_of(
    uow: UnitOfWork, actor: Actor, old: TutorProfile | None
) -> VerificationLevel:
    """A tutor keeps their level; a new one who proved a campus email starts at campus-email."""
    if old is not None:
        return old.verification
    if await uow.emails.verified_address(actor.guild_id, actor.user_id) is not None:
        return VerificationLevel.CAMPUS_EMAIL
    return VerificationLevel.NONE
