"""Actor: who is acting, as the services see them."""

from __future__ import annotations

from dataclasses import dataclass


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
