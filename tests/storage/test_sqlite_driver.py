"""The SQLite driver: write transactions inline, never a wait on the event loop."""

import asyncio
import contextlib
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from marketplace.storage.engine import create_database
from marketplace.storage.sqlite_driver import CHECKPOINT_EVERY_COMMITS, OneTripConnection
from tests.data_keys import TEST_DATA_KEYS


@pytest.fixture
def backend() -> str:
    """The driver is SQLite's."""
    return "sqlite"


async def test_a_write_transaction_runs_inline_and_reads_back_its_rows(database):
    async with database.writer() as session:
        await session.execute(text("CREATE TEMP TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
        driver = (await session.connection()).sync_connection.connection.dbapi_connection
        assert isinstance(driver, OneTripConnection)
        assert driver.writing
        inserted = await session.execute(text("INSERT INTO t (v) VALUES ('a'), ('b') RETURNING id"))
        assert [row.id for row in inserted] == [1, 2]
        changed = await session.execute(text("UPDATE t SET v = 'c'"))
        assert changed.rowcount == 2  # type: ignore[attr-defined]
        await session.commit()
        assert not driver.writing


async def test_a_failed_statement_inline_is_the_usual_error_and_rolls_back(database):
    async with database.writer() as session:
        await session.execute(text("CREATE TABLE u (id INTEGER PRIMARY KEY)"))
        await session.commit()
    async with database.writer() as session:
        await session.execute(text("INSERT INTO u (id) VALUES (1)"))
        with pytest.raises(IntegrityError):
            await session.execute(text("INSERT INTO u (id) VALUES (1)"))
        await session.rollback()
    async with database.reader() as session:
        assert (await session.execute(text("SELECT count(*) FROM u"))).scalar() == 0


async def test_a_writer_waiting_for_another_process_lock_leaves_the_loop_free(database_url):
    path = make_url(database_url).database
    other = sqlite3.connect(path, isolation_level=None)  # another process's connection
    other.execute("BEGIN IMMEDIATE")
    database = create_database(database_url, keys=TEST_DATA_KEYS)
    ticks = 0

    async def write() -> None:
        async with database.writer() as session:
            await session.execute(text("CREATE TABLE w (id INTEGER)"))
            await session.commit()

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    writer = asyncio.create_task(write())
    try:
        await asyncio.sleep(0.3)
        assert not writer.done()  # waiting for the lock ...
        assert ticks >= 10  # ... on the driver's thread, not on the loop
        other.execute("COMMIT")
        await asyncio.wait_for(writer, 10)
    finally:
        ticker.cancel()
        other.close()
        await database.dispose()
    async with create_database(database_url, keys=TEST_DATA_KEYS).reader() as session:
        assert (await session.execute(text("SELECT count(*) FROM w"))).scalar() == 0


def size_of(path: Path) -> int:
    return path.stat().st_size


async def test_the_wal_is_checkpointed_in_the_background_every_hundred_commits(
    database, database_url
):
    path = Path(make_url(database_url).database or "")

    async def commit(statement: str) -> None:
        async with database.writer() as session:
            await session.execute(text(statement))
            await session.commit()

    await commit("CREATE TABLE big (v TEXT)")
    size = size_of(path)
    for _ in range(CHECKPOINT_EVERY_COMMITS - 2):
        await commit("INSERT INTO big VALUES (randomblob(4000))")
    assert size_of(path) == size  # every page is still in the WAL

    await commit("INSERT INTO big VALUES (randomblob(4000))")  # the hundredth commit
    assert database.checkpointer is not None
    await database.checkpointer.close()

    assert size_of(path) > size


async def test_a_read_transaction_goes_to_the_thread_once_a_statement_and_no_more(database):
    async with database.reader() as session:
        await session.execute(text("SELECT 1"))
        driver = (await session.connection()).sync_connection.connection.dbapi_connection
        assert isinstance(driver, OneTripConnection)
        trips = driver._queued
        await session.execute(text("SELECT 2"))
        await session.rollback()  # inline, as the next BEGIN DEFERRED is
        await session.execute(text("SELECT 3"))
        assert driver._queued - trips == 2  # the two SELECTs


async def test_a_rollback_waits_behind_a_call_still_running_on_the_thread(database):
    """A cancelled statement still runs on aiosqlite's thread: nothing runs beside it."""
    async with database.reader() as session:
        await session.execute(text("SELECT 1"))
        driver = (await session.connection()).sync_connection.connection.dbapi_connection
        assert isinstance(driver, OneTripConnection)
        started, release = threading.Event(), threading.Event()

        def slow() -> None:
            started.set()
            release.wait(5)

        call = asyncio.create_task(driver.on_thread(slow))
        assert await asyncio.to_thread(started.wait, 5)
        call.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await call
        assert not driver._thread_idle()
        asyncio.get_running_loop().call_later(0.2, release.set)
        began = time.monotonic()
        await session.rollback()  # queued behind `slow`, so it ends after the release
        assert time.monotonic() - began >= 0.15
        assert driver._thread_idle()
        assert (await session.execute(text("SELECT 4"))).scalar() == 4
