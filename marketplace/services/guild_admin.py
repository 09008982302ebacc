"""`/admin`: guild settings and the subject catalogue, for admins only."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from marketplace.domain.errors import InputError, InvalidSettingError, PermissionDeniedError
from marketplace.domain.members import Rights, Subject, rights_of
from marketplace.domain.policy import SETTINGS, SettingKind, parse_setting, with_setting
from marketplace.domain.subjects import clean_subject_name, subject_key
from marketplace.domain.weekly_report import report_work
from marketplace.formatting import guild_locale
from marketplace.ports import UnitOfWork
from marketplace.services.actor import Actor, ByActor
from marketplace.services.context import ServiceContext, enter_guild
from marketplace.services.results import GuildConfig


async def money_locale(guild_id: int, ctx: ServiceContext) -> str:
    """The locale the guild reads amounts in (its first language Babel knows, else en)."""
    async with ctx.uow(read_only=True) as uow:
        policy = await uow.guilds.policy(guild_id)
    return guild_locale(policy.languages)


async def language_settings(guild_id: int, ctx: ServiceContext) -> tuple[tuple[str, ...], bool]:
    """The guild's `languages`, and whether a member's own Discord language counts."""
    async with ctx.uow(read_only=True) as uow:
        policy = await uow.guilds.policy(guild_id)
    return policy.languages, policy.member_locale


async def evidence_channel(guild_id: int, ctx: ServiceContext) -> int | None:
    """The guild's private channel for handed-in files, if an admin set one."""
    async with ctx.uow(read_only=True) as uow:
        return (await uow.guilds.policy(guild_id)).evidence_channel


async def rights(uow: UnitOfWork, actor: Actor) -> Rights:
    """The actor's rights in their guild, from Discord's facts and the guild's mod role."""
    policy = await uow.guilds.policy(actor.guild_id)
    return rights_of(
        has_manage_guild=actor.has_manage_guild,
        is_owner=actor.is_owner,
        role_ids=actor.role_ids,
        moderator_role_id=policy.moderator_role,
    )


async def require_admin(uow: UnitOfWork, actor: Actor) -> None:
    """Refuse anyone without Manage Server, whatever Discord's command permissions say."""
    if not (await rights(uow, actor)).is_admin:
        raise PermissionDeniedError("admin_config", "admin")


@dataclass(frozen=True, slots=True)
class ViewConfig(ByActor):
    """`/admin config` without a setting: the guild's settings."""


async def view_config(command: ViewConfig, ctx: ServiceContext) -> GuildConfig:
    """The guild's settings, for an admin."""
    actor = command.actor
    async with ctx.uow() as uow:
        await require_admin(uow, actor)
        await enter_guild(uow, actor, ctx)
        policy = await uow.guilds.policy(actor.guild_id)
        await uow.commit()
    return GuildConfig(policy, ctx.payments_configured, ctx.mailer is not None)


@dataclass(frozen=True, slots=True)
class ChangeSetting:
    """`/admin config setting: value:`."""

    actor: Actor
    key: str
    raw_value: str
    channel_ids: frozenset[int] = frozenset()
    role_ids: frozenset[int] = frozenset()


async def change_setting(cmd: ChangeSetting, ctx: ServiceContext) -> GuildConfig:
    """Validate and store one setting, and record who changed it."""
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        await require_admin(uow, actor)
        await enter_guild(uow, actor, ctx)
        value = parse_setting(cmd.key, cmd.raw_value)
        _check_target_exists(cmd, value)
        policy = with_setting(await uow.guilds.policy(actor.guild_id), cmd.key, value)
        await uow.guilds.save_policy(actor.guild_id, policy, now)
        if cmd.key in {"report_channel", "timezone"} and policy.report_channel is not None:
            zone = ZoneInfo(policy.timezone)
            await uow.scheduled.schedule(report_work(actor.guild_id, now, zone))
        await uow.audit.record(
            actor.guild_id,
            actor.user_id,
            "config.set",
            {"key": cmd.key, "value": _json_safe(value)},
            now,
        )
        await uow.commit()
    return GuildConfig(policy, ctx.payments_configured, ctx.mailer is not None)


@dataclass(frozen=True, slots=True)
class AddSubject:
    """`/admin subjects add`: a new subject in the catalogue."""

    actor: Actor
    name: str


async def add_subject(command: AddSubject, ctx: ServiceContext) -> Subject:
    """Add a subject to the guild's catalogue."""
    actor, name = command.actor, command.name
    clean = clean_subject_name(name)
    subject = Subject(subject_key(clean), clean)
    if not subject.key:
        raise InputError("subject", "bad_characters")
    async with ctx.uow() as uow:
        await require_admin(uow, actor)
        await enter_guild(uow, actor, ctx)
        await uow.subjects.add(actor.guild_id, subject)
        await uow.audit.record(
            actor.guild_id, actor.user_id, "subject.add", {"key": subject.key}, ctx.clock.now()
        )
        await uow.commit()
    return subject


@dataclass(frozen=True, slots=True)
class RemoveSubject:
    """`/admin subjects remove`: retire a subject."""

    actor: Actor
    key: str


async def remove_subject(command: RemoveSubject, ctx: ServiceContext) -> bool:
    """Retire a subject from the catalogue; False if it was not there."""
    actor, key = command.actor, command.key
    async with ctx.uow() as uow:
        await require_admin(uow, actor)
        removed = await uow.subjects.remove(actor.guild_id, key)
        if removed:
            await uow.audit.record(
                actor.guild_id, actor.user_id, "subject.remove", {"key": key}, ctx.clock.now()
            )
        await uow.commit()
    return removed


def _check_target_exists(cmd: ChangeSetting, value: object) -> None:
    """A channel or role setting must name one that exists in this guild."""
    kind = SETTINGS[cmd.key].kind
    if value is None or kind not in (SettingKind.CHANNEL, SettingKind.ROLE):
        return
    known = cmd.channel_ids if kind is SettingKind.CHANNEL else cmd.role_ids
    if value not in known:
        raise InvalidSettingError(cmd.key, cmd.raw_value[:50], "unknown_" + kind.value)


def _json_safe(value: object) -> object:
    if isinstance(value, tuple | list):
        return list(value)
    return value
