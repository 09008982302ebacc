"""The read cache kept right across processes on PostgreSQL, with LISTEN/NOTIFY.

Several bot and web processes share one database, and each has its own `ReadCache` of
guild policies and subject catalogues. When a process commits a change to a cached key
it sends `NOTIFY tutorbot_read_cache, '<key>'`; every process (itself included) LISTENs
on one connection of its own and drops that key, so a change is seen everywhere within
the time a notification takes, not the cache's lifetime.

The cache's short lifetime (`read_cache.DEFAULT_TTL_SECONDS`) stays the backstop: if the
listening connection is lost the whole cache is cleared, and it reconnects with backoff
(meanwhile entries live at most that long). SQLite runs one process and needs none of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Hashable
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from marketplace.storage.read_cache import ReadCache

log = logging.getLogger(__name__)

CHANNEL = "tutorbot_read_cache"
FIRST_RETRY_SECONDS = 0.5
LONGEST_RETRY_SECONDS = 30.0


def encode_key(key: Hashable) -> str:
    """A cache key as a notification payload (keys are tuples of strings and numbers)."""
    return json.dumps(list(key) if isinstance(key, tuple) else key, separators=(",", ":"))


def decode_key(payload: str) -> Hashable:
    """The cache key a payload names."""
    value = json.loads(payload)
    return tuple(value) if isinstance(value, list) else value


def asyncpg_dsn(database_url: str) -> str:
    """The libpq form of a `postgresql+asyncpg://` URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class CacheSync:
    """Publishes this process's committed cache changes and applies everyone's."""

    def __init__(self, database_url: str, cache: ReadCache) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._cache = cache
        self._outbox: asyncio.Queue[str] = asyncio.Queue()
        self._connection: Any = None
        self._runner: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()

    @property
    def connected(self) -> bool:
        """Whether notifications are being received now."""
        return self._connected.is_set()

    async def start(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - start-up bound
        """Listen, and route the cache's committed changes here; wait for the first connection."""
        self._cache.publish = self.publish
        self._runner = asyncio.create_task(self._run(), name="read-cache-sync")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), timeout)

    def publish(self, key: Hashable) -> None:
        """Tell every process that `key` changed (sent in order by one sender)."""
        self._outbox.put_nowait(encode_key(key))

    async def close(self) -> None:
        """Stop listening; the cache falls back to its lifetime."""
        self._cache.publish = None
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
            self._runner = None

    async def _run(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            try:
                await self._listen_and_send()
                delay = FIRST_RETRY_SECONDS
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("read-cache sync lost (%s); retrying in %.1f s", error, delay)
            self._lost()
            await asyncio.sleep(delay)
            delay = min(delay * 2, LONGEST_RETRY_SECONDS)

    async def _listen_and_send(self) -> None:
        connection = await asyncpg.connect(self._dsn, timeout=10)
        closed = asyncio.Event()
        connection.add_termination_listener(lambda _connection: closed.set())
        try:
            await connection.add_listener(CHANNEL, self._on_notification)
            self._cache.clear()  # whatever changed while nobody listened is gone too
            self._connection = connection
            self._connected.set()
            await self._send_until(closed, connection)
        finally:
            self._connection = None
            with contextlib.suppress(Exception):
                await connection.close(timeout=2)

    async def _send_until(self, closed: asyncio.Event, connection: Any) -> None:
        lost = asyncio.create_task(closed.wait())
        try:
            while True:
                payload = asyncio.create_task(self._outbox.get())
                done, _ = await asyncio.wait({payload, lost}, return_when=asyncio.FIRST_COMPLETED)
                if payload not in done:
                    payload.cancel()
                    msg = "the listening connection closed"
                    raise OSError(msg)
                await connection.execute("SELECT pg_notify($1, $2)", CHANNEL, payload.result())
        finally:
            lost.cancel()

    def _on_notification(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            key = decode_key(payload)
        except ValueError:
            log.warning("ignoring a malformed read-cache notification")
            return
        self._cache.drop(key)

    def _lost(self) -> None:
        self._connected.clear()
        self._cache.clear()
