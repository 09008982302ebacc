"""`search_ms`: `search.find` latency on the seeded data set (SQLite).

Goes through the real service: `ServiceContext(uow=UnitOfWorkFactory(database),
clock=SystemClock())` and an `Actor` for a random student. Three lines: subject + level
sorted best, the same sorted soonest, and with `when` set. The issue's targets, at full
scale: p95 <= 10 ms without `when`, p95 <= 20 ms with it; each line says which one it
is held to (`target_p95_ms`) and whether it met it. Each reports how many SQL
statements one query issued on average and how long the candidate query alone took
(`sql_p50`), to show where the time goes.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event

from bench import rows
from bench.common import SEED, Emit, Scale, log, ms, percentile, sqlite_url, summary_ms
from bench.dataset import DatasetInfo, ensure_search_db
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.profiles import Level
from marketplace.ports import SystemClock
from marketplace.services import search
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.storage.engine import Database, create_database
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from marketplace.timeparse import parse_when
from tests.data_keys import TEST_DATA_KEYS

TARGET_P95_MS = 10.0  # without `when`
TARGET_WHEN_P95_MS = 20.0
MIN_REVIEWS = GuildPolicy().min_reviews_for_rating  # the bench guild keeps the default
WARM_UP = 20
WHEN_TEXTS = (
    "tomorrow 4pm",
    "tomorrow 10am-12pm",
    "Friday 17:00",
    "next Monday 9am",
    "Saturday 14:00-16:00",
    "Wednesday 7pm",
)


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    sort: str
    with_when: bool

    @property
    def target_p95_ms(self) -> float:
        return TARGET_WHEN_P95_MS if self.with_when else TARGET_P95_MS


VARIANTS = (
    Variant("best", "best", with_when=False),
    Variant("soonest", "soonest", with_when=False),
    Variant("when", "best", with_when=True),
)


class StatementCounter:
    """Counts SQL statements sent through the engine (a cursor-execute listener)."""

    def __init__(self, database: Database) -> None:
        self.count = 0
        event.listen(database.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


def queries(info: DatasetInfo, count: int, variant: Variant, seed: str) -> list[search.FindTutors]:
    rng = random.Random(f"{SEED}:{seed}:{variant.name}")
    levels = list(Level)
    return [
        search.FindTutors(
            actor=Actor(rows.GUILD_ID, rows.GUILD_NAME, rng.choice(info.student_ids)),
            subject_key=rng.choice(rows.SUBJECT_KEYS),
            level=rng.choice(levels),
            when=rng.choice(WHEN_TEXTS) if variant.with_when else None,
            sort=variant.sort,
        )
        for _ in range(count)
    ]


async def _time_find(
    ctx: ServiceContext, batch: list[search.FindTutors], counter: StatementCounter
) -> tuple[list[float], list[int], int]:
    durations, hits = [], []
    before = counter.count
    for query in batch:
        started = time.perf_counter()
        results = await search.find(query, ctx)
        durations.append(time.perf_counter() - started)
        hits.append(len(results.hits))
    return durations, hits, counter.count - before


async def _time_candidates(ctx: ServiceContext, batch: list[search.FindTutors]) -> list[float]:
    """The candidate query alone, as `find` sends it, in one read-only unit of work.

    First `search.MAX_RESULTS` in the sort's order without `when`; with it, every tutor
    who may be free in the window (worked out as `find` does, in the student's zone).
    """
    durations = []
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        for query in batch:
            window = None
            if query.when:
                zone = await uow.users.timezone(query.actor.user_id) or "UTC"
                parsed = parse_when(query.when, zone=zone, now=now)
                if parsed.start is not None:
                    window = (parsed.start, parsed.end or parsed.start + search.DEFAULT_WINDOW)
            started = time.perf_counter()
            await uow.search.candidates(
                query.actor.guild_id, query.subject_key, level=query.level or Level.BEGINNER,
                max_rate_minor=None, viewer_id=query.actor.user_id, now=now,
                min_reviews_for_rating=MIN_REVIEWS, sort=query.sort,
                limit=None if window else search.MAX_RESULTS, free_between=window,
            )  # fmt: skip
            durations.append(time.perf_counter() - started)
    return durations


async def run(scale: Scale, out: Emit) -> None:
    started = time.perf_counter()
    info = await asyncio.to_thread(ensure_search_db, scale)
    prepared = time.perf_counter() - started
    database = create_database(sqlite_url(info.path), keys=TEST_DATA_KEYS)
    counter = StatementCounter(database)
    ctx = ServiceContext(uow=UnitOfWorkFactory(database), clock=SystemClock())
    try:
        for variant in VARIANTS:
            count = scale.search_when_queries if variant.with_when else scale.search_queries
            await _time_find(ctx, queries(info, WARM_UP, variant, "warm"), counter)
            batch = queries(info, count, variant, "measure")
            log.info("search_ms: %s queries, %s", count, variant.name)
            durations, hits, statements = await _time_find(ctx, batch, counter)
            sql = await _time_candidates(ctx, batch)
            p95 = ms(percentile(durations, 95))
            out(
                {
                    "metric": "search_ms",
                    "backend": "sqlite",
                    "scale": scale.name,
                    "variant": variant.name,
                    "sort": variant.sort,
                    "when": variant.with_when,
                    "tutors": info.tutors,
                    "rules": info.rules,
                    "bookings": info.bookings,
                    "queries": count,
                    **summary_ms(durations, 50, 95, 99),
                    "max": ms(max(durations)),
                    "sql_p50": ms(percentile(sql, 50)),
                    "statements_per_query": round(statements / count, 1),
                    "hits_mean": round(sum(hits) / count, 1),
                    "target_p95_ms": variant.target_p95_ms,
                    "target_scale": "full",
                    "target_met": p95 <= variant.target_p95_ms,
                    "data_set_seconds": round(prepared, 1),
                    "data_set_built_seconds": info.build_seconds,
                    "load1": round(os.getloadavg()[0], 2),
                }
            )
    finally:
        await database.dispose()
