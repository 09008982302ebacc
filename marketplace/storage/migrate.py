"""Run Alembic migrations programmatically."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SQLITE_ANALYSIS_LIMIT = 400


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at this project's migrations and `database_url`."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Upgrade the schema at `database_url` to `revision` (blocking).

    On SQLite it then refreshes the query planner's statistics (`refresh_sqlite_stats`);
    PostgreSQL's autovacuum keeps its own.
    """
    command.upgrade(alembic_config(database_url), revision)
    refresh_sqlite_stats(database_url)


def refresh_sqlite_stats(database_url: str) -> None:
    """ANALYZE an SQLite file, sampling at most `SQLITE_ANALYSIS_LIMIT` rows per index.

    Without statistics SQLite prefers any covering index: a tutor's subjects were read
    through the guild-wide search index (0.8 ms, every row of the guild) instead of the
    primary key (0.01 ms). The embedded default upgrades at every start, so the
    statistics follow the data across restarts; with the sampling limit it takes
    milliseconds. A no-op for other databases.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    connection = sqlite3.connect(url.database, timeout=10)
    try:
        connection.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        connection.execute("ANALYZE")
        connection.commit()
    finally:
        connection.close()


def downgrade(database_url: str, revision: str) -> None:
    """Downgrade the schema at `database_url` to `revision` (blocking)."""
    command.downgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """Upgrade from inside a running event loop; Alembic's env starts its own loop."""
    await asyncio.to_thread(upgrade, database_url, revision)
