"""`interaction_ack_ms`: INTERACTION_CREATE sent by the emulator → first response received.

The real TutorBot runs as a process of its own, started through the CLI exactly as it is
deployed (`python -m tutorbot.cli bot`, see `bench/bot_process.py`), on a copy of the
search data set, pointed by DISCORD_API_BASE / DISCORD_GATEWAY_URL at the local Discord
emulator. The emulator (its HTTP and WebSocket server on a real TCP port) and the load
generator (the emulator's harness acting as 50 users) run in this, the bench's, process;
so the bot's figures are the bot's own cost, and `bot_cpu_ms_per_interaction` says how
much of one core the bot itself spent per interaction (from /proc/<pid>/stat), next to
`bench_cpu_ms_per_interaction` for the emulator and the load generator (and
`bot_capacity_per_second`, 1000 / the bot's CPU ms: what one bot process would sustain
with a core of its own, a projection for a machine shared with other work).

The world is built with the emulator API: the data set's guild and 50 of its students
get their data-set ids (the emulator's id factory is wrapped so the next ids it hands out
are those), so the bot finds their profiles.

All 50 users act at once, each running `rounds` × (`/help`, `/profile view`,
`/find subject:<random> level:<random>`) in a shuffled order, one after another:
`pattern: closed-loop` with no pause between commands (each user sends the next command
as soon as the answer of the last one is in: saturation; `per_second` is acknowledged
and answered interactions per second), then `pattern: paced` with a random pause (mean
`PACED_THINK_S`) before each command. Before both, one user alone runs each command
`ALONE_ROUNDS` times: `alone_p50`/`alone_p99` are the cost of a command by itself.

Timing comes from the emulator's own bookkeeping: `PendingInteraction.created` is stamped
when the emulator queues INTERACTION_CREATE to the gateway, and the registry's
`for_callback` receives the moment the bot's callback request arrived (wrapped on this
emulator instance to keep that moment; no emulator code changes). The harness round trip
(around `emu.slash`: until the answer, the follow-up after a deferral, is in) is
`harness_p50`/`harness_p99`. The bot's own share of the acknowledgement, from discord.py
parsing INTERACTION_CREATE to the bot starting its callback request, is
`in_bot_p50`/`in_bot_p99` (reported by the probe in the bot's process, see
`bench/bot_process.py`). It is a lower bound of the bot's share: a frame that waits in
the socket while the bot's loop is busy with other interactions is not in it. The rest is
that wait, the emulator, the load generator and the sockets.

Other lines: `start_to_ready_s` (spawn → the bot's on_ready with its commands synced;
also the moments of the command sync, of the gateway READY + GUILD_CREATE as the
emulator sent them, and of the first answered interaction), `bot_rss_mb` (VmRSS/VmHWM of
the bot's process after the run). Each line with a target carries `target_met`.

`BENCH_PROFILE=<file>` runs the bot under cProfile and writes its stats there (the
figures of such a run are not comparable); the 25 costliest functions go to stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import pstats
import random
import shutil
import tempfile
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import rows
from bench.bot_process import BotProcess
from bench.common import SEED, Emit, Scale, log, ms, percentile, sqlite_url
from bench.dataset import DatasetInfo, ensure_search_db
from discord_emulator import Emulator, Guild, User, contract_requests, sampling
from discord_emulator import actions as emulator_actions
from discord_emulator import harness as emulator_harness
from discord_emulator import interactions as emulator_interactions
from discord_emulator.interactions import PendingInteraction
from marketplace.domain.profiles import Level

BOT_TOKEN = "bench-bot-token"  # noqa: S105 - the emulator accepts any token
TARGET_P99_MS = 100.0
TARGET_PER_SECOND = 300.0  # acknowledgements per second at saturation, one bot process
TARGET_RSS_MB = 200.0
TARGET_READY_S = 3.0
READY_TIMEOUT_S = 60.0
MEASURED = "emulator: INTERACTION_CREATE queued to the gateway -> callback request received"
IN_BOT_MEASURED = "bot: INTERACTION_CREATE parsed by discord.py -> callback request started"
COMMANDS = ("help", "profile view", "find")
ALONE_ROUNDS = 20
PACED_THINK_S = 1.0  # mean pause before each command in the paced pattern
PROCESSES = "bot: its own process (tutorbot.cli bot); emulator + load generator: the bench's"


class PinnedIds:
    """The emulator's id factory, except that queued ids are handed out first."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.queue: deque[int] = deque()

    def next(self) -> int:
        return self.queue.popleft() if self.queue else int(self.inner.next())


