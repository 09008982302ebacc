"""The search data set: one guild, N tutors, ~10 weekly rules each, a year of bookings.

Built once per (scale, seed, schema head, generator version) into `bench/.cache/` and
reused while it is fresh (its "now" is the moment it was built; bookings run from a year
before that to 60 days after, so a file older than `MAX_AGE` is rebuilt). The file is
built under a temporary name and renamed when complete, so an interrupted build never
leaves a half-built cache behind.

Rows go in through SQLAlchemy Core `insert(table)` with lists of dicts (executemany),
in one transaction per table, on a plain synchronous sqlite3 engine.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Table, create_engine, event, insert
from sqlalchemy.engine import Connection, Engine

from bench import rows
from bench.common import CACHE_DIR, SEED, Scale, migrate, sqlite_url
from marketplace.domain.scheduled import ActionKind
from marketplace.jobs import JobRunner
from marketplace.services.context import ServiceContext
from marketplace.services.job_handlers import Handlers
from marketplace.storage.availability_repository import MINUTES_PER_WEEK
from marketplace.storage.engine import create_database
from marketplace.storage.migrate import alembic_config, refresh_sqlite_stats
from marketplace.storage.scheduled_actions import SqlActionQueue
from marketplace.storage.types import UTCDateTime
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from tests.data_keys import TEST_DATA_KEYS

log = logging.getLogger("bench.dataset")

GENERATOR_VERSION = 5
MAX_AGE = timedelta(days=3)
FRESH_FOR = timedelta(minutes=30)  # cached next slots stay current this long after a run starts
BATCH = 20_000

# Where the users live (weights roughly like a European/US/Asian campus mix).
ZONES = (
    ("America/New_York", 18),
    ("America/Chicago", 6),
    ("America/Los_Angeles", 8),
    ("America/Sao_Paulo", 3),
    ("Europe/London", 10),
    ("Europe/Berlin", 14),
    ("Europe/Madrid", 5),
    ("Africa/Lagos", 3),
    ("Asia/Kolkata", 12),
    ("Asia/Tokyo", 5),
    ("Australia/Sydney", 6),
    ("UTC", 2),
)
LEVELS = ("beginner", "intermediate", "advanced")
# Local wall-clock blocks a rule may start in: four a day, four hours apart, so rules
# (at most 3.5 h long) never overlap and every one can hold a 90-minute session.
BLOCK_STARTS = (7 * 60, 11 * 60, 15 * 60, 19 * 60)
PAST_SHARE = 0.88
# (state, cumulative share): most past sessions happened, most upcoming ones are confirmed.
PAST_STATES = (("completed", 0.80), ("cancelled", 0.92), ("declined", 0.96), ("expired", 1.0))
FUTURE_STATES = (("confirmed", 0.75), ("requested", 0.90), ("cancelled", 1.0))
DURATIONS = (30, 60, 60, 90)
# Shares of completed sessions the student reviews (the tutor), and the tutor reviews (the
# student); a few reviews are held for a moderator.
STUDENT_REVIEWS = 0.4
TUTOR_REVIEWS = 0.15
HELD_REVIEWS = 0.03
DAY = timedelta(days=1)


def _weighted(table: tuple[tuple[str, float], ...], draw: float) -> str:
    for value, upto in table:
        if draw < upto:
            return value
    return table[-1][0]


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """What was built, and where; stored next to the file as JSON."""

    path: str
    scale: str
    seed: int
    head: str
    generator: int
    built_at: str
    build_seconds: float
    guild_id: int
    tutors: int
    rules: int
    bookings: int
    students: int
    student_ids: list[int]

    @property
    def built(self) -> datetime:
        return datetime.fromisoformat(self.built_at)


def schema_head() -> str:
    """The Alembic head and a digest of every migration file (part of the cache key).

    The digest catches a migration edited in place as well as a new one.
    """
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    digest = hashlib.sha1(usedforsecurity=False)
    for path in sorted(Path(script.versions).glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{script.get_current_head()}-{digest.hexdigest()[:8]}"


def _cache_stem(scale: Scale, head: str) -> str:
    return f"search-{scale.name}-seed{SEED}-rev{head}-gen{GENERATOR_VERSION}"


def ensure_search_db(scale: Scale) -> DatasetInfo:
    """The cached data set for `scale`, built first when missing or stale (blocking)."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    ignore = CACHE_DIR / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    head = schema_head()
    stem = _cache_stem(scale, head)
    path, meta = CACHE_DIR / f"{stem}.db", CACHE_DIR / f"{stem}.json"
    if path.exists() and meta.exists():
        info = DatasetInfo(**json.loads(meta.read_text(encoding="utf-8")))
        age = datetime.now(UTC) - info.built
        if age < MAX_AGE:
            log.info("search data set: reusing %s (built %s ago)", path.name, age)
            _freshen(info)
            return info
        log.info("search data set: %s is %s old; rebuilding", path.name, age)
    for old in CACHE_DIR.glob(f"search-{scale.name}-*"):
        old.unlink()
    info = _build(scale, head, path)
    meta.write_text(json.dumps(asdict(info), indent=1), encoding="utf-8")
    _freshen(info)
    return info


