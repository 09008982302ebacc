"""Shared fixtures: migrated databases on SQLite and PostgreSQL, units of work, a clock.

Storage tests take `backend` (directly or through `database_url`, `database`, `uow_factory`
or `service_context`) and so run once on an SQLite file and once on PostgreSQL.

PostgreSQL is never skipped: when it cannot be reached, the tests that need it fail and
say how to start it. `TEST_POSTGRES_URL` is the admin connection (default below); each
test session works in its own database, created, migrated once, truncated before every
test and dropped at the end.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from marketplace.services.context import ServiceContext
from marketplace.storage.engine import Database, create_database
from marketplace.storage.migrate import upgrade
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from tests.data_keys import TEST_DATA_KEYS

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
CLOCK_START = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


class FixedClock:
    """A clock that stands still until a test sets or advances it."""

    def __init__(self, start: datetime = CLOCK_START) -> None:
        self._now = CLOCK_START
        self.set(start)

    def now(self) -> datetime:
        """The current (fixed) aware UTC time."""
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to `when`, which must be aware; it is kept in UTC."""
        if when.tzinfo is None or when.utcoffset() is None:
            msg = "FixedClock needs an aware datetime"
            raise ValueError(msg)
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by `delta`; return the new time."""
        self._now += delta
        return self._now


# --- PostgreSQL: one database per test session ------------------------------------------


def _admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _asyncpg_dsn(sqlalchemy_url: str) -> str:
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(False)


def _url_for_database(name: str) -> str:
    return make_url(_admin_url()).set(database=name).render_as_string(hide_password=False)


def _in_fresh_thread(work: Callable[[], Any]) -> Any:
    """Run blocking or `asyncio.run` work where no event loop of pytest's can be touched."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


async def _admin_execute(statement: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(_admin_url()), timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def create_postgres_database(name: str) -> str:
    """Create an empty database called `name`; return its SQLAlchemy URL."""
    try:
        await _admin_execute(f'CREATE DATABASE "{name}"')
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        pytest.fail(
            f"PostgreSQL is not reachable through TEST_POSTGRES_URL={_admin_url()!r} "
            f"({type(error).__name__}: {error}). Start it with `make postgres` "
            "(scripts/ensure-postgres.sh); the PostgreSQL suites are never skipped.",
            pytrace=False,
        )
    return _url_for_database(name)


async def drop_postgres_database(name: str) -> None:
    """Drop the database `name`, closing whatever is still connected to it."""
    await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unique_database_name(purpose: str) -> str:
    return f"tutorbot_{purpose}_{os.getpid()}_{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
def _postgres_session_database() -> Iterator[str]:
    name = _unique_database_name("test")
    url = _in_fresh_thread(lambda: asyncio.run(create_postgres_database(name)))
    try:
        _in_fresh_thread(lambda: upgrade(url))
        yield url
    finally:
        _in_fresh_thread(lambda: asyncio.run(drop_postgres_database(name)))


async def _truncate_all_tables(url: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )
        if tables:
            names = ", ".join(f'"{row["tablename"]}"' for row in tables)
            await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


@pytest.fixture
async def postgres_url(_postgres_session_database: str) -> str:
    """The session's migrated PostgreSQL database, with every table emptied for this test."""
    await _truncate_all_tables(_postgres_session_database)
    return _postgres_session_database


# --- SQLite ------------------------------------------------------------------------------


def sqlite_url_for(path: Path) -> str:
    """The SQLAlchemy URL of the SQLite file at `path`."""
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "tutorbot.db"
    _in_fresh_thread(lambda: upgrade(sqlite_url_for(path)))
    return path


@pytest.fixture
def sqlite_url(_sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh SQLite file under `tmp_path`, upgraded to head by the real migrations.

    The migrations run once per session; each test gets its own copy of the result.
    """
    path = tmp_path / "tutorbot.db"
    for suffix in ("", "-wal"):  # Alembic's last connection normally folds the WAL back in
        source = _sqlite_template.with_name(_sqlite_template.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    return sqlite_url_for(path)


# --- Either backend ----------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on: "sqlite" or "postgres"."""
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> str:
    """A migrated, empty database of the current backend."""
    return str(request.getfixturevalue(f"{backend}_url"))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """The project's engine and session factories on `database_url`."""
    db = create_database(database_url, keys=TEST_DATA_KEYS)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
def uow_factory(database: Database) -> UnitOfWorkFactory:
    """Builds SQL units of work on `database`."""
    return UnitOfWorkFactory(database)


@pytest.fixture
async def empty_database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A database of the current backend with no schema at all (for migration tests)."""
    if backend == "sqlite":
        yield sqlite_url_for(tmp_path / "empty.db")
        return
    name = _unique_database_name("empty")
    url = await create_postgres_database(name)
    try:
        yield url
    finally:
        await drop_postgres_database(name)


# --- Services ----------------------------------------------------------------------------


@pytest.fixture
def clock() -> FixedClock:
    """A clock fixed at CLOCK_START until the test moves it."""
    return FixedClock()


@pytest.fixture
def service_context(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> ServiceContext:
    """What the use cases need: units of work on the test database and the fixed clock."""
    return ServiceContext(uow=uow_factory, clock=clock)