@dataclass
class Pattern:
    """How the 50 users act: back to back (closed loop) or with pauses (paced)."""

    name: str
    think: float
    per_command: bool
    samples: list[Sample] = field(default_factory=list)
    span: float = 0.0
    bot_cpu: float = 0.0
    bench_cpu: float = 0.0


@dataclass
class Sample:
    command: str
    interaction_id: int
    ack: float | None
    round_trip: float
    kind: str
    errors: list[int] = field(default_factory=list)


class AckClock:
    """Keeps the moment each interaction's first callback reached the emulator."""

    def __init__(self, emu: Emulator) -> None:
        self.acked: dict[int, float] = {}
        registry = emu.interactions
        original = registry.for_callback

        def for_callback(interaction_id: str, token: str, now: float) -> PendingInteraction:
            pending = original(interaction_id, token, now)
            self.acked.setdefault(pending.id, now)
            return pending

        registry.for_callback = for_callback  # type: ignore[method-assign]
        self.registry = registry

    def ack_seconds(self, interaction_id: int) -> float | None:
        pending = self.registry.by_id.get(interaction_id)
        acked = self.acked.get(interaction_id)
        if pending is None or acked is None:
            return None
        return acked - pending.created


@contextlib.contextmanager
def lighter_emulator(emu: Emulator) -> Iterator[None]:
    """The emulator without the work that only serves an in-process bot or every request.

    Profiled at saturation, the emulator's process spent some 60% of its CPU validating
    each request body against Discord's OpenAPI description (jsonschema) and 25% listing
    every asyncio task at each dispatch and callback, looking for discord.py handler tasks
    of an in-process bot. Here the bot is another process, so there are none; and the
    first `sampling.PER_KIND` requests of each operation are still validated (the emulator
    samples its own answers the same way), so a malformed request still fails the run.
    `BENCH_CHECK_EVERY_REQUEST=1` validates them all.
    """
    every = bool(os.environ.get("BENCH_CHECK_EVERY_REQUEST"))
    original_check = contract_requests.check

    async def check(b: Any, method: str, template: str, request: Any) -> None:
        kind = f"bench request {method} {template}"
        if sampling.wants_check(kind, check_every_payload=every or emu.check_every_payload):
            await original_check(b, method, template, request)

    def no_tasks() -> set[asyncio.Task[Any]]:
        return set()

    patched = [
        (contract_requests, "check", check),
        (emulator_actions, "handler_tasks", no_tasks),
        (emulator_harness, "handler_tasks", no_tasks),
        (emulator_interactions, "handler_tasks", no_tasks),
    ]
    saved = [(module, name, getattr(module, name)) for module, name, _ in patched]
    for module, name, value in patched:
        setattr(module, name, value)
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def _request_checks() -> str:
    if os.environ.get("BENCH_CHECK_EVERY_REQUEST"):
        return "every request validated against openapi.json"
    return f"the first {sampling.PER_KIND} requests of each operation validated"


