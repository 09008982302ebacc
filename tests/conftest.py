"""Shared fixtures: migrated databases on SQLite and PostgreSQL, units of work, a clock.

Storage tests take `backend` (directly or through `database_url`, `database`, `uow_factory`
or `service_context`) and so run once on an SQLite file and once on PostgreSQL.

PostgreSQL is never skipped: when it cannot be reached, the tests that need it fail and
say how to start it. `TEST_POSTGRES_URL` is the admin connection (default below); each
test session (each pytest-xdist worker: the names carry the worker id) works in its own
database, created, migrated once, emptied before every test and dropped at the end.
"""

from __future__ import annotations

import asyncio
import logging
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


# --- pytest-xdist: the long tests first, one worker each ------------------------------

# Test modules that take far longer than the rest (about this many seconds on the 2-core
# CI machine with other work on it). A module that no longer exists is simply not moved;
# a long one missing here can only make the run end later.
LONG_MODULES = {
    "tests/services/test_ledger_stateful.py": 70,
    "tests/scale/test_shard_processes.py": 40,
    "tests/ops/test_production_guide.py": 20,
    "tests/e2e/test_paid_journey.py": 18,
    "tests/jobs/test_concurrency.py": 16,
    "tests/storage/test_reminders_across_processes.py": 15,
    "tests/services/test_card_holds.py": 15,
    "tests/storage/test_search_equivalence.py": 9,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist, start each worker's share of the tests with long modules.

    `--dist worksteal` first hands each of the N workers one contiguous Nth of the list
    and later moves tests from the end of a busy worker's queue to an idle one, so a long
    test near the middle of a share holds up the end of the run. Here the long modules go
    to the front of the shares instead, longest first, each to the share with the least
    long work so far (every worker reorders the same way, as xdist requires). The rest
    keep their order; a run without xdist is not reordered.
    """
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if workers < 2:
        return
    by_module: dict[str, list[pytest.Item]] = {}
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        if module in LONG_MODULES:
            by_module.setdefault(module, []).append(item)
    if not by_module:
        return
    rest = [item for item in items if item.nodeid.split("::", 1)[0] not in by_module]
    heads: list[list[pytest.Item]] = [[] for _ in range(workers)]
    load = [0] * workers
    for module in sorted(by_module, key=lambda name: -LONG_MODULES[name]):
        share = load.index(min(load))
        heads[share].extend(by_module[module])
        load[share] += LONG_MODULES[module]
    # The shares the scheduler cuts: worker i of the k left gets len(pending) // k.
    ordered: list[pytest.Item] = []
    pending = len(items)
    for share, head in enumerate(heads):
        size = pending // (workers - share)
        pending -= size
        take = max(0, size - len(head))
        ordered += head + rest[:take]
        rest = rest[take:]
    ordered += rest
    items[:] = ordered


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
        # A throwaway database: commits need not wait for the WAL to reach the disk.
        await _admin_execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
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


def _worker_id() -> str:
    """The pytest-xdist worker running this process ("gw0", "gw1", ...), or "main"."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _unique_database_name(purpose: str) -> str:
    return f"tutorbot_{purpose}_{_worker_id()}_{os.getpid()}_{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
def _postgres_session_database() -> Iterator[str]:
    name = _unique_database_name("test")
    url = _in_fresh_thread(lambda: asyncio.run(create_postgres_database(name)))
    try:
        _in_fresh_thread(lambda: upgrade(url))
        yield url
    finally:
        _in_fresh_thread(lambda: asyncio.run(drop_postgres_database(name)))


# Emptying the database before each test, in one round trip: only the tables a test wrote
# to are emptied, and every sequence that was used goes back to its start, which leaves
# what `TRUNCATE <every table> RESTART IDENTITY CASCADE` leaves. DELETE with the foreign
# key triggers off (session_replication_role, a superuser's right) takes milliseconds;
# TRUNCATE makes new files for each table and index (0.2-0.5 s a test) and is the fallback.
_EMPTY_THE_DATABASE = """
DO $$
DECLARE
  table_name text;
  has_rows boolean;
  written text[] := ARRAY[]::text[];
BEGIN
  FOR table_name IN
    SELECT tablename FROM pg_tables
    WHERE schemaname = 'public' AND tablename <> 'alembic_version'
  LOOP
    EXECUTE format('SELECT EXISTS (SELECT FROM public.%I)', table_name) INTO has_rows;
    IF has_rows THEN
      written := written || format('public.%I', table_name);
    END IF;
  END LOOP;
  {empty}
  PERFORM setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false)
  FROM pg_sequences
  WHERE schemaname = 'public' AND last_value IS NOT NULL;
END
$$
"""
_BY_DELETE = _EMPTY_THE_DATABASE.replace(
    "{empty}",
    """SET LOCAL session_replication_role = replica;
  FOR table_name IN SELECT unnest(written) LOOP
    EXECUTE 'DELETE FROM ' || table_name;
  END LOOP;""",
)
_BY_TRUNCATE = _EMPTY_THE_DATABASE.replace(
    "{empty}",
    """IF cardinality(written) > 0 THEN
    EXECUTE 'TRUNCATE ' || array_to_string(written, ', ') || ' RESTART IDENTITY CASCADE';
  END IF;""",
)


async def _truncate_all_tables(url: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
    try:
        try:
            await connection.execute(_BY_DELETE)
        except asyncpg.InsufficientPrivilegeError:  # not a superuser
            await connection.execute(_BY_TRUNCATE)
    finally:
        await connection.close()


@pytest.fixture
async def postgres_url(_postgres_session_database: str) -> str:
    """The session's migrated PostgreSQL database, with every table emptied for this test."""
    await _truncate_all_tables(_postgres_session_database)
    return _postgres_session_database


# --- Logging -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """Undo what a test did to the root logger (the CLI's `main` configures logging).

    Otherwise its handler (on a stream that capsys closes) and its INFO level stay for
    every later test in the same process, which pytest-xdist makes a matter of chance.
    pytest's own capture handlers are left to pytest.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers and not type(handler).__module__.startswith("_pytest"):
            root.removeHandler(handler)
    root.setLevel(level)


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
