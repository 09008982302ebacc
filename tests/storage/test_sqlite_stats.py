"""The embedded default refreshes SQLite's planner statistics when it upgrades."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from marketplace.storage.migrate import refresh_sqlite_stats, upgrade

LOOKUP = "SELECT subject_key, level FROM tutor_subject WHERE guild_id = ? AND user_id = ?"


def _plan(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(f"EXPLAIN QUERY PLAN {LOOKUP}", (1, 7)).fetchall()
    return " ".join(str(row[-1]) for row in rows)


def _fill(path: Path) -> None:
    with sqlite3.connect(path) as connection:  # foreign keys are off on a bare connection
        connection.executemany(
            "INSERT INTO tutor_subject (guild_id, user_id, subject_key, level, teaches) "
            "VALUES (1, ?, ?, 'beginner', 1)",
            [(user, f"subject-{n}") for user in range(500) for n in range(4)],
        )


def test_a_tutors_subjects_are_read_by_the_key_once_statistics_exist(tmp_path) -> None:
    path = tmp_path / "stats.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    _fill(path)
    # without statistics SQLite takes the covering search index and reads the guild
    assert "ix_tutor_subject_lookup" in _plan(path)
    refresh_sqlite_stats(url)
    assert "sqlite_autoindex_tutor_subject_1" in _plan(path)
    upgrade(url)  # what every start of the embedded default does: stats stay fresh
    assert "sqlite_autoindex_tutor_subject_1" in _plan(path)


def test_other_databases_are_left_alone() -> None:
    refresh_sqlite_stats("postgresql+asyncpg://nobody@127.0.0.1:1/none")  # no connection
    refresh_sqlite_stats("sqlite+aiosqlite:///:memory:")
