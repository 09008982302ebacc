"""Each person's display name, without the GUILD_MEMBERS intent.

With default intents Discord sends the bot almost no members (GUILD_CREATE lists only the
bot and people in voice, and no member events), so `guild.get_member` is usually empty.
`DisplayNames` keeps the names the bot is shown anyway (every interaction's user, the
users and members resolved in its options) and fetches the rest over REST once, keeping
them in a small LRU cache whose entries expire, so renamed people are seen again.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import discord

CAPACITY = 5_000
TTL_SECONDS = 6 * 3600.0

Key = tuple[int, int]  # (guild id or 0, user id)


class DisplayNames:
    """Display names by guild and user: seen in interactions, else fetched (cached)."""

    def __init__(
        self,
        client: discord.Client,
        *,
        capacity: int = CAPACITY,
        ttl: float = TTL_SECONDS,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._capacity = capacity
        self._ttl = ttl
        self._now = now
        self._names: OrderedDict[Key, tuple[str, float]] = OrderedDict()

    def note(self, person: discord.abc.User) -> None:
        """Remember `person`'s name: a Member's in its guild (and their own), a User's own."""
        if isinstance(person, discord.Member):
            self._put((person.guild.id, person.id), person.display_name)
            self._put((0, person.id), person.global_name or person.name)
        else:
            self._put((0, person.id), person.display_name)

    def note_interaction(self, interaction: discord.Interaction) -> None:
        """Remember the caller and everyone resolved in the interaction's options."""
        self.note(interaction.user)
        data: Mapping[str, Any] = interaction.data or {}
        resolved: Mapping[str, Any] = data.get("resolved") or {}
        members: Mapping[str, Any] = resolved.get("members") or {}
        for raw_id, user in (resolved.get("users") or {}).items():
            own = str(user.get("global_name") or user.get("username") or "")
            self._put((0, int(raw_id)), own)
            member = members.get(raw_id)
            if member is not None and interaction.guild_id is not None:
                self._put((interaction.guild_id, int(raw_id)), member.get("nick") or own)

    def known(self, guild_id: int | None, user_id: int) -> str | None:
        """The remembered, still fresh name in this guild (or the user's own, for None)."""
        key = (guild_id or 0, user_id)
        entry = self._names.get(key)
        if entry is None:
            return None
        name, stored = entry
        if self._now() - stored > self._ttl:
            del self._names[key]
            return None
        self._names.move_to_end(key)
        return name

    async def of(self, guild: discord.Guild | None, user_id: int) -> str | None:
        """The person's display name here: remembered, cached by discord.py, or fetched.

        In a guild that is their member name (nickname first); for someone who is not a
        member (any more) it is their own name. None only if Discord does not know them.
        """
        if guild is not None:
            name = self.known(guild.id, user_id)
            if name is not None:
                return name
            member = await self._member(guild, user_id)
            if member is not None:
                self.note(member)
                return member.display_name
        name = self.known(None, user_id) or await self._own_name(user_id)
        if name is not None and guild is not None:
            self._put((guild.id, user_id), name)  # not a member: their own name stands here
        return name

    async def many(self, guild: discord.Guild | None, user_ids: Iterable[int]) -> dict[int, str]:
        """Names for several people, fetched side by side (those Discord doesn't know are left out).

        An autocomplete has 3 seconds to answer, so the people not remembered are fetched
        concurrently (discord.py's rate limiter still paces them), not one after another.
        """
        unique = list(dict.fromkeys(user_ids))
        found = await asyncio.gather(*(self.of(guild, user_id) for user_id in unique))
        return {user_id: name for user_id, name in zip(unique, found, strict=True) if name}

    @staticmethod
    async def _member(guild: discord.Guild, user_id: int) -> discord.Member | None:
        cached = guild.get_member(user_id)
        if cached is not None:
            return cached
        try:
            return await guild.fetch_member(user_id)
        except discord.NotFound:
            return None  # not (or no longer) a member

    async def _own_name(self, user_id: int) -> str | None:
        user = self._client.get_user(user_id)
        if user is None:
            try:
                user = await self._client.fetch_user(user_id)
            except discord.NotFound:
                return None
        self.note(user)
        return user.display_name

    def _put(self, key: Key, name: str) -> None:
        if not name:
            return
        self._names[key] = (name, self._now())
        self._names.move_to_end(key)
        while len(self._names) > self._capacity:
            self._names.popitem(last=False)
