"""Three bot processes sharing PostgreSQL send each reminder exactly once.

Thirty confirmed bookings are made through the real services. Three OS processes then
run the real job handlers together, first at 90 minutes before the sessions (the 2-hour
reminders and the confirmations are due) and then at 10 minutes before (the 15-minute
reminders). Each process's notifier writes every nonce into a table whose primary key
refuses a repeat, so a reminder sent twice would show up as a failed, retried row.
"""

import asyncio
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from marketplace.services import bookings
from marketplace.services.context import ServiceContext
from marketplace.storage.engine import create_database
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from tests.data_keys import TEST_DATA_KEYS
from tests.services.marketplace_world import (
    NOW,
    action_rows,
    actor,
    add_tutor,
    at,
    book_cmd,
)
from tests.storage.reminder_sweeper import CREATE_SCRATCH, DROP_SCRATCH, SELECT_SCRATCH

BOOKINGS = 30
PROCESSES = 3
START = at(2, 10)
PHASES = (START - timedelta(minutes=90), START - timedelta(minutes=10))
PROJECT_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


def _run_processes(url: str) -> list[list[str]]:
    """Start the sweepers, release them together phase by phase; their output lines."""
    args = [sys.executable, "-m", "tests.storage.reminder_sweeper", url]
    args += [phase.isoformat() for phase in PHASES]
    procs = [
        subprocess.Popen(  # noqa: S603 - our own interpreter running our own test module
            args,
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    outputs: list[list[str]] = [[] for _ in procs]
    try:
        for expected in ["ready", *(["swept"] * len(PHASES))]:
            if expected == "swept":
                for proc in procs:
                    proc.stdin.write("go\n")
                    proc.stdin.flush()
            for proc, lines in zip(procs, outputs, strict=True):
                line = proc.stdout.readline().strip()
                if not line.startswith(expected):
                    proc.kill()
                    _, err = proc.communicate(timeout=TIMEOUT)
                    pytest.fail(f"sweeper said {line!r}, expected {expected!r}:\n{err}")
                lines.append(line)
        for proc in procs:
            _, err = proc.communicate(timeout=TIMEOUT)
            assert proc.returncode == 0, err
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return outputs


async def _confirmed_booking(ctx: ServiceContext, n: int) -> None:
    """Tutor 100+n (instant booking, free 11:00-12:00 Berlin tomorrow) booked by 1000+n."""
    tutor_id = 100 + n
    await add_tutor(ctx, tutor_id, instant=True, available=("tomorrow 11:00-12:00",))
    await bookings.book(book_cmd(actor(1000 + n), tutor_id, START), ctx)


@pytest.mark.postgres
async def test_three_processes_send_each_reminder_exactly_once(postgres_url, clock):
    database = create_database(postgres_url, keys=TEST_DATA_KEYS)
    ctx = ServiceContext(uow=UnitOfWorkFactory(database), clock=clock)
    clock.set(NOW)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text(CREATE_SCRATCH))
        try:
            await _confirmed_booking(ctx, 0)  # the first one creates the guild
            await asyncio.gather(*(_confirmed_booking(ctx, n) for n in range(1, BOOKINGS)))
            outputs = await asyncio.to_thread(_run_processes, postgres_url)
            async with database.reader() as session:
                sent = (await session.execute(text(SELECT_SCRATCH))).all()
            reminder_rows = await action_rows(ctx.uow, "reminder")
            notify_rows = await action_rows(ctx.uow, "notify")
            await_rows = await action_rows(ctx.uow)
        finally:
            async with database.engine.begin() as connection:
                await connection.execute(text(DROP_SCRATCH))
    finally:
        await database.dispose()

    assert len(reminder_rows) == 2 * BOOKINGS
    assert len(notify_rows) == 2 * BOOKINGS  # the confirmations, to both sides
    expected_reminders = {f"tb{row.id}{side}" for row in reminder_rows for side in ("s", "t")}
    sent_reminders = Counter(nonce for nonce, kind, *_ in sent if kind == "reminder")
    assert set(sent_reminders) == expected_reminders
    assert set(sent_reminders.values()) == {1}
    sent_confirmations = Counter(nonce for nonce, kind, *_ in sent if kind == "booking_confirmed")
    assert set(sent_confirmations) == {f"tb{row.id}" for row in notify_rows}
    # Nothing failed on a duplicate key and went round again: one attempt each.
    every_row = reminder_rows + notify_rows
    assert {(row.state, row.attempts) for row in every_row} == {("done", 1)}
    handled = [sum(int(line.split()[1]) for line in lines[1:]) for lines in outputs]
    finished = [row for row in await_rows if row.state in ("done", "skipped")]
    assert sum(handled) == len(finished)  # every row once, refreshes of next slots included
