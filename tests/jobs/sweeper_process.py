"""One sweeper process for the multi-process test: `python -m tests.jobs.sweeper_process URL`.

It connects, writes "ready", waits for "go" on stdin so every process starts together,
sweeps once with a handler that records each action id in the scratch table (whose
primary key refuses a second handling), then writes how many rows it handled.
"""

from __future__ import annotations

import asyncio
import sys

from sqlalchemy import text

from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction
from marketplace.jobs import HandlerResult, JobRunner, default_owner
from marketplace.ports import SystemClock
from marketplace.storage.engine import Database, create_database
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.data_keys import TEST_DATA_KEYS

# The scratch table: created and dropped by the test, its primary key refusing a repeat.
CREATE_SCRATCH = "CREATE TABLE jobs_test_handled (action_id integer PRIMARY KEY, owner text)"
SELECT_SCRATCH = "SELECT action_id, owner FROM jobs_test_handled"
DROP_SCRATCH = "DROP TABLE IF EXISTS jobs_test_handled"
BATCH = 5


def recording_handler(database: Database, owner: str):
    async def handle(claimed: ClaimedAction) -> HandlerResult:
        async with database.writer() as session, session.begin():
            await session.execute(
                text("INSERT INTO jobs_test_handled (action_id, owner) VALUES (:id, :owner)"),
                {"id": claimed.action_id, "owner": owner},
            )
        return HandlerResult(ActionState.DONE, "recorded")

    return handle


async def main(url: str) -> int:
    database = create_database(url, pool_size=2, keys=TEST_DATA_KEYS)
    try:
        async with database.engine.connect():  # connect before the start line
            pass
        owner = default_owner()
        runner = JobRunner(
            SqlActionQueue(database),
            {ActionKind.NOTIFY: recording_handler(database, owner)},
            SystemClock(),
            owner=owner,
            batch=BATCH,
        )
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        return await runner.sweep()
    finally:
        await database.dispose()


if __name__ == "__main__":
    handled = asyncio.run(main(sys.argv[1]))
    sys.stdout.write(f"handled {handled}\n")
