"""One bot-like process for the reminders-across-processes test.

    python -m tests.storage.reminder_sweeper URL PHASE_1 PHASE_2 ...

It connects, writes "ready" and waits for "go" on stdin so every process starts together.
Then, for each phase (an ISO time), it sets its clock to that time, sweeps once with the
real job handlers, writes "swept <n>" and waits for the next "go". Its notifier records
each notice's nonce in a scratch table whose primary key refuses a second delivery.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime

from sqlalchemy import text

from marketplace.jobs import JobRunner, default_owner
from marketplace.ports import DeliveryOutcome, Notice
from marketplace.services.context import ServiceContext
from marketplace.services.job_handlers import Handlers
from marketplace.storage.engine import Database, create_database
from marketplace.storage.scheduled_actions import SqlActionQueue
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from tests.data_keys import TEST_DATA_KEYS

SCRATCH = "reminder_test_sent"
CREATE_SCRATCH = (
    f"CREATE TABLE {SCRATCH} (nonce varchar(25) PRIMARY KEY, kind text NOT NULL, "
    "user_id bigint NOT NULL, booking_id bigint, pid integer NOT NULL)"
)
SELECT_SCRATCH = "SELECT nonce, kind, user_id, booking_id, pid FROM reminder_test_sent"
DROP_SCRATCH = f"DROP TABLE IF EXISTS {SCRATCH}"
BATCH = 5


class PhaseClock:
    """A clock that stands still at the current phase's time."""

    def __init__(self) -> None:
        self._now = datetime.now(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)


class TableNotifier:
    """Delivers by inserting the nonce into the scratch table (a repeat raises)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def deliver(self, notice: Notice) -> DeliveryOutcome:
        async with self._database.writer() as session, session.begin():
            await session.execute(
                text(
                    "INSERT INTO reminder_test_sent (nonce, kind, user_id, booking_id, pid) "
                    "VALUES (:nonce, :kind, :user_id, :booking_id, :pid)"
                ),
                {
                    "nonce": notice.nonce,
                    "kind": notice.kind.value,
                    "user_id": notice.user_id,
                    "booking_id": notice.booking.booking_id if notice.booking else None,
                    "pid": os.getpid(),
                },
            )
        return DeliveryOutcome("dm")


def _wait_for_go() -> None:
    line = sys.stdin.readline()
    if line.strip() != "go":
        msg = f"expected 'go', got {line!r}"
        raise SystemExit(msg)


async def main(url: str, phases: list[datetime]) -> None:
    database = create_database(url, pool_size=4, keys=TEST_DATA_KEYS)
    try:
        async with database.engine.connect():  # connect before the start line
            pass
        clock = PhaseClock()
        ctx = ServiceContext(uow=UnitOfWorkFactory(database), clock=clock)
        runner = JobRunner(
            SqlActionQueue(database, clock=clock),
            Handlers(ctx, TableNotifier(database)).by_kind(),
            clock,
            owner=default_owner(),
            batch=BATCH,
        )
        loop = asyncio.get_running_loop()
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        for phase in phases:
            await loop.run_in_executor(None, _wait_for_go)
            clock.set(phase)
            handled = await runner.sweep()
            sys.stdout.write(f"swept {handled}\n")
            sys.stdout.flush()
    finally:
        await database.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], [datetime.fromisoformat(arg) for arg in sys.argv[2:]]))