def _freshen(info: DatasetInfo) -> None:
    started = time.perf_counter()
    refreshed = asyncio.run(freshen(info))
    log.info(
        "search data set: %s tutors' next slot refreshed by the job runner (%.1f s)",
        refreshed,
        _since(started),
    )


class _AheadClock:
    """The real clock, `ahead` in the future."""

    def __init__(self, ahead: timedelta) -> None:
        self.ahead = ahead

    def now(self) -> datetime:
        return datetime.now(UTC) + self.ahead


async def freshen(info: DatasetInfo, ahead: timedelta = FRESH_FOR) -> int:
    """Run the REFRESH_NEXT_SLOT work that is due (or falls due within `ahead`).

    In production the job runner refreshes each tutor's cached next slot just before it
    stops being bookable; a cached data set has had no runner since it was built. This
    runs the product's own runner and handler over those rows, with a clock `ahead` in
    the future, so every cached slot stays current for the benchmark run (searches would
    otherwise recompute stale ones inline). Returns how many tutors were refreshed.
    """
    database = create_database(sqlite_url(info.path), keys=TEST_DATA_KEYS)
    try:
        clock = _AheadClock(ahead)
        ctx = ServiceContext(uow=UnitOfWorkFactory(database), clock=clock)
        handler = Handlers(ctx, notifier=None).by_kind()[ActionKind.REFRESH_NEXT_SLOT]  # type: ignore[arg-type]
        runner = JobRunner(
            SqlActionQueue(database, clock=clock), {ActionKind.REFRESH_NEXT_SLOT: handler}, clock
        )
        return await runner.sweep()
    finally:
        await database.dispose()


def _fast_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=OFF")  # built under a temporary name
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-262144")
        cursor.close()

    return engine


def _build(scale: Scale, head: str, path: Path) -> DatasetInfo:
    started = time.perf_counter()
    building = path.with_name(path.name + ".building")
    for leftover in path.parent.glob(building.name + "*"):
        leftover.unlink()
    migrate(sqlite_url(building))
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    log.info(
        "search data set: building %s tutors, %s rules, %s bookings (scale %s, seed %s)",
        f"{scale.tutors:,}",
        f"{scale.rules:,}",
        f"{scale.bookings:,}",
        scale.name,
        SEED,
    )
    generator = _Generator(scale, now)
    engine = _fast_engine(building)
    try:
        for table, batch in generator.tables():
            with engine.begin() as connection:
                bulk_insert(connection, rows.TABLES[table], batch)
            log.info("  %-17s %9s rows  (%.1f s)", table, f"{len(batch):,}", _since(started))
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    finally:
        engine.dispose()
    refresh_sqlite_stats(sqlite_url(building))  # as `tutorbot run` does at every start
    building.rename(path)
    seconds = round(_since(started), 1)
    log.info("search data set: built %s in %.1f s", path.name, seconds)
    return DatasetInfo(
        path=str(path),
        scale=scale.name,
        seed=SEED,
        head=head,
        generator=GENERATOR_VERSION,
        built_at=now.isoformat(),
        build_seconds=seconds,
        guild_id=rows.GUILD_ID,
        tutors=scale.tutors,
        rules=generator.rule_count,
        bookings=generator.booking_count,
        students=scale.students,
        student_ids=generator.student_ids[:200],
    )


