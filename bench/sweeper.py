"""`sweeper`: N due `scheduled_action` rows drained by JobRunner(s) with a trivial handler.

The runner is the product's (`JobRunner` over `SqlActionQueue`, default batch, lease and
concurrency); only the handler is trivial (it records the action id and returns DONE),
so the figure is the queue's own cost: one claim per batch, one close per row.

SQLite: one process. PostgreSQL: one process, then three processes (`bench.sweeper_worker`)
released together. Each handler records what it handled; `duplicates` counts actions
handled more than once, `sent` the distinct ones, and `exactly_once` also checks that
every row ended `done` after exactly one attempt.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from bench import rows
from bench.common import BENCH_DIR, Emit, Scale, log, scratch_database
from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction
from marketplace.jobs import HandlerResult, JobRunner
from marketplace.ports import SystemClock
from marketplace.storage.engine import create_database
from marketplace.storage.models import ScheduledActionRow
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.data_keys import TEST_DATA_KEYS

RUNS = (("sqlite", 1), ("postgres", 1), ("postgres", 3))


async def seed(url: str, count: int) -> None:
    """`count` pending NOTIFY rows, all due (oldest first), in one transaction."""
    now = datetime.now(UTC)
    database = create_database(url, keys=TEST_DATA_KEYS)
    try:
        new = [
            {
                "kind": ActionKind.NOTIFY.value,
                "dedupe_key": f"bench:{n}",
                "guild_id": rows.GUILD_ID,
                "booking_id": None,
                "user_id": rows.FIRST_USER_ID + n % 500,
                "due_at": now - timedelta(milliseconds=count - n),
                "payload": {"notice": "reminder"},
                "state": ActionState.PENDING.value,
                "attempts": 0,
            }
            for n in range(count)
        ]
        async with database.engine.begin() as connection:
            for start in range(0, count, 5_000):
                await connection.execute(insert(ScheduledActionRow), new[start : start + 5_000])
    finally:
        await database.dispose()


async def sweep_here(
    url: str, on_connected: Callable[[], Awaitable[None]] | None = None
) -> tuple[list[int], float, float]:
    """One runner in this process: (ids handled, wall-clock start, wall-clock end).

    `on_connected` runs once the database is connected, before the clock starts.
    """
    database = create_database(url, keys=TEST_DATA_KEYS)
    handled: list[int] = []

    async def trivial(action: ClaimedAction) -> HandlerResult:
        handled.append(action.action_id)
        return HandlerResult(ActionState.DONE, "ok")

    try:
        async with database.engine.connect():  # connected before the clock starts
            pass
        if on_connected is not None:
            await on_connected()
        runner = JobRunner(SqlActionQueue(database), {ActionKind.NOTIFY: trivial}, SystemClock())
        began = time.time()
        await runner.sweep()
        return handled, began, time.time()
    finally:
        await database.dispose()


async def sweep_in_processes(url: str, processes: int) -> tuple[list[int], float, float]:
    """`processes` worker processes, released together; their handled ids and the span."""
    workers = []
    for _ in range(processes):
        worker = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.sweeper_worker", url,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            cwd=BENCH_DIR.parent,
        )  # fmt: skip
        workers.append(worker)
    try:
        for worker in workers:
            assert worker.stdout is not None  # noqa: S101 - piped above
            ready = await asyncio.wait_for(worker.stdout.readline(), timeout=60)
            if ready.strip() != b"ready":
                msg = f"sweeper worker said {ready!r}"
                raise RuntimeError(msg)
        for worker in workers:
            assert worker.stdin is not None  # noqa: S101 - piped above
            worker.stdin.write(b"go\n")
            await worker.stdin.drain()
        reports = []
        for worker in workers:
            output, _ = await asyncio.wait_for(worker.communicate(), timeout=600)
            reports.append(json.loads(output.decode().strip().splitlines()[-1]))
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()
    handled = [action for report in reports for action in report["handled"]]
    return handled, min(r["began"] for r in reports), max(r["ended"] for r in reports)


async def final_states(url: str) -> tuple[Counter[str], int]:
    database = create_database(url, keys=TEST_DATA_KEYS)
    try:
        async with database.reader() as session:
            counted = await session.execute(
                select(ScheduledActionRow.state, func.count()).group_by(ScheduledActionRow.state)
            )
            states = Counter({state: int(n) for state, n in counted.all()})
            retried = await session.scalar(
                select(func.count()).where(ScheduledActionRow.attempts != 1)
            )
    finally:
        await database.dispose()
    return states, int(retried or 0)


async def run(scale: Scale, out: Emit) -> None:
    count = scale.sweeper_actions
    for backend, processes in RUNS:
        log.info("sweeper: %s due actions, %s process(es) on %s", count, processes, backend)
        async with scratch_database(backend, "sweeper") as url:
            await seed(url, count)
            if processes == 1:
                handled, began, ended = await sweep_here(url)
            else:
                handled, began, ended = await sweep_in_processes(url, processes)
            states, retried = await final_states(url)
        seen = Counter(handled)
        duplicates = sum(times - 1 for times in seen.values())
        wall = max(ended - began, 1e-9)
        line: dict[str, Any] = {
            "metric": "sweeper",
            "backend": backend,
            "scale": scale.name,
            "processes": processes,
            "actions": count,
            "due": count,
            "sent": len(seen),
            "duplicates": duplicates,
            "per_second": round(len(handled) / wall, 1),
            "seconds": round(wall, 2),
            "exactly_once": duplicates == 0
            and len(seen) == count
            and states.get("done", 0) == count
            and retried == 0,
            "states": dict(states),
            "load1": round(os.getloadavg()[0], 2),
        }
        out(line)
