"""Gateway sharding as Discord routes it: which session gets a guild's events.

Discord's rule (Gateway → Sharding): a session that identified with ``shard: [shard_id,
num_shards]`` gets the events of the guilds where ``(guild_id >> 22) % num_shards ==
shard_id``, and only shard 0 gets DMs (events without a guild). One shard may hold at most
2,500 guilds (more closes the IDENTIFY with 4011), and ``GET /gateway/bot`` recommends one
shard per 1,000 guilds.
"""

from __future__ import annotations

from typing import Any

Shard = tuple[int, int]  # (shard_id, num_shards)

MAX_GUILDS_PER_SHARD = 2_500
GUILDS_PER_RECOMMENDED_SHARD = 1_000

INVALID_SHARD = 4010
SHARDING_REQUIRED = 4011

# Events about a guild itself carry the guild's id as `id`, not `guild_id`.
GUILD_ITSELF = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard a guild's events go to: ``(guild_id >> 22) % shard_count``."""
    if shard_count < 1:
        raise ValueError(f"shard_count must be at least 1, got {shard_count}")
    return (int(guild_id) >> 22) % shard_count


def routes_to(shard: Shard | None, guild_id: int | None) -> bool:
    """Whether a session identified with `shard` gets an event of `guild_id`.

    A session without `shard` gets everything; DMs (no guild) go only to shard 0.
    """
    if shard is None:
        return True
    shard_id, count = shard
    if guild_id is None:
        return shard_id == 0
    return shard_of(guild_id, count) == shard_id


def event_guild_id(event: str, data: Any) -> int | None:
    """The guild an event belongs to (None for DMs and events about no guild)."""
    if not isinstance(data, dict):
        return None
    raw = data.get("id") if event in GUILD_ITSELF else data.get("guild_id")
    return None if raw is None else int(str(raw))


def recommended_shards(guild_count: int, per_shard: int = GUILDS_PER_RECOMMENDED_SHARD) -> int:
    """What ``GET /gateway/bot`` recommends: one shard per `per_shard` guilds, at least 1."""
    return max(1, -(-guild_count // per_shard))


def parse(raw: Any) -> Shard | None:
    """The ``[shard_id, num_shards]`` of an IDENTIFY; ValueError if it is not a valid one.

    Valid: two integers with ``num_shards >= 1`` and ``0 <= shard_id < num_shards``.
    """
    if raw is None:
        return None
    if (
        not isinstance(raw, list | tuple)
        or len(raw) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in raw)
    ):
        raise ValueError(f"shard must be [shard_id, num_shards], got {raw!r}")
    shard_id, count = raw
    if count < 1 or not 0 <= shard_id < count:
        raise ValueError(f"shard_id must be in [0, num_shards) with num_shards >= 1: {raw!r}")
    return shard_id, count


def snowflake_on_shard(after: int, shard_id: int, shard_count: int) -> int:
    """The smallest snowflake above `after` whose guild events would go to `shard_id`.

    The shard depends on the timestamp bits (``id >> 22``), so this moves the id forward
    by at most ``shard_count - 1`` milliseconds.
    """
    parse([shard_id, shard_count])
    candidate = after + 1
    stamp = candidate >> 22
    if stamp % shard_count == shard_id:
        return candidate
    return (stamp + (shard_id - stamp) % shard_count) << 22
