"""A user's membership of one guild's marketplace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.domain.profiles import Level, Role


@dataclass(frozen=True, slots=True)
class Member:
    """Someone who ran `/start` in a guild, with the role they picked."""

    guild_id: int
    user_id: int
    role: Role
    started_at: datetime
    interests: tuple[str, ...] = ()
    level: Level | None = None

    @property
    def is_tutor(self) -> bool:
        """Whether this member offers tutoring."""
        return self.role.teaches

    @property
    def is_student(self) -> bool:
        """Whether this member looks for tutoring."""
        return self.role.learns


@dataclass(frozen=True, slots=True)
class Subject:
    """One entry of a guild's subject catalogue."""

    key: str
    name: str


@dataclass(frozen=True, slots=True)
class Rights:
    """What an actor may do in a guild, worked out on the server side."""

    is_admin: bool
    is_moderator: bool


def rights_of(
    *,
    has_manage_guild: bool,
    is_owner: bool,
    role_ids: frozenset[int],
    moderator_role_id: int | None,
) -> Rights:
    """Admins hold Manage Server (or own the guild); moderators also include the mod role."""
    is_admin = has_manage_guild or is_owner
    has_mod_role = moderator_role_id is not None and moderator_role_id in role_ids
    return Rights(is_admin=is_admin, is_moderator=is_admin or has_mod_role)
