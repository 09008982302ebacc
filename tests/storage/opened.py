"""Open a database by URL for the length of a block (for tests that migrate it by hand)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from marketplace.storage.engine import create_database
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from tests.data_keys import TEST_DATA_KEYS


@contextlib.asynccontextmanager
async def units_of_work(url: str) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work on the database at `url`; its pool is disposed when the block ends."""
    database = create_database(url, keys=TEST_DATA_KEYS)
    try:
        yield UnitOfWorkFactory(database)
    finally:
        await database.dispose()
