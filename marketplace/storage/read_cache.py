"""A small per-process cache for hot, rarely-changed reads (guild policy, subjects).

Units of work fill it from committed data; one that changes a key leaves that key's
cache alone until it commits, then drops it, so this process sees its own changes at
once. Other processes (several bots on PostgreSQL) drop it when `cache_sync` tells them,
and in any case see the change within `ttl`.
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
    """How one unit of work may use the cache.

    A unit of work reads and fills the cache with what it read from committed data. A
    writer that changes a key (`changed`) stops using that key: it must see its own,
    uncommitted value, and that value must not reach the cache before it is committed.
    `remember` caches a value only once the unit of work commits. `may_fill=False`
    keeps the unit of work off the cache entirely.
    """

    cache: ReadCache
    may_fill: bool
    on_commit: Callable[[Callable[[], None]], None]
    _changed: set[Hashable] = field(default_factory=set)

    def get(self, key: Hashable) -> Any | None:
        """A cached value, unless this unit of work changed the key."""
        if not self.may_fill or key in self._changed:
            return None
        return self.cache.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        """Cache a value read from committed data (not one this unit of work changed)."""
        if self.may_fill and key not in self._changed:
            self.cache.put(key, value)

    def remember(self, key: Hashable, value: Any) -> None:
        """Cache `value` once this unit of work has committed (nothing if it rolls back)."""
        if self.may_fill:
            self.on_commit(lambda: self.cache.put(key, value))

    def changed(self, key: Hashable) -> None:
        """This transaction changes `key`: drop it now and again once committed."""
        self._changed.add(key)
        self.cache.drop(key)
        self.on_commit(lambda: self.cache.committed(key))
