"""A small per-process cache for hot, rarely-changed reads (guild policy, subjects).

Only read-only units of work fill it, from committed data. Writers drop the entry when
they commit, so this process sees its own changes at once. Other processes (several
bots on PostgreSQL) drop the entry when `cache_sync` tells them, and in any case see the
change within `ttl`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_TTL_SECONDS = 10.0


@dataclass
class ReadCache:
    """Key → value with an expiry; monotonic clock."""

    ttl: float = DEFAULT_TTL_SECONDS
    now: Callable[[], float] = time.monotonic
    # Tells the other processes about a committed change (`cache_sync` on PostgreSQL).
    publish: Callable[[Hashable], None] | None = None
    _entries: dict[Hashable, tuple[float, Any]] = field(default_factory=dict)

    def get(self, key: Hashable) -> Any | None:
        """The cached value, or None when missing or expired."""
        entry = self._entries.get(key)
        if entry is None or entry[0] < self.now():
            return None
        return entry[1]

    def put(self, key: Hashable, value: Any) -> None:
        """Remember `value` for `ttl` seconds."""
        self._entries[key] = (self.now() + self.ttl, value)

    def drop(self, key: Hashable) -> None:
        """Forget `key` (after a write)."""
        self._entries.pop(key, None)

    def committed(self, key: Hashable) -> None:
        """A change to `key` was committed: forget it here and tell the other processes."""
        self.drop(key)
        if self.publish is not None:
            self.publish(key)

    def clear(self) -> None:
        """Forget everything (when changes elsewhere may have been missed)."""
        self._entries.clear()


@dataclass
class CacheAccess:
    """How one unit of work may use the cache: read-only ones fill it, writers drop keys."""

    cache: ReadCache
    may_fill: bool
    on_commit: Callable[[Callable[[], None]], None]

    def get(self, key: Hashable) -> Any | None:
        """A cached value (read-only units of work only)."""
        return self.cache.get(key) if self.may_fill else None

    def put(self, key: Hashable, value: Any) -> None:
        """Cache a committed value (read-only units of work only)."""
        if self.may_fill:
            self.cache.put(key, value)

    def changed(self, key: Hashable) -> None:
        """This transaction changes `key`: drop it now and again once committed."""
        self.cache.drop(key)
        self.on_commit(lambda: self.cache.committed(key))
