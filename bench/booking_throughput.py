"""`booking_throughput`: successful bookings per second, sequential and concurrent.

Every booking is `bookings.book(...)` through the real service, on distinct slots
spread over several tutors (request flow: the tutor is notified, expiry scheduled, the
tutor's next open slot kept or recomputed). Sequential runs one booking after another;
concurrent keeps `concurrency` bookings in flight.

On SQLite the sequential run also captures every statement each booking sent, with its
parameters, and replays them on a copy of the same starting file through the bare
`sqlite3` module (same pragmas, `BEGIN IMMEDIATE` ... `COMMIT` per booking, results
fetched): `bare_per_s`, and `ratio` = bare_per_s / per_s, what the stack on top of
SQLite costs. Issue 13 aims for a ratio <= 10 and <= 10 statements per booking:
`target_met` needs both, `target_met_ratio` and `target_met_statements` say which.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url

from bench import world
from bench.common import Emit, Scale, log, ms, percentile, scratch_database
from marketplace.services import bookings
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.storage.engine import SQLITE_BUSY_TIMEOUT_MS, Database, create_database
from tests.data_keys import TEST_DATA_KEYS

BACKENDS = ("sqlite", "postgres")
TARGET_RATIO = 10.0
TARGET_STATEMENTS = 10
Statement = tuple[str, Any, bool]


class Recorder:
    """Every statement sent through the engine, grouped per booking."""

    def __init__(self, database: Database) -> None:
        self.current: list[Statement] | None = None
        self.transactions: list[list[Statement]] = []
        event.listen(database.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(
        self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, many: bool
    ) -> None:
        if self.current is not None and not statement.lstrip().upper().startswith("BEGIN"):
            self.current.append((statement, parameters, many))

    def start(self) -> None:
        self.current = []

    def stop(self) -> None:
        if self.current is not None:
            self.transactions.append(self.current)
        self.current = None


async def _book_all(
    ctx: ServiceContext,
    plan: Sequence[tuple[Actor, Actor, datetime]],
    concurrency: int,
    recorder: Recorder | None = None,
) -> tuple[float, list[float], Counter[str]]:
    durations: list[float] = []
    failures: Counter[str] = Counter()
    slots = asyncio.Semaphore(concurrency)

    async def one(student: Actor, tutor: Actor, start: datetime) -> None:
        async with slots:
            if recorder is not None:
                recorder.start()
            began = time.perf_counter()
            try:
                await bookings.book(world.book_cmd(student, tutor, start), ctx)
                durations.append(time.perf_counter() - began)
            except Exception as error:
                failures[f"{type(error).__name__}: {str(error)[:80]}"] += 1
            if recorder is not None:
                recorder.stop()

    began = time.perf_counter()
    if concurrency == 1:
        for student, tutor, start in plan:
            await one(student, tutor, start)
    else:
        await asyncio.gather(*(one(*step) for step in plan))
    return time.perf_counter() - began, durations, failures


def _bare_replay(path: Path, transactions: list[list[Statement]]) -> float:
    """Replay the captured transactions with the bare sqlite3 module; the seconds taken."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in (
            "journal_mode=WAL",
            f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
            "foreign_keys=ON",
            "synchronous=NORMAL",
        ):
            connection.execute(f"PRAGMA {pragma}")
        began = time.perf_counter()
        for transaction in transactions:
            connection.execute("BEGIN IMMEDIATE")
            for statement, parameters, many in transaction:
                if many:
                    connection.executemany(statement, parameters).fetchall()
                else:
                    connection.execute(statement, parameters).fetchall()
            connection.execute("COMMIT")
        return time.perf_counter() - began
    finally:
        connection.close()


def _plan(
    built: world.World, starts: list[tuple[Actor, datetime]]
) -> list[tuple[Actor, Actor, datetime]]:
    """Pair each slot with a student: student n always books tutor n (there are as many of
    each), so no student is ever booked twice at once (the service refuses that).
    """
    student_of = dict(zip((t.user_id for t in built.tutors), built.students, strict=True))
    return [(student_of[tutor.user_id], tutor, start) for tutor, start in starts]


async def measure(backend: str, url: str, scale: Scale) -> list[dict[str, Any]]:
    count, concurrency = scale.throughput_bookings, scale.throughput_concurrency
    database = create_database(url, keys=TEST_DATA_KEYS)
    try:
        ctx = world.context(database)
        built = await world.build(
            ctx, tutors=2 * concurrency, students=2 * concurrency, instant=False
        )
    finally:
        await database.dispose()
    starts = world.distinct_slots(built.tutors, 2 * count)
    runs = (("sequential", 1, _plan(built, starts[:count])),
            ("concurrent", concurrency, _plan(built, starts[count:])))  # fmt: skip
    lines = []
    with tempfile.TemporaryDirectory(prefix="tutorbot-bench-replay-") as folder:
        replay = Path(folder) / "replay.db"
        for mode, parallel, plan in runs:
            capture = backend == "sqlite" and mode == "sequential"
            if capture:  # the file as it is now is where the replay starts from
                path = Path(make_url(url).database or "")
                await asyncio.to_thread(shutil.copyfile, path, replay)
            database = create_database(url, keys=TEST_DATA_KEYS)
            recorder = Recorder(database) if capture else None
            try:
                log.info("booking_throughput: %s %s bookings on %s", count, mode, backend)
                wall, durations, failures = await _book_all(
                    world.context(database), plan, parallel, recorder
                )
            finally:
                await database.dispose()
            per_s = round(len(durations) / wall, 1)
            line: dict[str, Any] = {
                "metric": "booking_throughput",
                "backend": backend,
                "scale": scale.name,
                "mode": mode,
                "concurrency": parallel,
                "bookings": len(durations),
                "per_second": per_s,
                "per_s": per_s,
                "p50_ms": ms(percentile(durations, 50)),
                "p95_ms": ms(percentile(durations, 95)),
                "failures": dict(failures),
            }
            if recorder is not None:
                bare = await asyncio.to_thread(_bare_replay, replay, recorder.transactions)
                bare_per_s = round(len(recorder.transactions) / bare, 1)
                ratio = round(bare_per_s / per_s, 1) if per_s else None
                statements = sum(len(t) for t in recorder.transactions)
                per_booking = round(statements / len(recorder.transactions), 1)
                ratio_met = ratio is not None and ratio <= TARGET_RATIO
                statements_met = per_booking <= TARGET_STATEMENTS
                line |= {
                    "bare_per_s": bare_per_s,
                    "ratio": ratio,
                    "statements_per_booking": per_booking,
                    "target_ratio": TARGET_RATIO,
                    "target_statements": TARGET_STATEMENTS,
                    "target_met": ratio_met and statements_met,
                    "target_met_ratio": ratio_met,
                    "target_met_statements": statements_met,
                }
            line["load1"] = round(os.getloadavg()[0], 2)
            lines.append(line)
    return lines


async def run(scale: Scale, out: Emit) -> None:
    for backend in BACKENDS:
        async with scratch_database(backend, "throughput") as url:
            for line in await measure(backend, url, scale):
                out(line)