def build_world(emu: Emulator, info: DatasetInfo, users: int) -> tuple[Guild, list[User]]:
    pinned = PinnedIds(emu.world.ids)
    emu.world.ids = pinned  # type: ignore[assignment]
    emu.add_bot(token=BOT_TOKEN, name="TutorBot")
    owner = emu.add_user("Bench Admin")
    pinned.queue.append(info.guild_id)
    guild = emu.add_guild(rows.GUILD_NAME, owner=owner)
    students = []
    for n, student_id in enumerate(info.student_ids[:users]):
        pinned.queue.append(student_id)
        user = emu.add_user(f"student{n:02d}")
        emu.add_member(guild, user)
        students.append(user)
    if guild.id != info.guild_id or any(
        u.id != s for u, s in zip(students, info.student_ids, strict=False)
    ):
        msg = "the emulator did not hand out the pinned ids"
        raise RuntimeError(msg)
    return guild, students


async def _call(emu: Emulator, user: User, guild: Guild, command: str, rng: random.Random) -> Any:
    if command == "find":
        return await emu.slash(
            user, guild, "find", subject=rng.choice(rows.SUBJECT_KEYS),
            level=rng.choice(list(Level)).value,
        )  # fmt: skip
    return await emu.slash(user, guild, command)


async def _session(
    emu: Emulator,
    clock: AckClock,
    user: User,
    guild: Guild,
    *,
    plan: list[str],
    rng: random.Random,
    think: float = 0.0,
) -> list[Sample]:
    """Run `plan` one command after another; with `think`, pause uniform(0, 2·think) first."""
    samples = []
    for command in plan:
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))
        began = time.perf_counter()
        result = await _call(emu, user, guild, command, rng)
        round_trip = time.perf_counter() - began
        samples.append(
            Sample(
                command,
                result.interaction_id,
                clock.ack_seconds(result.interaction_id),
                round_trip,
                result.kind,
                list(result.errors),
            )
        )
    return samples


async def _everyone(
    emu: Emulator, clock: AckClock, guild: Guild, users: list[User], *, bot: BotProcess,
    pattern: Pattern, rounds: int,
) -> None:  # fmt: skip
    """Every user at once, each `rounds` × COMMANDS shuffled; fills the pattern's figures."""
    tasks = []
    for n, user in enumerate(users):
        rng = random.Random(f"{SEED}:{n}:{pattern.think}")
        plan = list(COMMANDS) * rounds
        rng.shuffle(plan)
        session = _session(emu, clock, user, guild, plan=plan, rng=rng, think=pattern.think)
        tasks.append(session)
    bot_cpu, bench_cpu = bot.cpu_seconds(), time.process_time()
    began = time.perf_counter()
    results = await asyncio.gather(*tasks)
    pattern.span = time.perf_counter() - began
    pattern.bot_cpu = bot.cpu_seconds() - bot_cpu
    pattern.bench_cpu = time.process_time() - bench_cpu
    pattern.samples = [sample for batch in results for sample in batch]


def _p(values: list[float], pct: int) -> float | None:
    return ms(percentile(values, pct)) if values else None


def _per_interaction_ms(cpu: float, count: int) -> float | None:
    return round(cpu * 1000 / count, 2) if count else None


