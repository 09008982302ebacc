"""Commands: what a user asked for, as imperative dataclasses."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain.profiles import Level, Role, SessionFormat


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, with what Discord told us about their standing in the guild."""

    guild_id: int
    guild_name: str
    user_id: int
    role_ids: frozenset[int] = frozenset()
    has_manage_guild: bool = False
    is_owner: bool = False
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class StartOnboarding:
    """`/start`: pick a role, a time zone, subjects and a level."""

    actor: Actor
    role: Role
    timezone: str
    subject_keys: tuple[str, ...]
    level: Level


@dataclass(frozen=True, slots=True)
class EditProfile:
    """`/profile edit`: free-text fields; None leaves a field unchanged."""

    actor: Actor
    goals: str | None = None
    bio: str | None = None
    rate: str | None = None


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


@dataclass(frozen=True, slots=True)
class ChangeSetting:
    """`/admin config setting: value:`."""

    actor: Actor
    key: str
    raw_value: str
    channel_ids: frozenset[int] = frozenset()
    role_ids: frozenset[int] = frozenset()
