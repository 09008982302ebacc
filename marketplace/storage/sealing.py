"""Sensitive columns, encrypted at rest with Fernet keys (SPEC.md "Privacy").

`DataKeys` is the keyring from `TUTORBOT_DATA_KEYS`: a comma-separated list of Fernet
keys; the first encrypts, every one decrypts (`MultiFernet`), so a new key goes first and
`tutorbot keys rotate` then re-encrypts every row under it (`reseal_all`).

`SealedText` and `SealedJSON` are the column types: values are encrypted on the way in
and decrypted on the way out, with the keyring of the engine they travel through
(`bind_keys`). Nothing else in the code sees ciphertext. A sealed column can never be
searched by value; where a lookup is needed, a keyed hash (`DataKeys.lookup_hashes`) sits
beside it.

A value written before sealing existed (no `SEALED_PREFIX`) is read as it is, and sealed
by the next `reseal_all`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Column, Dialect, Table, Text, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

SEALED_PREFIX = "fernet:"
_DIALECT_ATTRIBUTE = "tutorbot_data_keys"


class DataKeysError(Exception):
    """The keyring is missing, malformed, or cannot open a stored value."""


@dataclass(frozen=True, slots=True)
class DataKeys:
    """The data keys, newest first."""

    keys: tuple[bytes, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            msg = "no data keys"
            raise DataKeysError(msg)

    @classmethod
    def parse(cls, text: str) -> DataKeys:
        """Read `TUTORBOT_DATA_KEYS` (comma-separated Fernet keys, newest first)."""
        keys = tuple(part.strip().encode() for part in text.split(",") if part.strip())
        try:
            for key in keys:
                Fernet(key)
        except ValueError:
            msg = "TUTORBOT_DATA_KEYS holds a value that is not a Fernet key"
            raise DataKeysError(msg) from None
        return cls(keys)

    @staticmethod
    def generate() -> str:
        """A new Fernet key, as text."""
        return Fernet.generate_key().decode()

    @property
    def _fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(key) for key in self.keys])

    def seal(self, plain: str) -> str:
        """Encrypt `plain` under the newest key."""
        return SEALED_PREFIX + self._fernet.encrypt(plain.encode()).decode()

    def open(self, stored: str) -> str:
        """Decrypt a stored value with whichever key sealed it (plaintext passes through)."""
        if not stored.startswith(SEALED_PREFIX):
            return stored
        try:
            return self._fernet.decrypt(stored[len(SEALED_PREFIX) :].encode()).decode()
        except InvalidToken:
            msg = "a stored value was sealed with a key that is not in TUTORBOT_DATA_KEYS"
            raise DataKeysError(msg) from None

    def reseal(self, stored: str) -> str:
        """The same value sealed under the newest key."""
        return self.seal(self.open(stored))

    def lookup_hash(self, purpose: str, value: str) -> str:
        """A keyed hash of `value` under the newest key, to find a row without plaintext."""
        return _hmac(self.keys[0], purpose, value)

    def lookup_hashes(self, purpose: str, value: str) -> tuple[str, ...]:
        """The hash of `value` under every key (rows not yet resealed match an older one)."""
        return tuple(_hmac(key, purpose, value) for key in self.keys)


def _hmac(key: bytes, purpose: str, value: str) -> str:
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def bind_keys(engine: AsyncEngine, keys: DataKeys | None) -> None:
    """Let the sealed columns of `engine` use `keys` (None: sealed columns refuse)."""
    setattr(engine.sync_engine.dialect, _DIALECT_ATTRIBUTE, keys)


def _keys_of(dialect: Dialect) -> DataKeys:
    keys: DataKeys | None = getattr(dialect, _DIALECT_ATTRIBUTE, None)
    if keys is None:
        msg = "this database was opened without data keys"
        raise DataKeysError(msg)
    return keys


class SealedText(TypeDecorator[str]):
    """Text encrypted at rest."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """Encrypt under the newest key."""
        return None if value is None else _keys_of(dialect).seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        """Decrypt."""
        return None if value is None else _keys_of(dialect).open(value)


class SealedJSON(TypeDecorator[Any]):
    """A JSON document encrypted at rest (stored as text)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Serialise, then encrypt under the newest key."""
        if value is None:
            return None
        return _keys_of(dialect).seal(json.dumps(value, sort_keys=True))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        """Decrypt, then parse."""
        return None if value is None else json.loads(_keys_of(dialect).open(value))


def key_file_for(database_url: str) -> Path:
    """Where the embedded default keeps its generated key: next to the SQLite file."""
    path = database_url.split(":///", 1)[-1].split("?", 1)[0] or "tutorbot.db"
    return Path(path).with_suffix(".key")


def load_or_create_key_file(path: Path) -> DataKeys:
    """The keyring kept in `path`, made on first use with a new key (owner-only file)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return DataKeys.parse(path.read_text(encoding="utf-8"))
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(DataKeys.generate() + "\n")
    return DataKeys.parse(path.read_text(encoding="utf-8"))