def _line(
    scale: Scale,
    info: DatasetInfo,
    command: str,
    samples: list[Sample],
    *,
    alone: list[Sample],
    pattern: Pattern,
    in_bot: dict[int, float],
) -> dict[str, Any]:
    acks = [s.ack for s in samples if s.ack is not None]
    bot_acks = [in_bot[s.interaction_id] for s in samples if s.interaction_id in in_bot]
    trips = [s.round_trip for s in samples]
    single = [s.ack for s in alone if s.ack is not None]
    p99 = _p(acks, 99)
    line: dict[str, Any] = {
        "metric": "interaction_ack_ms",
        "backend": "sqlite",
        "scale": scale.name,
        "command": command,
        "pattern": pattern.name,
        "think_s": pattern.think,
        "p50": _p(acks, 50),
        "p95": _p(acks, 95),
        "p99": p99,
        "max": ms(max(acks)) if acks else None,
        "n": len(acks),
        "failed": sum(1 for s in samples if s.ack is None or s.errors),
        "concurrency": scale.ack_users,
        "kinds": dict(Counter(s.kind for s in samples)),
        "harness_p50": _p(trips, 50),
        "harness_p99": _p(trips, 99),
        "alone_p50": _p(single, 50),
        "alone_p99": _p(single, 99),
        "alone_n": len(single),
        "in_bot_p50": _p(bot_acks, 50),
        "in_bot_p99": _p(bot_acks, 99),
        "in_bot_n": len(bot_acks),
        "measured": MEASURED,
        "in_bot_measured": IN_BOT_MEASURED,
        "request_checks": _request_checks(),
        "processes": PROCESSES,
        "tutors": info.tutors,
        "bookings": info.bookings,
        "target_p99_ms": TARGET_P99_MS,
        "target_scale": "full",
        "target_met": p99 is not None and p99 <= TARGET_P99_MS,
    }
    if command == "all":
        per_second = round(len(samples) / pattern.span, 1) if pattern.span else None
        bot_cpu = _per_interaction_ms(pattern.bot_cpu, len(samples))
        line |= {
            "per_second": per_second,
            "bot_cpu_ms_per_interaction": bot_cpu,
            "bench_cpu_ms_per_interaction": _per_interaction_ms(pattern.bench_cpu, len(samples)),
            # A projection, not a measurement: what the bot would sustain on a core of its own.
            "bot_capacity_per_second": round(1000 / bot_cpu) if bot_cpu else None,
        }
        if pattern.think == 0:
            met = per_second is not None and per_second >= TARGET_PER_SECOND
            line |= {
                "acks_per_second": per_second,
                "target_per_second": TARGET_PER_SECOND,
                "target_per_second_met": met,
                "target_p99_met": line["target_met"],
                "target_met": line["target_met"] and met,
            }
    return line


@dataclass
class Startup:
    """Moments after the spawn (seconds) the bot reached each step of its start."""

    commands_synced: float
    gateway_ready: float
    on_ready: float
    first_ack: float


async def _start(bot: BotProcess, emu: Emulator, guild: Guild, user: User) -> Startup:
    loop = asyncio.get_running_loop()

    async def stamp(waiting: Any) -> float:
        await waiting
        return loop.time() - bot.spawned

    synced = asyncio.create_task(stamp(emu.commands_synced_event(guild.id).wait()))
    gateway = asyncio.create_task(stamp(emu.hub.ready.wait()))
    try:
        on_ready = await bot.until_ready(READY_TIMEOUT_S) - bot.spawned
        await asyncio.wait_for(asyncio.gather(synced, gateway), 5)
    except BaseException:
        synced.cancel()
        gateway.cancel()
        raise
    result = await emu.slash(user, guild, "help")
    first_ack = loop.time() - bot.spawned
    if result.kind == "none":
        raise bot.failure("the bot did not answer its first /help")
    return Startup(synced.result(), gateway.result(), on_ready, first_ack)


def _startup_line(scale: Scale, info: DatasetInfo, startup: Startup) -> dict[str, Any]:
    ready = max(startup.on_ready, startup.commands_synced)
    return {
        "metric": "start_to_ready_s",
        "backend": "sqlite",
        "scale": scale.name,
        "start_to_ready_s": round(ready, 3),
        "to_commands_synced_s": round(startup.commands_synced, 3),
        "to_gateway_ready_s": round(startup.gateway_ready, 3),
        "to_on_ready_s": round(startup.on_ready, 3),
        "to_first_ack_s": round(startup.first_ack, 3),
        "measured": "bot process spawned -> on_ready dispatched and commands synced",
        "tutors": info.tutors,
        "bookings": info.bookings,
        "target_s": TARGET_READY_S,
        "target_scale": "full",
        "target_met": ready <= TARGET_READY_S,
    }


