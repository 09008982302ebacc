"""`tutorbot backup PATH` and `tutorbot restore PATH`, as the production guide says to run them."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from marketplace.ports import SystemClock
from marketplace.services import onboarding
from marketplace.services.context import ServiceContext
from marketplace.storage.engine import create_database
from marketplace.storage.sealing import DataKeys, key_file_for, load_or_create_key_file
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from tests.data_keys import TEST_DATA_KEYS, TEST_DATA_KEYS_TEXT
from tutorbot.cli import main

GUILD = 4242


def _keys_for(database_url: str) -> DataKeys:
    if database_url.startswith("sqlite"):
        return load_or_create_key_file(key_file_for(database_url))
    return TEST_DATA_KEYS


async def _subject_count(database_url: str) -> int:
    database = create_database(database_url, keys=_keys_for(database_url))
    try:
        ctx = ServiceContext(uow=UnitOfWorkFactory(database), clock=SystemClock())
        async with ctx.uow(read_only=True) as uow:
            return len(await uow.subjects.all(GUILD))
    finally:
        await database.dispose()


async def _seed(database_url: str) -> int:
    database = create_database(database_url, keys=_keys_for(database_url))
    try:
        ctx = ServiceContext(uow=UnitOfWorkFactory(database), clock=SystemClock())
        return len(await onboarding.catalogue(GUILD, "Backup Hall", ctx))
    finally:
        await database.dispose()


async def _wipe_subjects(database_url: str) -> None:
    database = create_database(database_url, keys=_keys_for(database_url))
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text("DELETE FROM subject"))
    finally:
        await database.dispose()


async def test_a_backup_restores_what_was_there(database_url, monkeypatch, capsys, tmp_path):
    seeded = await _seed(database_url)
    assert seeded > 0
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TUTORBOT_DATA_KEYS", TEST_DATA_KEYS_TEXT)
    target = tmp_path / "backups" / "tutorbot.backup"
    target.parent.mkdir()

    assert await asyncio.to_thread(main, ["backup", str(target)]) == 0
    assert "backed up" in capsys.readouterr().out
    assert target.stat().st_size > 0

    await _wipe_subjects(database_url)
    assert await _subject_count(database_url) == 0
    assert await asyncio.to_thread(main, ["restore", str(target)]) == 0
    assert "restored" in capsys.readouterr().out
    assert await _subject_count(database_url) == seeded


async def test_an_sqlite_backup_carries_its_data_key_owner_only(sqlite_url, monkeypatch, tmp_path):
    await _seed(sqlite_url)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    target = tmp_path / "copy.db"
    assert await asyncio.to_thread(main, ["backup", str(target)]) == 0
    copied = key_file_for(str(target))
    assert copied.read_text() == key_file_for(sqlite_url).read_text()
    assert stat.S_IMODE(copied.stat().st_mode) == 0o600
    # the copy opens on its own with the key beside it, as a restored install would
    assert await _subject_count(f"sqlite+aiosqlite:///{target}") > 0


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["restore", "/nonexistent/backup.db"], "is not a backup file"),
        (["backup", "/nonexistent/folder/x.db"], "could not copy"),
    ],
)
def test_a_backup_that_cannot_be_done_says_why(argv, says, sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(argv) == 1
    assert says in capsys.readouterr().err


def test_restoring_a_file_that_is_not_a_backup_changes_nothing(
    sqlite_url, monkeypatch, capsys, tmp_path
):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database")
    before = Path(sqlite_url.split(":///", 1)[1]).read_bytes()
    assert main(["restore", str(junk)]) == 1
    assert "is not a TutorBot SQLite backup" in capsys.readouterr().err
    assert Path(sqlite_url.split(":///", 1)[1]).read_bytes() == before
