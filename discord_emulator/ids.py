"""Snowflake ids and interaction tokens."""

from __future__ import annotations

import itertools
import secrets
import time

from discord_emulator.shards import shard_of, snowflake_on_shard

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeFactory:
    """Generate increasing Discord-style snowflakes (timestamp in the high bits)."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._last = 0

    def next(self) -> int:
        now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (now_ms << 22) | (next(self._counter) & 0xFFF)
        self._last = max(self._last + 1, candidate)
        return self._last

    def next_on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next snowflake whose guild would be on `shard_id` of `shard_count` shards."""
        candidate = self.next()
        if shard_of(candidate, shard_count) != shard_id:
            self._last = candidate = snowflake_on_shard(candidate, shard_id, shard_count)
        return candidate


def new_token(prefix: str = "aW50ZXJhY3Rpb24") -> str:
    """Return an opaque interaction/session token."""
    return f"{prefix}.{secrets.token_urlsafe(24)}"