def _rss_line(scale: Scale, info: DatasetInfo, memory: dict[str, float]) -> dict[str, Any]:
    rss = memory.get("VmRSS")
    return {
        "metric": "bot_rss_mb",
        "backend": "sqlite",
        "scale": scale.name,
        "bot_rss_mb": rss,
        "bot_peak_rss_mb": memory.get("VmHWM"),
        "tutors": info.tutors,
        "bookings": info.bookings,
        "process": "the bot's own process (/proc/<pid>/status VmRSS, VmHWM), after the run",
        "target_mb": TARGET_RSS_MB,
        "target_scale": "full",
        "target_met": rss is not None and rss <= TARGET_RSS_MB,
    }


async def run(scale: Scale, out: Emit) -> None:
    info = await asyncio.to_thread(ensure_search_db, scale)
    profile_path = _profile_path()
    with tempfile.TemporaryDirectory(prefix="tutorbot-bench-ack-") as folder:
        path = Path(folder) / "tutorbot.db"
        await asyncio.to_thread(shutil.copyfile, info.path, path)
        emu = Emulator(interaction_deadline=3.0)
        await emu.start()
        try:
            with lighter_emulator(emu):
                guild, users = build_world(emu, info, scale.ack_users)
                bot = await BotProcess.spawn(
                    token=BOT_TOKEN,
                    api_base=emu.api_base,
                    gateway_url=emu.gateway_url,
                    guild_id=guild.id,
                    database_url=sqlite_url(path),
                    workdir=Path(folder),
                    profile=profile_path,
                )
                try:
                    startup = await _start(bot, emu, guild, users[0])
                    alone, patterns = await _measure(emu, guild, users, bot, scale)
                    memory = bot.status()
                finally:
                    code = await bot.stop()
            if code not in (0, None):
                log.warning("the bot process exited with %s", code)
        finally:
            await emu.stop()
        emu.assert_no_violations()  # numbers from requests Discord would refuse mean nothing
    out(_startup_line(scale, info, startup) | {"load1": round(os.getloadavg()[0], 2)})
    for pattern in patterns:
        for command in ("all", *COMMANDS) if pattern.per_command else ("all",):
            chosen = [s for s in pattern.samples if command in ("all", s.command)]
            single = [s for s in alone if command in ("all", s.command)]
            line = _line(
                scale, info, command, chosen, alone=single, pattern=pattern, in_bot=bot.acks
            )
            out(line | {"load1": round(os.getloadavg()[0], 2)})
    out(_rss_line(scale, info, memory))
    if profile_path is not None:
        _print_profile(profile_path)


def _profile_path() -> Path | None:
    chosen = os.environ.get("BENCH_PROFILE")
    return Path(chosen).resolve() if chosen else None


def _print_profile(path: Path) -> None:
    if not path.exists():
        log.warning("no profile was written to %s", path)
        return
    shown = io.StringIO()
    stats = pstats.Stats(str(path), stream=shown)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(40)
    log.info("bot profile (%s):\n%s", path, shown.getvalue())


async def _measure(
    emu: Emulator, guild: Guild, users: list[User], bot: BotProcess, scale: Scale
) -> tuple[list[Sample], list[Pattern]]:
    clock = AckClock(emu)
    rng = random.Random(f"{SEED}:ack")
    for command in COMMANDS * 2:  # warm up every path once or twice
        await _call(emu, users[0], guild, command, rng)
    # One user alone: what each command costs without anyone else in the queue.
    alone = await _session(emu, clock, users[1], guild, plan=list(COMMANDS) * ALONE_ROUNDS, rng=rng)
    patterns = [
        Pattern("closed-loop", think=0.0, per_command=True),
        Pattern("paced", think=PACED_THINK_S, per_command=False),
    ]
    for pattern in patterns:
        log.info(
            "interaction_ack_ms: %s users x %s interactions, %s",
            len(users),
            len(COMMANDS) * scale.ack_rounds,
            pattern.name,
        )
        await _everyone(emu, clock, guild, users, bot=bot, pattern=pattern, rounds=scale.ack_rounds)
    return alone, patterns