def sealed_columns(
    base: type[DeclarativeBase],
) -> list[tuple[Table, Column[Any], list[Column[Any]]]]:
    """Every (table, sealed column, primary key columns) in the models."""
    found: list[tuple[Table, Column[Any], list[Column[Any]]]] = []
    for table in base.metadata.sorted_tables:
        primary = list(table.primary_key.columns)
        for column in table.columns:
            if isinstance(column.type, SealedText | SealedJSON):
                found.append((table, column, primary))
    return found


async def reseal_all(engine: AsyncEngine, base: type[DeclarativeBase], keys: DataKeys) -> int:
    """Re-encrypt every sealed value under the newest key; returns how many were rewritten.

    Values still in plaintext (written before sealing) are sealed too, and every lookup
    hash beside a sealed address is made again under the newest key, so the old key can
    go. Each table is one transaction; running it again is harmless.
    """
    rewritten = await _rehash_addresses(engine, base, keys)
    for table, column, primary in sealed_columns(base):
        raw = type_coerce(column, Text)
        async with engine.begin() as conn:
            rows = (await conn.execute(select(*primary, raw).where(column.is_not(None)))).all()
            for row in rows:
                *key_values, stored = row
                condition = [pk == value for pk, value in zip(primary, key_values, strict=True)]
                resealed = keys.reseal(stored)
                await conn.execute(
                    update(table)
                    .where(*condition)
                    .values({column.name: type_coerce(resealed, Text)})
                )
                rewritten += 1
    return rewritten


async def _rehash_addresses(
    engine: AsyncEngine, base: type[DeclarativeBase], keys: DataKeys
) -> int:
    """Tables with a sealed `address` and its `address_hash`: the hash under the newest key."""
    rehashed = 0
    for table in base.metadata.sorted_tables:
        if not {"address", "address_hash", "guild_id"} <= set(table.columns.keys()):
            continue
        address, digest, guild = table.c.address, table.c.address_hash, table.c.guild_id
        async with engine.begin() as conn:
            rows = (await conn.execute(select(guild, digest, type_coerce(address, Text)))).all()
            for guild_id, old, stored in rows:
                new = keys.lookup_hash(email_lookup_purpose(guild_id), keys.open(stored).casefold())
                if new != old:
                    await conn.execute(
                        update(table)
                        .where(guild == guild_id, digest == old)
                        .values({digest.name: new})
                    )
                    rehashed += 1
    return rehashed


def keys_of_session(session: AsyncSession) -> DataKeys:
    """The keyring of the engine `session` is bound to."""
    return _keys_of(session.get_bind().dialect)


def email_lookup_purpose(guild_id: int) -> str:
    """What a campus address's keyed hash is made for: one guild's addresses."""
    return f"email:{guild_id}"
