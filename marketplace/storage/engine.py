"""The one place that builds database engines and session factories.

SQLite: WAL, busy_timeout, foreign keys on, and write transactions opened with
`BEGIN IMMEDIATE` so two writers never deadlock upgrading a shared lock.
PostgreSQL: asyncpg.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from marketplace.storage.sealing import DataKeys, bind_keys
from marketplace.storage.sqlite_driver import OneTripConnection, WalCheckpointer, one_trip_dbapi

SQLITE_BUSY_TIMEOUT_MS = 10_000
BEGIN_MODE_OPTION = "sqlite_begin"


@dataclass(frozen=True, slots=True)
class Database:
    """An engine plus session factories for write and read-only units of work."""

    engine: AsyncEngine
    writer: async_sessionmaker[AsyncSession]
    reader: async_sessionmaker[AsyncSession]
    # SQLite allows one writer at a time. Queueing writers of this process in order, on an
    # asyncio lock, beats SQLite's sleep-and-poll busy handler: no starved writer ever
    # hits "database is locked". None on PostgreSQL.
    write_lock: asyncio.Lock | None = None
    checkpointer: WalCheckpointer | None = None  # SQLite files: the WAL's, in the background

    @property
    def is_sqlite(self) -> bool:
        """Whether this database is an SQLite file."""
        return self.engine.dialect.name == "sqlite"

    async def dispose(self) -> None:
        """Close every pooled connection (after a checkpoint under way)."""
        if self.checkpointer is not None:
            await self.checkpointer.close()
        await self.engine.dispose()


def create_database(
    url: str, *, keys: DataKeys | None = None, echo: bool = False, pool_size: int = 10
) -> Database:
    """Build the engine for `url` with the per-backend settings this project relies on.

    `keys` encrypt and decrypt the sealed columns; without them those columns refuse.
    """
    checkpointer = None
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:" and not path.startswith("file:"):
            checkpointer = WalCheckpointer(path)
        engine = create_async_engine(url, echo=echo, module=one_trip_dbapi(checkpointer))
        _configure_sqlite(engine, checkpointer is not None)
        reader_engine = engine.execution_options(**{BEGIN_MODE_OPTION: "DEFERRED"})
    else:
        engine = create_async_engine(
            url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
        )
        reader_engine = engine
    bind_keys(engine, keys)
    return Database(
        engine=engine,
        writer=async_sessionmaker(engine, expire_on_commit=False),
        reader=async_sessionmaker(reader_engine, expire_on_commit=False),
        write_lock=asyncio.Lock() if url.startswith("sqlite") else None,
        checkpointer=checkpointer,
    )


def _configure_sqlite(engine: AsyncEngine, checkpointed: bool) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take transaction control away from the driver so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if checkpointed:  # by the WalCheckpointer in the background, not inside a COMMIT
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        # Deleted rows (expired session logs, erased data) are overwritten, not left in
        # free pages of the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(BEGIN_MODE_OPTION, "IMMEDIATE")
        driver = conn.connection.dbapi_connection
        writer = mode == "IMMEDIATE" and isinstance(driver, OneTripConnection)
        # A writer's transaction runs inline while it holds the write lock
        # (marketplace.storage.sqlite_driver); only a wait for the lock goes to the thread.
        if writer and driver.try_begin_immediate(SQLITE_BUSY_TIMEOUT_MS):  # type: ignore[union-attr]
            return
        if mode == "DEFERRED" and isinstance(driver, OneTripConnection):
            driver.begin_deferred()  # takes no lock, so inline (sqlite_driver)
            return
        conn.exec_driver_sql(f"BEGIN {mode}")
        if writer:
            driver.writing = True  # type: ignore[union-attr]
