"""What every benchmark shares: the scale, JSON output, timing, scratch databases."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import shutil
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from marketplace.storage.migrate import upgrade

log = logging.getLogger("bench")

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / ".cache"
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SEED = int(os.environ.get("BENCH_SEED", "20261126"))

Emit = Callable[[dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class Scale:
    """Every size the benchmarks use; `quick` is the default, `full` the issue's sizes."""

    name: str
    tutors: int
    rules_per_tutor: int
    bookings: int
    students: int
    search_queries: int
    search_when_queries: int
    ack_users: int
    ack_rounds: int
    race_attempts: int
    race_rounds: int
    throughput_bookings: int
    throughput_concurrency: int
    sweeper_actions: int

    @property
    def rules(self) -> int:
        return self.tutors * self.rules_per_tutor


SCALES = {
    "quick": Scale(
        name="quick",
        tutors=1_000,
        rules_per_tutor=10,
        bookings=100_000,
        students=2_000,
        search_queries=200,
        search_when_queries=30,
        ack_users=50,
        ack_rounds=3,
        race_attempts=50,
        race_rounds=4,
        throughput_bookings=150,
        throughput_concurrency=10,
        sweeper_actions=1_000,
    ),
    "full": Scale(
        name="full",
        tutors=10_000,
        rules_per_tutor=10,
        bookings=1_000_000,
        students=20_000,
        search_queries=200,
        search_when_queries=60,
        ack_users=50,
        ack_rounds=10,
        race_attempts=50,
        race_rounds=10,
        throughput_bookings=1_000,
        throughput_concurrency=20,
        sweeper_actions=10_000,
    ),
}


def current_scale() -> Scale:
    """`BENCH_SCALE` (quick or full; quick when unset)."""
    name = os.environ.get("BENCH_SCALE", "quick").strip().lower() or "quick"
    if name not in SCALES:
        msg = f"BENCH_SCALE must be one of {sorted(SCALES)}, not {name!r}"
        raise SystemExit(msg)
    return SCALES[name]


# --- output ------------------------------------------------------------------------------


def emit(line: dict[str, Any]) -> None:
    """One JSON object on stdout (the only thing that goes there)."""
    sys.stdout.write(json.dumps(line, separators=(", ", ": ")) + "\n")
    sys.stdout.flush()


def ms(seconds: float) -> float:
    """Seconds as milliseconds, one decimal."""
    return round(seconds * 1000, 1)


def percentile(values: Iterable[float], pct: float) -> float:
    """The `pct` percentile (nearest rank), of a non-empty sample."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def summary_ms(samples: list[float], *percentiles: int) -> dict[str, float]:
    """`p50`, `p95`... of durations in seconds, as milliseconds with one decimal."""
    result = {f"p{p}": ms(percentile(samples, p)) for p in percentiles}
    result["mean"] = ms(statistics.fmean(samples)) if samples else float("nan")
    return result


# --- databases ---------------------------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def postgres_admin_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(postgres_admin_url()), timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def migrate(url: str) -> None:
    """Alembic to head (blocking; Alembic's env runs its own event loop)."""
    upgrade(url)


_sqlite_template: Path | None = None


async def _migrated_sqlite_template() -> Path:
    """One migrated empty SQLite file per run; scratch files are copies of it."""
    global _sqlite_template  # noqa: PLW0603 - a per-process memo
    if _sqlite_template is None or not await asyncio.to_thread(_sqlite_template.exists):
        folder = Path(tempfile.mkdtemp(prefix="tutorbot-bench-template-"))
        path = folder / "template.db"
        await asyncio.to_thread(migrate, sqlite_url(path))
        _sqlite_template = path
    return _sqlite_template


@asynccontextmanager
async def scratch_sqlite(purpose: str) -> AsyncIterator[str]:
    """A migrated, empty SQLite file of its own, deleted afterwards."""
    template = await _migrated_sqlite_template()
    with tempfile.TemporaryDirectory(prefix=f"tutorbot-bench-{purpose}-") as folder:
        path = Path(folder) / "bench.db"
        for suffix in ("", "-wal"):
            source = template.with_name(template.name + suffix)
            if source.exists():
                shutil.copyfile(source, path.with_name(path.name + suffix))
        yield sqlite_url(path)


@asynccontextmanager
async def scratch_postgres(purpose: str) -> AsyncIterator[str]:
    """A migrated, empty PostgreSQL database of its own, dropped afterwards."""
    name = f"tutorbot_bench_{purpose}_{os.getpid()}_{secrets.token_hex(3)}"
    await _admin(f'CREATE DATABASE "{name}"')
    url = make_url(postgres_admin_url()).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(migrate, url)
        yield url
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def scratch_database(backend: str, purpose: str) -> AsyncIterator[str]:
    """`scratch_sqlite` or `scratch_postgres`."""
    maker = scratch_sqlite if backend == "sqlite" else scratch_postgres
    async with maker(purpose) as url:
        yield url


def cleanup_templates() -> None:
    """Remove this run's migrated template file."""
    if _sqlite_template is not None:
        shutil.rmtree(_sqlite_template.parent, ignore_errors=True)
