"""aiosqlite for SQLAlchemy, with fewer trips to its worker thread.

aiosqlite runs every sqlite3 call on its own thread, and each call is a hop there and
back through the event loop: a thread switch, which on a busy machine costs far more
than the 15 µs an indexed statement takes. SQLAlchemy's stock adapter makes four hops
for a statement (open the cursor, execute, fetch, close). This adapter makes at most
one:

- A write transaction runs inline, on the event loop's thread. `BEGIN IMMEDIATE` is
  tried inline with no busy wait; if another connection (another process) holds the
  write lock, it is retried on the thread, where waiting out `busy_timeout` blocks
  nothing else. Once it has returned, the connection holds SQLite's write lock (and,
  in this process, the unit of work's write lock), so in WAL mode no statement of the
  transaction can wait for another connection: each takes the microseconds SQLite
  needs. `COMMIT` only appends to the WAL (synchronous=NORMAL does not sync it); the
  WAL checkpoint, which syncs the file, is taken off SQLite's automatic trigger and
  run in the background by a `WalCheckpointer`.
- Everything else (reads, which may be long) stays off the loop, one hop a statement:
  open, execute, fetch and close run together on the thread.

Either way the cursor keeps only the rows and what SQLAlchemy reads afterwards
(description, rowcount, lastrowid).

A reader's `BEGIN DEFERRED` (which takes no lock) and every `ROLLBACK` (which never
waits either) run inline too, unless a call is still under way on the thread; so a
read is one hop per statement and no more. A rollback with no transaction open (the
pool's reset after every commit) is a no-op in sqlite3, so it is skipped. Server-side
cursors keep the stock adapter.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import sqlite3
from collections.abc import Callable
from threading import Thread
from types import ModuleType
from typing import Any, TypeVar, cast

from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

_Outcome = tuple[Any, int, int | None, list[Any] | None]
_T = TypeVar("_T")
# A write transaction here is some ten pages; SQLite's own automatic checkpoint runs at
# 1000 pages of WAL.
CHECKPOINT_EVERY_COMMITS = 100


class WalCheckpointer:
    """Checkpoints a database's WAL in the background, every `every` write commits.

    From a connection of its own, on a worker thread, and never awaited by the commit
    that triggers it: a PASSIVE checkpoint does not block writers (nor they it), so the
    file's sync is off every request's path. One runs at a time.
    """

    def __init__(self, path: str, every: int = CHECKPOINT_EVERY_COMMITS) -> None:
        self._path = path
        self._every = every
        self._commits = 0
        self._running: asyncio.Task[None] | None = None

    def committed(self) -> None:
        """A write transaction committed (on the event loop's thread)."""
        self._commits += 1
        if self._commits % self._every == 0 and (self._running is None or self._running.done()):
            self._running = asyncio.get_running_loop().create_task(
                asyncio.to_thread(self._checkpoint)
            )

    def _checkpoint(self) -> None:
        connection = sqlite3.connect(self._path)
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").close()
        finally:
            connection.close()

    async def close(self) -> None:
        """Wait for a checkpoint under way."""
        if self._running is not None:
            await self._running


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """On the worker thread: the whole statement, start to finish."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else None
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _begin_deferred(connection: sqlite3.Connection) -> None:
    connection.execute("BEGIN DEFERRED").close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose every statement is one call on aiosqlite's thread."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        # No sqlite3 cursor is opened here: `_run` opens its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        """The last statement's column description (None for no rows)."""
        return self._description

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed."""
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        """The rowid of the last inserted row."""
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        """Rows `fetchmany()` returns by default."""
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        """Drop rows not yet fetched; there is no sqlite3 cursor left open."""
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._trip(operation, seq_of_parameters, many=True)

    async def _trip(self, operation: str, parameters: Any, *, many: bool) -> None:
        # Still a coroutine when inline: SQLAlchemy's async layer expects every
        # statement to be awaited, and awaiting this one costs no loop iteration.
        connection = self._connection
        if cast("OneTripConnection", self._adapt_connection).writing:
            self._keep(_run(connection._conn, operation, parameters, many))
            return
        adapt = cast("OneTripConnection", self._adapt_connection)
        async with adapt._execute_mutex:
            outcome: _Outcome = await adapt.on_thread(
                _run, connection._conn, operation, parameters, many
            )
        self._keep(outcome)

    def _keep(self, outcome: _Outcome) -> None:
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = collections.deque(rows) if rows else collections.deque()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """Hands out `OneTripCursor`s; skips rollbacks with nothing to roll back.

    `writing` is set by whoever issued `BEGIN IMMEDIATE` (the engine's begin hook), once
    it returned; the transaction's end clears it.
    """

    __slots__ = ("_finished", "_queued", "writing")
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.writing = False
        # Calls queued to aiosqlite's thread, and finished there. Each is written by one
        # thread only, so neither loses a count; they differ while a call is under way
        # there, even one whose awaiting task was cancelled.
        self._queued = 0
        self._finished = 0

    async def on_thread(self, function: Callable[..., _T], *args: Any) -> _T:
        """`function(*args)` on aiosqlite's thread, after what was queued there before."""
        connection = self._connection
        if not connection._running or not connection._connection:
            msg = "Connection closed"
            raise ValueError(msg)
        future: asyncio.Future[_T] = asyncio.get_running_loop().create_future()
        self._queued += 1
        connection._tx.put_nowait((future, functools.partial(self._counted, function, *args)))
        return await future

    def _counted(self, function: Callable[..., _T], *args: Any) -> _T:
        try:
            return function(*args)
        finally:
            self._finished += 1

    def _thread_idle(self) -> bool:
        """Nothing runs or waits on aiosqlite's thread: the loop's thread may use sqlite3."""
        return self._queued == self._finished

    def try_begin_immediate(self, busy_timeout_ms: int) -> bool:
        """`BEGIN IMMEDIATE` inline if SQLite's write lock is free right now; never waits.

        False when another connection holds the lock: the caller then begins on the
        worker thread, where waiting out `busy_timeout` blocks nothing else.
        """
        connection = self._connection._conn
        connection.execute("PRAGMA busy_timeout=0").close()
        try:
            connection.execute("BEGIN IMMEDIATE").close()
        except sqlite3.OperationalError:
            return False
        finally:
            connection.execute(f"PRAGMA busy_timeout={busy_timeout_ms}").close()
        self.writing = True
        return True

    def commit(self) -> None:
        """Commit: a write transaction inline (the WAL checkpoint is the checkpointer's)."""
        if not self.writing:
            super().commit()
            return
        self.writing = False
        try:
            await_(self._commit_inline())
        except Exception as error:
            self._handle_exception(error)

    async def _commit_inline(self) -> None:
        # Appending the transaction to the WAL is quick (synchronous=NORMAL does not sync
        # on commit). Checkpointing the WAL into the file does sync, so SQLite's automatic
        # checkpoint is off (engine) and the checkpointer does it in the background.
        self._connection._conn.commit()
        checkpointer = getattr(self.dbapi, "checkpointer", None)
        if checkpointer is not None:
            checkpointer.committed()

    def begin_deferred(self) -> None:
        """A reader's `BEGIN DEFERRED`, inline: it takes no lock (the first read does)."""
        self._inline_or_on_thread(_begin_deferred)

    def rollback(self) -> None:
        """Roll back the open transaction, if there is one, inline.

        A rollback never waits for another connection: it drops a reader's snapshot, or
        the pages a writer (who holds SQLite's write lock) appended to the WAL.
        """
        self.writing = False
        connection = self._connection._connection
        if connection is not None and connection.in_transaction:
            self._inline_or_on_thread(sqlite3.Connection.rollback)

    def _inline_or_on_thread(self, step: Callable[[sqlite3.Connection], None]) -> None:
        """`step(connection)`, which never waits for a lock, on the loop's thread if it may.

        While a call is under way on aiosqlite's thread (one whose task was cancelled
        still runs there), it is queued behind that call instead.
        """
        connection = self._connection._conn
        try:
            if self._thread_idle():
                step(connection)
            else:
                await_(self.on_thread(step, connection))
        except Exception as error:
            self._handle_exception(error)


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module SQLAlchemy's aiosqlite dialect is given instead of its own."""

    checkpointer: WalCheckpointer | None = None

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        """Open an aiosqlite connection (its thread a daemon, as SQLAlchemy does).

        The sqlite3 connection is used from the loop's thread too (inline statements),
        never at the same time as from the worker's.
        """
        kw["check_same_thread"] = False
        connection = self.aiosqlite.connect(*arg, **kw)
        thread = getattr(connection, "_thread", connection)
        if isinstance(thread, Thread):
            thread.daemon = True
        return OneTripConnection(self, await_(connection))


def one_trip_dbapi(checkpointer: WalCheckpointer | None = None) -> OneTripDBAPI:
    """The module to pass as `create_async_engine(..., module=...)` for sqlite+aiosqlite.

    `checkpointer` checkpoints the file's WAL (the engine turns SQLite's own off).
    """
    import aiosqlite  # noqa: PLC0415 - the dialect imports its driver lazily too

    driver: ModuleType = aiosqlite
    dbapi = OneTripDBAPI(driver, sqlite3)
    dbapi.checkpointer = checkpointer
    return dbapi
