"""This installation's identity: the prefix of its Stripe idempotency keys.

Generated once, at first use, and kept in the one-row `installation` table, so every
process of one deployment (bot, web app, CLI) sends the same keys, and two deployments on
one Stripe account never send the same key.
"""

from __future__ import annotations

import contextlib
import secrets
from datetime import datetime

from sqlalchemy import select

from marketplace.storage.engine import Database
from marketplace.storage.models import InstallationRow
from marketplace.storage.sql_repository import upsert

_ROW_ID = 1
PREFIX_BYTES = 8  # 16 hex digits: no two installations draw the same one


async def installation_key_prefix(database: Database, now: datetime) -> str:
    """The installation's key prefix, made and stored the first time it is asked for.

    Two processes asking at once both read the one that was stored first.
    """
    lock = database.write_lock or contextlib.nullcontext()
    async with lock, database.writer() as session, session.begin():
        await session.execute(
            upsert(session, InstallationRow)
            .values(id=_ROW_ID, key_prefix=secrets.token_hex(PREFIX_BYTES), created_at=now)
            .on_conflict_do_nothing(index_elements=[InstallationRow.id])
        )
        prefix = await session.scalar(
            select(InstallationRow.key_prefix).where(InstallationRow.id == _ROW_ID)
        )
    if prefix is None:  # pragma: no cover - the row was just written
        msg = "the installation row is missing"
        raise RuntimeError(msg)
    return prefix
