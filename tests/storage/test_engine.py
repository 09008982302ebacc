"""The engine factory: SQLite pragmas and locking, foreign keys, and UTC datetimes."""

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, StatementError

from marketplace.storage.engine import SQLITE_BUSY_TIMEOUT_MS, Database, create_database
from marketplace.storage.models import MemberRow, StudentProfileRow, UserRow
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from tests.data_keys import TEST_DATA_KEYS

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def sqlite_database(sqlite_url: str) -> AsyncIterator[Database]:
    db = create_database(sqlite_url, keys=TEST_DATA_KEYS)
    yield db
    await db.dispose()


def _insert_user_from_another_connection(path: str, user_id: int) -> None:
    """A second writer outside the engine, giving up after 50 ms of waiting for the lock."""
    connection = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        connection.execute("BEGIN")
        connection.execute(
            "INSERT INTO app_user (id, timezone, created_at, updated_at) "
            "VALUES (?, NULL, '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000')",
            (user_id,),
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


async def _pragma(database: Database, name: str) -> object:
    async with database.engine.connect() as connection:
        return (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar_one()


async def test_sqlite_runs_in_wal_mode(sqlite_database):
    assert str(await _pragma(sqlite_database, "journal_mode")).lower() == "wal"


async def test_sqlite_waits_for_a_busy_database_instead_of_failing_at_once(sqlite_database):
    assert await _pragma(sqlite_database, "busy_timeout") == SQLITE_BUSY_TIMEOUT_MS
    assert SQLITE_BUSY_TIMEOUT_MS >= 1000


async def test_sqlite_enforces_foreign_keys(sqlite_database):
    assert await _pragma(sqlite_database, "foreign_keys") == 1


async def test_a_writer_holds_the_write_lock_from_its_first_select(sqlite_url, sqlite_database):
    path = make_url(sqlite_url).database
    async with UnitOfWorkFactory(sqlite_database)() as uow:
        assert await uow.users.timezone(1) is None  # a read, nothing written yet
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await asyncio.to_thread(_insert_user_from_another_connection, path, 2)
    await asyncio.to_thread(_insert_user_from_another_connection, path, 2)


async def test_a_read_only_unit_of_work_never_takes_the_write_lock(sqlite_url, sqlite_database):
    path = make_url(sqlite_url).database
    async with UnitOfWorkFactory(sqlite_database)(read_only=True) as uow:
        assert await uow.users.timezone(1) is None
        await asyncio.to_thread(_insert_user_from_another_connection, path, 2)
        assert await uow.users.timezone(2) is None  # its snapshot predates the insert


async def test_two_read_only_units_of_work_run_while_a_writer_is_open(uow_factory):
    async with uow_factory() as uow:
        await uow.users.set_timezone(1, "Europe/Paris", NOW)
        await uow.commit()
    both_reading = asyncio.Barrier(2)

    async def read() -> str | None:
        async with uow_factory(read_only=True) as reader:
            zone = await reader.users.timezone(1)
            await both_reading.wait()  # deadlocks unless both readers are open at once
            return zone

    async with uow_factory() as writer:
        await writer.users.set_timezone(1, "Asia/Tokyo", NOW)
        seen = await asyncio.wait_for(asyncio.gather(read(), read()), timeout=5)
        assert seen == ["Europe/Paris", "Europe/Paris"]
        await writer.commit()
    async with uow_factory(read_only=True) as reader:
        assert await reader.users.timezone(1) == "Asia/Tokyo"


async def test_foreign_keys_reject_a_member_of_an_unknown_guild(uow_factory):
    async with uow_factory() as uow:
        await uow.users.ensure(1, NOW)
        uow.session.add(
            MemberRow(guild_id=404, user_id=1, role="student", started_at=NOW, updated_at=NOW)
        )
        with pytest.raises(IntegrityError):
            await uow.session.flush()


async def test_foreign_keys_reject_a_profile_without_a_member(uow_factory):
    async with uow_factory() as uow:
        await uow.guilds.ensure(10, "Campus", NOW)
        await uow.users.ensure(1, NOW)
        uow.session.add(StudentProfileRow(guild_id=10, user_id=1, goals="", updated_at=NOW))
        with pytest.raises(IntegrityError):
            await uow.session.flush()


AWARE_INSTANTS = [
    pytest.param(datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=UTC), id="utc-micros"),
    pytest.param(datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), id="utc-max-micros"),
    pytest.param(datetime(2099, 1, 1, tzinfo=UTC), id="utc-far-future"),
    pytest.param(
        datetime(2026, 7, 4, 9, 15, 0, 1, tzinfo=ZoneInfo("America/New_York")), id="new-york-dst"
    ),
    pytest.param(
        datetime(2026, 1, 1, 0, 10, 0, 500000, tzinfo=timezone(timedelta(hours=5, minutes=45))),
        id="plus-0545-crosses-midnight",
    ),
    pytest.param(
        datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/Chicago")),
        id="chicago-second-1-30",
    ),
]


@pytest.mark.parametrize("instant", AWARE_INSTANTS)
async def test_an_aware_datetime_comes_back_as_the_same_instant_in_utc(uow_factory, instant):
    async with uow_factory() as uow:
        uow.session.add(UserRow(id=1, timezone=None, created_at=instant, updated_at=instant))
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        stored = await uow.session.scalar(select(UserRow.created_at).where(UserRow.id == 1))
        found = await uow.session.scalar(select(UserRow.id).where(UserRow.created_at == instant))

    expected = instant.astimezone(UTC)
    # Compared in UTC: Python never calls an ambiguous (fold=1) time equal across zones.
    assert stored == expected
    assert stored.utcoffset() == timedelta(0)
    assert stored.replace(tzinfo=None) == expected.replace(tzinfo=None)
    assert stored.microsecond == expected.microsecond
    assert found == 1


async def test_a_naive_datetime_is_refused(uow_factory):
    naive = datetime(2026, 9, 1, 12, 0)  # noqa: DTZ001 - the point of the test
    async with uow_factory() as uow:
        uow.session.add(UserRow(id=1, timezone=None, created_at=naive, updated_at=NOW))
        with pytest.raises(StatementError, match="naive datetime refused") as caught:
            await uow.session.flush()
        assert isinstance(caught.value.orig, ValueError)

    async with uow_factory(read_only=True) as uow:
        assert await uow.session.get(UserRow, 1) is None


async def test_a_naive_datetime_is_refused_in_a_query_too(uow_factory):
    naive = datetime(2026, 9, 1, 12, 0)  # noqa: DTZ001 - the point of the test
    async with uow_factory(read_only=True) as uow:
        with pytest.raises(StatementError, match="naive datetime refused"):
            await uow.session.scalar(select(UserRow.id).where(UserRow.created_at < naive))
