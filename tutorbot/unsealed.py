"""Command-line use cases that read nothing sealed: no data keys needed to run them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from marketplace.ports import SystemClock
from marketplace.services.context import ServiceContext
from marketplace.settings import Settings
from marketplace.storage.engine import create_database
from marketplace.storage.unit_of_work import UnitOfWorkFactory

T = TypeVar("T")


async def run(settings: Settings, work: Callable[[ServiceContext], Awaitable[T]]) -> T:
    """Run `work` on the database, then release it (the ledger check, the exports).

    They read ids, names, times and amounts, never a sealed column, so the data keys are
    not asked for: an operator can run them where the keys are not deployed.
    """
    database = create_database(settings.database_url)
    try:
        return await work(ServiceContext(uow=UnitOfWorkFactory(database), clock=SystemClock()))
    finally:
        await database.dispose()
