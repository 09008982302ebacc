"""Sealed columns: encrypted at rest, rotated under a new key, refused without keys."""

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Text, select, text, type_coerce
from sqlalchemy.exc import StatementError

from marketplace.storage.engine import create_database
from marketplace.storage.models import Base, CaseRow, GuildRow
from marketplace.storage.sealing import (
    SEALED_PREFIX,
    DataKeys,
    DataKeysError,
    key_file_for,
    load_or_create_key_file,
    reseal_all,
    sealed_columns,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
REASON = "he asked me to pay him on the side, his number is 555-0100"
OLD, NEW = DataKeys.generate().encode(), DataKeys.generate().encode()


async def _write_case(url: str, keys: DataKeys, reason: str = REASON) -> int:
    database = create_database(url, keys=keys)
    try:
        async with database.writer() as session, session.begin():
            session.add(GuildRow(id=1, name="Campus", settings={}, created_at=NOW, updated_at=NOW))
            await session.flush()
            case = CaseRow(
                guild_id=1, reporter_id=2, target_id=3, reason=reason, status="open",
                created_at=NOW, note="",
            )  # fmt: skip
            session.add(case)
        return case.id
    finally:
        await database.dispose()


async def _raw_reason(url: str) -> str:
    database = create_database(url)
    try:
        async with database.reader() as session:
            raw = type_coerce(CaseRow.reason, Text)
            return str((await session.execute(select(raw))).scalar_one())
    finally:
        await database.dispose()


async def _reason(url: str, keys: DataKeys | None) -> str:
    database = create_database(url, keys=keys)
    try:
        async with database.reader() as session:
            return (await session.execute(select(CaseRow.reason))).scalar_one()
    finally:
        await database.dispose()


async def test_a_report_reason_is_stored_encrypted_and_read_back(database_url):
    await _write_case(database_url, DataKeys((OLD,)))

    raw = await _raw_reason(database_url)
    assert raw.startswith(SEALED_PREFIX)
    assert "555-0100" not in raw
    assert await _reason(database_url, DataKeys((OLD,))) == REASON


async def test_no_plaintext_reaches_the_sqlite_file(sqlite_url):
    await _write_case(sqlite_url, DataKeys((OLD,)))

    path = Path(sqlite_url.split(":///", 1)[1])
    stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"555-0100" not in stored
    assert b"pay him on the side" not in stored


async def test_rotation_reseals_under_the_first_key_and_the_old_key_can_go(database_url):
    await _write_case(database_url, DataKeys((OLD,)))
    both = DataKeys((NEW, OLD))
    database = create_database(database_url, keys=both)
    try:
        assert await reseal_all(database.engine, Base, both) >= 1
    finally:
        await database.dispose()

    assert await _reason(database_url, DataKeys((NEW,))) == REASON
    with pytest.raises(DataKeysError):
        await _reason(database_url, DataKeys((OLD,)))


async def test_a_value_written_before_sealing_is_read_then_sealed_by_rotation(database_url):
    case_id = await _write_case(database_url, DataKeys((OLD,)))
    database = create_database(database_url)
    try:
        async with database.writer() as session, session.begin():
            await session.execute(
                text("UPDATE moderation_case SET reason = :r WHERE id = :i"),
                {"r": "legacy plain words", "i": case_id},
            )
    finally:
        await database.dispose()
    assert await _reason(database_url, DataKeys((OLD,))) == "legacy plain words"

    keys = DataKeys((OLD,))
    database = create_database(database_url, keys=keys)
    try:
        await reseal_all(database.engine, Base, keys)
    finally:
        await database.dispose()
    assert (await _raw_reason(database_url)).startswith(SEALED_PREFIX)
    assert await _reason(database_url, keys) == "legacy plain words"


async def test_a_database_opened_without_keys_refuses_sealed_columns(database_url):
    with pytest.raises(StatementError) as refused:
        await _write_case(database_url, None)  # type: ignore[arg-type]
    assert isinstance(refused.value.orig, DataKeysError)


def test_the_embedded_key_file_is_made_once_and_readable_by_its_owner_only(tmp_path):
    path = key_file_for(f"sqlite+aiosqlite:///{tmp_path}/tutorbot.db")
    assert path == tmp_path / "tutorbot.key"

    first = load_or_create_key_file(path)
    again = load_or_create_key_file(path)

    assert first == again
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_malformed_keys_are_refused():
    with pytest.raises(DataKeysError):
        DataKeys.parse("not-a-key")
    with pytest.raises(DataKeysError):
        DataKeys.parse(" , ")
    assert DataKeys.parse(f"{NEW.decode()}, {OLD.decode()}").keys == (NEW, OLD)


def test_lookup_hashes_match_under_every_key_and_differ_by_purpose():
    keys = DataKeys((NEW, OLD))
    assert keys.lookup_hash("email", "a@b.edu") == keys.lookup_hashes("email", "a@b.edu")[0]
    assert (
        DataKeys((OLD,)).lookup_hash("email", "a@b.edu")
        == keys.lookup_hashes("email", "a@b.edu")[1]
    )
    assert keys.lookup_hash("email", "a@b.edu") != keys.lookup_hash("other", "a@b.edu")


def test_the_sensitive_columns_are_sealed():
    sealed = {f"{table.name}.{column.name}" for table, column, _ in sealed_columns(Base)}
    assert {
        "dispute.statement",
        "dispute.evidence",
        "card_dispute.evidence",
        "moderation_case.reason",
        "email_code.address",
        "verified_email.address",
        "session_message.text",
        "message_flag.context",
        "verification_request.note",
    } <= sealed


async def test_after_rotation_a_proved_address_is_still_found_with_the_new_key_alone(
    database_url,
):
    from marketplace.storage.unit_of_work import UnitOfWorkFactory

    old_keys, both, new_keys = DataKeys((OLD,)), DataKeys((NEW, OLD)), DataKeys((NEW,))
    database = create_database(database_url, keys=old_keys)
    try:
        async with UnitOfWorkFactory(database)() as uow:
            await uow.guilds.ensure(1, "Campus", NOW)
            assert await uow.emails.add_verified(1, 42, "ada@uni.edu", NOW)
            await uow.commit()
    finally:
        await database.dispose()
    database = create_database(database_url, keys=both)
    try:
        assert await reseal_all(database.engine, Base, both) >= 2  # the address and its hash
    finally:
        await database.dispose()

    database = create_database(database_url, keys=new_keys)
    try:
        async with UnitOfWorkFactory(database)(read_only=True) as uow:
            assert await uow.emails.owner_of(1, "ADA@uni.edu") == 42
            assert await uow.emails.verified_address(1, 42) == "ada@uni.edu"
    finally:
        await database.dispose()
