"""Many sweepers on one database: every due action is handled exactly once."""

import asyncio
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction
from marketplace.jobs import HandlerResult, JobRunner
from marketplace.storage.engine import create_database
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.data_keys import TEST_DATA_KEYS
from tests.jobs.helpers import rows, schedule_due, states
from tests.jobs.sweeper_process import CREATE_SCRATCH, DROP_SCRATCH, SELECT_SCRATCH

DUE = 300
RUNNERS = 10
PROCESSES = 3
PROJECT_ROOT = Path(__file__).resolve().parents[2]


async def test_ten_runners_sweeping_300_due_actions_handle_each_exactly_once(
    database, database_url, clock
):
    await schedule_due(database, DUE, clock.now())
    seen: Counter[int] = Counter()

    async def handler(claimed: ClaimedAction) -> HandlerResult:
        seen[claimed.action_id] += 1
        await asyncio.sleep(0)  # let the other runners interleave
        return HandlerResult(ActionState.DONE, "ok")

    engines = [
        create_database(database_url, pool_size=2, keys=TEST_DATA_KEYS) for _ in range(RUNNERS)
    ]
    try:
        runners = [
            JobRunner(
                SqlActionQueue(engine, clock=clock),
                {ActionKind.NOTIFY: handler},
                clock,
                owner=f"runner-{n}",
                batch=10,
            )
            for n, engine in enumerate(engines)
        ]
        handled = await asyncio.wait_for(
            asyncio.gather(*(runner.sweep() for runner in runners)), timeout=30
        )
    finally:
        await asyncio.gather(*(engine.dispose() for engine in engines))

    assert sum(handled) == DUE
    assert len(seen) == DUE
    assert set(seen.values()) == {1}
    assert await states(database) == {"done": DUE}
    assert {row.attempts for row in (await rows(database)).values()} == {1}


@pytest.mark.postgres
async def test_three_processes_sharing_postgres_handle_each_action_exactly_once(postgres_url):
    database = create_database(postgres_url, keys=TEST_DATA_KEYS)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text(CREATE_SCRATCH))
        try:
            await schedule_due(database, DUE, datetime.now(UTC))
            outputs = await asyncio.to_thread(_run_sweeper_processes, postgres_url)
            async with database.reader() as session:
                recorded = (await session.execute(text(SELECT_SCRATCH))).all()
            final = await rows(database)
        finally:
            async with database.engine.begin() as connection:
                await connection.execute(text(DROP_SCRATCH))
    finally:
        await database.dispose()

    assert sum(int(output.split()[-1]) for output in outputs) == DUE
    assert sorted(action_id for action_id, _ in recorded) == sorted(
        row.id for row in final.values()
    )
    assert {row.state for row in final.values()} == {"done"}
    assert {row.attempts for row in final.values()} == {1}


def _run_sweeper_processes(url: str) -> list[str]:
    """Start the sweepers, release them together, and return each one's last line."""
    processes = [
        subprocess.Popen(  # noqa: S603 - our own interpreter running our own test module
            [sys.executable, "-m", "tests.jobs.sweeper_process", url],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [process.communicate(timeout=30)[0] for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert [process.returncode for process in processes] == [0] * PROCESSES
    return [output.strip().splitlines()[-1] for output in outputs]
