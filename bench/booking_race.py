"""`booking_race`: 50 students press Book on the same slot at once; exactly one may win.

Each attempt is `bookings.book(...)` through the real service on its own task, all
released together. The losers must get `ConflictError("slot_taken")` (counted in
`taken_answers`); anything else is listed in `other_answers`. `live_in_slot` re-reads
the table afterwards: live bookings of that tutor overlapping the slot. The race is then
repeated on new slots (`repeats`), since some interleavings are rare; `target_met`
needs every round right.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bench import world
from bench.common import Emit, Scale, log, ms, percentile, scratch_database
from marketplace.domain.errors import ConflictError
from marketplace.services import bookings
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.storage.engine import Database, create_database
from marketplace.storage.models import BookingRow
from tests.data_keys import TEST_DATA_KEYS

BACKENDS = ("sqlite", "postgres")


async def _one_round(
    ctx: ServiceContext, tutor: Actor, students: list[Actor], start: datetime
) -> list[tuple[str, float]]:
    gate = asyncio.Event()

    async def attempt(student: Actor) -> tuple[str, float]:
        await gate.wait()
        began = time.perf_counter()
        try:
            await bookings.book(world.book_cmd(student, tutor, start), ctx)
            outcome = "booked"
        except ConflictError as error:
            outcome = f"conflict:{error.reason}"
        except Exception as error:
            outcome = f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"
        return outcome, time.perf_counter() - began

    tasks = [asyncio.create_task(attempt(s)) for s in students]
    await asyncio.sleep(0.05)  # every task is parked at the gate
    gate.set()
    return list(await asyncio.gather(*tasks))


async def _live_in(database: Database, tutor: Actor, start: datetime) -> int:
    async with database.reader() as session:
        live = await session.scalar(
            select(func.count())
            .select_from(BookingRow)
            .where(
                BookingRow.tutor_id == tutor.user_id,
                BookingRow.live.is_(True),
                BookingRow.block_start < start + timedelta(minutes=70),
                BookingRow.block_end > start,
            )
        )
    return int(live or 0)


def _tally(results: list[tuple[str, float]]) -> tuple[int, int, Counter[str]]:
    outcomes = Counter(outcome for outcome, _ in results)
    booked = outcomes.pop("booked", 0)
    taken = outcomes.pop("conflict:slot_taken", 0)
    return booked, taken, outcomes


async def race(url: str, attempts: int, rounds: int) -> dict[str, object]:
    """Round 1 is the headline; the repeats (new slots) look for rarer interleavings."""
    database = create_database(url, keys=TEST_DATA_KEYS)
    ctx = world.context(database)
    try:
        built = await world.build(ctx, tutors=1, students=attempts, instant=False)
        tutor = built.tutors[0]
        per_round = []
        for n in range(rounds):
            start = world.slot(3 + n // len(world.SLOT_HOURS), n % len(world.SLOT_HOURS))
            began = time.perf_counter()
            results = await _one_round(ctx, tutor, built.students, start)
            wall = time.perf_counter() - began
            per_round.append((results, wall, await _live_in(database, tutor, start)))
    finally:
        await database.dispose()
    first, wall, live = per_round[0]
    booked, taken, others = _tally(first)
    durations = [seconds for _, seconds in first]
    repeat_booked, repeat_taken, repeat_others = [], 0, Counter[str]()
    for results, _, live_n in per_round[1:]:
        b, t, o = _tally(results)
        repeat_booked.append(b)
        repeat_taken += t
        repeat_others.update(o)
        if live_n != 1:
            repeat_others[f"live_in_slot={live_n}"] += 1
    all_ok = (
        booked == 1
        and taken == attempts - 1
        and live == 1
        and set(repeat_booked) <= {1}
        and not repeat_others
    )
    return {
        "attempts": attempts,
        "booked": booked,
        "taken_answers": taken,
        "other_answers": dict(others),
        "live_in_slot": live,
        "p50_ms": ms(percentile(durations, 50)),
        "p95_ms": ms(percentile(durations, 95)),
        "max_ms": ms(max(durations)),
        "wall_ms": ms(wall),
        "repeats": {
            "rounds": rounds - 1,
            "booked_per_round": repeat_booked,
            "taken_answers": repeat_taken,
            "other_answers": dict(repeat_others),
        },
        "target_met": all_ok,
    }


async def run(scale: Scale, out: Emit) -> None:
    for backend in BACKENDS:
        log.info("booking_race: %s attempts on %s", scale.race_attempts, backend)
        async with scratch_database(backend, "race") as url:
            figures = await race(url, scale.race_attempts, scale.race_rounds)
        out(
            {
                "metric": "booking_race",
                "backend": backend,
                "scale": scale.name,
                **figures,
                "load1": round(os.getloadavg()[0], 2),
            }
        )