def _sqlite_datetime(value: datetime | None) -> str | None:
    """What SQLAlchemy stores for an aware datetime on SQLite (checked in `bulk_insert`)."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


_PROBES = (
    datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
    datetime(2025, 12, 31, 23, 59, 59, 999, tzinfo=UTC),
)


def bulk_insert(connection: Connection, table: Table, batch: list[rows.Row]) -> None:
    """`insert(table)` with a list of dicts, through the DB-API's executemany.

    Each column's value goes through SQLAlchemy's own bind processor for this dialect,
    except aware datetimes, which are formatted directly once a probe has shown that the
    result is identical to SQLAlchemy's (else its processor is used for them too): the
    processor chain is most of the cost of a million-row insert.
    """
    if not batch:
        return
    dialect = connection.dialect
    keys = list(batch[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    order = compiled.positiontup or []
    missing = [key for key in order if key not in batch[0]]
    if missing:  # a column default SQLAlchemy would fill in: let it
        for start in range(0, len(batch), BATCH):
            connection.execute(insert(table), batch[start : start + BATCH])
        return
    converters: list[Callable[[Any], Any] | None] = []
    for key in order:
        column_type = table.c[key].type
        processor = column_type.dialect_impl(dialect).bind_processor(dialect)
        if isinstance(column_type, UTCDateTime) and processor is not None:
            same = all(processor(p) == _sqlite_datetime(p) for p in _PROBES)
            converters.append(_sqlite_datetime if same else processor)
        else:
            converters.append(processor)
    pairs = list(zip(order, converters, strict=True))
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, len(batch), BATCH):
            params = [
                tuple(row[k] if f is None else f(row[k]) for k, f in pairs)
                for row in batch[start : start + BATCH]
            ]
            cursor.executemany(compiled.string, params)
    finally:
        cursor.close()


def _since(started: float) -> float:
    return time.perf_counter() - started


class _Generator:
    """Deterministic rows for one scale and seed, table by table in foreign-key order."""

    def __init__(self, scale: Scale, now: datetime) -> None:
        self.scale = scale
        self.now = now
        self.rng = random.Random(f"{SEED}:{scale.name}")
        zones, weights = zip(*ZONES, strict=True)
        self.tutor_ids = [rows.FIRST_USER_ID + n for n in range(scale.tutors)]
        self.student_ids = [rows.FIRST_USER_ID + scale.tutors + n for n in range(scale.students)]
        everyone = self.tutor_ids + self.student_ids
        self.zone_of = dict(
            zip(everyone, self.rng.choices(zones, weights, k=len(everyone)), strict=True)
        )
        self.rule_count = 0
        self.booking_count = 0
        self.review_drafts: list[tuple[rows.Row, int, int, int, str]] = []
        # Monday 00:00 UTC of the current week: bookings are placed on weekly offsets.
        week_zero = (now - timedelta(days=now.weekday())).replace(hour=0)
        self.week_starts = [week_zero + timedelta(weeks=week) for week in range(-53, 10)]
        self.bounds = (
            now - timedelta(days=365),
            now - timedelta(hours=3),
            now + timedelta(hours=3),
            now + timedelta(days=59),
        )
        # The first free slot at least the 2 h notice after the moment the set is used
        # (`now` is the start of the hour it was built in).
        self.two_hours = now + timedelta(hours=3)

    def tables(self) -> Any:
        g, now, rng = rows.GUILD_ID, self.now, self.rng
        yield "guild", [rows.guild(now - timedelta(days=400))]
        yield "subject", rows.subjects(g)
        joined = now - timedelta(days=380)
        yield "app_user", [rows.user(u, self.zone_of[u], joined) for u in self.zone_of]
        tutor_subjects = {t: self._pick_subjects() for t in self.tutor_ids}
        student_subjects = {s: self._pick_subjects() for s in self.student_ids}
        members = [
            rows.member(
                t, "both" if rng.random() < 0.1 else "tutor", [k for k, _ in subs],
                level=subs[0][1], now=joined, guild_id=g,
            )
            for t, subs in tutor_subjects.items()
        ]  # fmt: skip
        members += [
            rows.member(
                s, "student", [k for k, _ in subs], level=subs[0][1], now=joined, guild_id=g
            )
            for s, subs in student_subjects.items()
        ]
        yield "member", members
        yield "student_profile", [rows.student_profile(s, joined, g) for s in self.student_ids]
        yield (
            "student_subject",
            [
                rows.student_subject(s, key, level, g)
                for s, subs in student_subjects.items()
                for key, level in subs
            ],
        )
        rules_by_tutor = {t: self._rules(t) for t in self.tutor_ids}
        bookings: list[rows.Row] = []
        profiles: list[rows.Row] = []
        for tutor in self.tutor_ids:
            profile, tutor_bookings = self._tutor(tutor, rules_by_tutor[tutor], tutor_subjects)
            profiles.append(profile)
            bookings.extend(tutor_bookings)
        yield "tutor_profile", profiles
        notice = timedelta(hours=2)
        yield (
            "scheduled_action",
            [
                rows.refresh_action(p["user_id"], p["next_slot_at"], notice, g)
                for p in profiles
                if p["next_slot_at"] is not None
            ],
        )
        yield (
            "tutor_subject",
            [
                rows.tutor_subject(t, key, level, g)
                for t, subs in tutor_subjects.items()
                for key, level in subs
            ],
        )
        all_rules = [r for rs in rules_by_tutor.values() for r in rs]
        self.rule_count = len(all_rules)
        yield "availability_rule", all_rules
        rng.shuffle(bookings)  # ids in no particular per-tutor order, as in real life
        for booking_id, booking in enumerate(bookings, 1):
            booking["id"] = booking_id  # for the reviews to point at
        self.booking_count = len(bookings)
        yield "booking", bookings
        yield "review", self._review_rows()
        yield "user_block", self._blocks()
        yield "restriction", self._restrictions()

    def _pick_subjects(self) -> list[tuple[str, str]]:
        keys = self.rng.sample(rows.SUBJECT_KEYS, self.rng.choice((1, 1, 2, 2, 2, 3)))
        return [(key, self.rng.choice(LEVELS)) for key in keys]

    def _rules(self, tutor: int) -> list[rows.Row]:
        count = min(self.scale.rules_per_tutor, 7 * len(BLOCK_STARTS))
        picks = self.rng.sample(range(7 * len(BLOCK_STARTS)), count)
        result = []
        for pick in sorted(picks):
            weekday, block = divmod(pick, len(BLOCK_STARTS))
            start = BLOCK_STARTS[block] + self.rng.choice((0, 30))
            end = start + self.rng.choice((120, 150, 180))
            zone = self.zone_of[tutor]
            result.append(
                rows.rule(
                    tutor, weekday, start, end, zone=zone, now=self.now, guild_id=rows.GUILD_ID
                )
            )
        return result

    def _tutor(
        self,
        tutor: int,
        rules: list[rows.Row],
        tutor_subjects: dict[int, list[tuple[str, str]]],
    ) -> tuple[rows.Row, list[rows.Row]]:
        rng, now = self.rng, self.now
        rate = rng.randrange(1000, 6001, 250)
        instant = rng.random() < 0.3
        # The rule's UTC start as minutes into the week (utc_week_range widened it by 1 h).
        offsets = [timedelta(minutes=(r["utc_week_start"] + 60) % MINUTES_PER_WEEK) for r in rules]
        past_from, past_to, soon, last = self.bounds
        past, future = [], []
        for offset in offsets:
            for week_start in self.week_starts:
                start = week_start + offset
                if past_from <= start < past_to:
                    past.append(start)
                elif soon <= start <= last:
                    future.append(start)
        share = self.scale.bookings // self.scale.tutors
        future_count = min(len(future), round(share * (1 - PAST_SHARE)))
        taken = sorted(rng.sample(future, future_count))
        chosen = [
            (start, False) for start in rng.sample(past, min(len(past), share - future_count))
        ]
        chosen += [(start, True) for start in taken]
        subjects = [key for key, _ in tutor_subjects[tutor]]
        bookings = [
            self._booking(
                tutor, start, upcoming, rate, instant, subjects[int(rng.random() * len(subjects))]
            )
            for start, upcoming in chosen
        ]
        busy = {b["start_at"] for b in bookings if b["live"]}
        free = [s for s in sorted(future) if s not in busy and s >= self.two_hours]
        next_slot = free[0] if free and rng.random() > 0.03 else None
        status = "paused" if rng.random() < 0.03 else "active"
        penalty = now + timedelta(days=rng.randint(1, 20)) if rng.random() < 0.02 else None
        verification = rng.choices(("none", "campus-email", "moderator-verified"), (6, 3, 1))[0]
        # The completion and rating counts the product keeps (every tutor cancel taken as
        # confirmed; visible reviews of the tutor only).
        held = sum(b["state"] == "completed" for b in bookings)
        dropped = sum(b["cancelled_by"] == "tutor" for b in bookings)
        drafts = self._reviews_of(tutor, bookings)
        counted = [stars for _b, _r, e, stars, st in drafts if e == tutor and st == "visible"]
        profile = rows.tutor_profile(
            tutor, now - timedelta(days=rng.randint(30, 380)), rows.GUILD_ID,
            rate_minor=rate, instant=instant, verification=verification, status=status,
            next_slot_at=next_slot, penalty_until=penalty,
            sessions_held=held, sessions_dropped=dropped,
            review_count=len(counted), review_star_sum=sum(counted),
        )  # fmt: skip
        return profile, bookings

    def _reviews_of(
        self, tutor: int, bookings: list[rows.Row]
    ) -> list[tuple[rows.Row, int, int, int, str]]:
        """Reviews of the tutor's completed sessions, both sides, kept for `_review_rows`.

        Each tutor has a typical grade, so ratings spread out as they would in real life.
        """
        rng = self.rng
        typical = 2.5 + 2.5 * rng.random()
        drafts = []
        for booking in bookings:
            if booking["state"] != "completed":
                continue
            student = booking["student_id"]
            if rng.random() < STUDENT_REVIEWS:
                stars = min(5, max(1, round(typical + rng.random() * 2 - 1)))
                status = "held" if rng.random() < HELD_REVIEWS else "visible"
                drafts.append((booking, student, tutor, stars, status))
            if rng.random() < TUTOR_REVIEWS:
                drafts.append((booking, tutor, student, rng.choice((3, 4, 4, 5, 5)), "visible"))
        self.review_drafts.extend(drafts)
        return drafts

    def _review_rows(self) -> list[rows.Row]:
        """The drafted reviews, once their bookings have ids, a day after each session."""
        return [
            rows.review(booking, reviewer, reviewee, stars, status, booking["end_at"] + DAY)
            for booking, reviewer, reviewee, stars, status in self.review_drafts
        ]

    def _booking(  # noqa: PLR0917 - one call site, all positional for speed
        self, tutor: int, start: datetime, upcoming: bool, rate: int, instant: bool, subject: str
    ) -> rows.Row:
        rng = self.rng
        state = _weighted(FUTURE_STATES if upcoming else PAST_STATES, rng.random())
        if upcoming:
            hours = 1 + int(rng.random() * (20 if state == "requested" else 300))
            created = self.now - timedelta(hours=hours)
        else:
            created = start - timedelta(hours=4 + int(rng.random() * 332))
        cancelled_by = cancelled_at = None
        if state == "cancelled":
            cancelled_by = "tutor" if rng.random() < 1 / 3 else "student"
            latest = min(start, self.now) - created
            cancelled_at = created + latest * rng.random()
        students = self.student_ids
        return rows.booking(
            guild_id=rows.GUILD_ID, student_id=students[int(rng.random() * len(students))],
            tutor_id=tutor, subject=subject, start=start,
            minutes=DURATIONS[int(rng.random() * len(DURATIONS))], state=state,
            created_at=created, rate_minor=rate, instant=instant,
            cancelled_by=cancelled_by, cancelled_at=cancelled_at,
        )  # fmt: skip

    def _blocks(self) -> list[rows.Row]:
        result, seen = [], set()
        for student in self.student_ids[: max(10, len(self.student_ids) // 20)]:
            for tutor in self.rng.sample(self.tutor_ids, 2):
                if (student, tutor) not in seen:
                    seen.add((student, tutor))
                    result.append(
                        {
                            "guild_id": rows.GUILD_ID,
                            "blocker_id": student,
                            "blocked_id": tutor,
                            "created_at": self.now,
                        }
                    )
        return result

    def _restrictions(self) -> list[rows.Row]:
        picked = self.rng.sample(self.tutor_ids, max(1, len(self.tutor_ids) // 200))
        return [
            {
                "guild_id": rows.GUILD_ID,
                "user_id": tutor,
                "until": self.now + timedelta(days=14),
                "reason": "bench",
                "created_by": rows.FIRST_USER_ID,
                "created_at": self.now,
            }
            for tutor in picked
        ]
