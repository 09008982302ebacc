"""`tutorbot backup PATH` and `tutorbot restore PATH`, on either backend.

- SQLite (the embedded default): SQLite's online backup API copies a consistent
  snapshot while the bot keeps running. The data key file (`<db>.key`) is copied beside
  the backup (`PATH` with `.key`), owner-only, since sealed columns are unreadable
  without it. Restoring copies both back; stop every TutorBot process first.
- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot of a live database) and
  `pg_restore --clean --if-exists --single-transaction`. The data keys live in
  `TUTORBOT_DATA_KEYS`, which the operator keeps with the backups.

The password never goes on a command line: libpq reads it from `PGPASSWORD`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from marketplace.storage.sealing import key_file_for

PG_TIMEOUT_SECONDS = 3600


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, for a person."""


def backup(database_url: str, target: Path) -> str:
    """Write a backup of the database at `database_url` to `target`; a one-line summary."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_backup(_sqlite_path(url), target)
    if url.get_backend_name() == "postgresql":
        _run_pg(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"], url)
        return f"backed up PostgreSQL database {url.database} to {target} (pg_dump)"
    msg = f"backups support SQLite and PostgreSQL, not {url.get_backend_name()}"
    raise BackupError(msg)


def restore(database_url: str, source: Path) -> str:
    """Replace the database at `database_url` with the backup in `source`; a summary."""
    if not source.is_file():
        msg = f"{source} is not a backup file"
        raise BackupError(msg)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_restore(source, _sqlite_path(url))
    if url.get_backend_name() == "postgresql":
        _run_pg(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"],
            url,
            source,
        )
        return f"restored PostgreSQL database {url.database} from {source} (pg_restore)"
    msg = f"backups support SQLite and PostgreSQL, not {url.get_backend_name()}"
    raise BackupError(msg)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        msg = "an in-memory SQLite database has nothing to back up"
        raise BackupError(msg)
    return Path(url.database)


def _sqlite_backup(database: Path, target: Path) -> str:
    if not database.is_file():
        msg = f"there is no database at {database}"
        raise BackupError(msg)
    _copy_sqlite(database, target)
    keys = _copy_key_file(database, target)
    return f"backed up {database} to {target}" + (f" (keys in {keys})" if keys else "")


def _sqlite_restore(source: Path, database: Path) -> str:
    _check_is_tutorbot_backup(source)
    _copy_sqlite(source, database)
    keys = _copy_key_file(source, database)
    return f"restored {database} from {source}" + (f" (keys from {keys})" if keys else "")


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy through the online backup API, moved into place at the end."""
    partial = target.with_name(target.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        with (
            contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as reader,
            contextlib.closing(sqlite3.connect(partial)) as writer,
        ):
            reader.backup(writer)
    except (sqlite3.Error, OSError) as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        msg = f"could not copy {source} to {target}: {error}"
        raise BackupError(msg) from error
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)  # a restored file must not meet an old WAL
    partial.replace(target)


def _copy_key_file(source_database: Path, target_database: Path) -> Path | None:
    """Copy `<source>.key` to `<target>.key`, owner-only; None when there is no key file."""
    source, target = key_file_for(str(source_database)), key_file_for(str(target_database))
    if not source.is_file():
        return None
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out, source.open("rb") as data:
        shutil.copyfileobj(data, out)
    target.chmod(0o600)
    return target


def _check_is_tutorbot_backup(source: Path) -> None:
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        msg = f"{source} is not a TutorBot SQLite backup ({error})"
        raise BackupError(msg) from error


def _run_pg(command: list[str], url: URL, source: Path | None = None) -> None:
    """Run pg_dump/pg_restore against `url`, the password in the environment."""
    if shutil.which(command[0]) is None:
        msg = f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        raise BackupError(msg)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    args = [*command, f"--dbname={dsn}", *([str(source)] if source is not None else [])]
    try:
        subprocess.run(  # noqa: S603 - fixed program, our own arguments
            args, env=env, check=True, capture_output=True, text=True, timeout=PG_TIMEOUT_SECONDS
        )
    except subprocess.CalledProcessError as error:
        msg = f"{command[0]} failed: {error.stderr.strip() or error.returncode}"
        raise BackupError(msg) from error
