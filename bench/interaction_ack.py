"""`interaction_ack_ms`: INTERACTION_CREATE sent by the emulator → first response received.

The real TutorBot (composition root: `build_runtime` + `build_bot`, job runner included)
runs against the local Discord emulator on a copy of the search data set. The world is
built with the emulator API: the data set's guild and 50 of its students get their
data-set ids (the emulator's id factory is wrapped so the next ids it hands out are
those; everything else keeps the emulator's own ids), so the bot finds their profiles.

All 50 users act at once, each running `rounds` × (`/help`, `/profile view`,
`/find subject:<random> level:<random>`) in a shuffled order, one after another:
`pattern: closed-loop` with no pause between commands (50 interactions always in
flight: latency there is mostly waiting for the others, since one event loop serves
everyone), then `pattern: paced` with a random pause (mean `PACED_THINK_S`) before each
command. Before both, one user alone runs each command `ALONE_ROUNDS` times:
`alone_p50`/`alone_p99` are the cost of a command by itself.
`to_bot_*` is INTERACTION_CREATE → discord.py's `on_interaction` in the bot: the
earliest moment a handler could defer.

Timing comes from the emulator's own bookkeeping, read after each call, not from
timing around the harness: `PendingInteraction.created` is stamped when the emulator
queues INTERACTION_CREATE to the gateway, and the registry's `for_callback` receives the
moment the bot's callback request arrived (wrapped on this emulator instance to keep
that moment; no emulator code changes). The harness round trip (around `emu.slash`) is
reported too, as `harness_p50`/`harness_p99`.

The emulator and the bot share one process and one event loop here, so the emulator's
own work (JSON, websocket, HTTP) is inside the figures; a production bot has Discord's
side elsewhere. Also reports `rss_mb` for that process after the run.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import rows
from bench.common import SEED, Emit, Scale, log, ms, percentile, sqlite_url
from bench.dataset import DatasetInfo, ensure_search_db
from discord_emulator import Emulator, Guild, User
from discord_emulator.interactions import PendingInteraction
from discord_emulator.testing import running_bot
from marketplace.domain.profiles import Level
from marketplace.settings import load_settings
from tutorbot.bootstrap import build_bot, build_runtime

BOT_TOKEN = "bench-bot-token"  # noqa: S105 - the emulator accepts any token
TARGET_P99_MS = 100.0
MEASURED = "emulator: INTERACTION_CREATE queued to the gateway -> callback request received"
COMMANDS = ("help", "profile view", "find")
ALONE_ROUNDS = 20
PACED_THINK_S = 1.0  # mean pause before each command in the paced pattern


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


@dataclass
class Sample:
    command: str
    ack: float | None
    to_bot: float | None
    round_trip: float
    kind: str
    errors: list[int] = field(default_factory=list)


class AckClock:
    """Keeps the moment each interaction's first callback reached the emulator.

    Also the moment discord.py handed it to the bot (`on_interaction`, before the command
    runs): the earliest a handler could defer.
    """

    def __init__(self, emu: Emulator, bot: Any) -> None:
        self.acked: dict[int, float] = {}
        self.seen: dict[int, float] = {}
        loop = asyncio.get_running_loop()

        async def on_interaction(interaction: Any) -> None:
            self.seen.setdefault(int(interaction.id), loop.time())

        bot.add_listener(on_interaction, "on_interaction")
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

    def to_bot_seconds(self, interaction_id: int) -> float | None:
        pending = self.registry.by_id.get(interaction_id)
        seen = self.seen.get(interaction_id)
        if pending is None or seen is None:
            return None
        return seen - pending.created


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
                clock.ack_seconds(result.interaction_id),
                clock.to_bot_seconds(result.interaction_id),
                round_trip,
                result.kind,
                list(result.errors),
            )
        )
    return samples


async def _everyone(
    emu: Emulator,
    clock: AckClock,
    guild: Guild,
    users: list[User],
    *,
    rounds: int,
    think: float,
) -> tuple[list[Sample], float]:
    """Every user at once, each `rounds` × COMMANDS shuffled; the samples and the span."""
    tasks = []
    for n, user in enumerate(users):
        rng = random.Random(f"{SEED}:{n}:{think}")
        plan = list(COMMANDS) * rounds
        rng.shuffle(plan)
        session = _session(emu, clock, user, guild, plan=plan, rng=rng, think=think)
        tasks.append(session)
    began = time.perf_counter()
    results = await asyncio.gather(*tasks)
    span = time.perf_counter() - began
    await emu.settle()
    return [sample for batch in results for sample in batch], span


def _rss_mb() -> dict[str, float]:
    found = {}
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = round(int(value.split()[0]) / 1024, 1)
    return found


def _p(values: list[float], pct: int) -> float | None:
    return ms(percentile(values, pct)) if values else None


def _line(
    scale: Scale,
    info: DatasetInfo,
    command: str,
    samples: list[Sample],
    *,
    alone: list[Sample],
    pattern: Pattern,
) -> dict[str, Any]:
    acks = [s.ack for s in samples if s.ack is not None]
    to_bot = [s.to_bot for s in samples if s.to_bot is not None]
    trips = [s.round_trip for s in samples]
    single = [s.ack for s in alone if s.ack is not None]
    p99 = _p(acks, 99)
    return {
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
        "per_second": round(len(samples) / pattern.span, 1) if pattern.span else None,
        "kinds": dict(Counter(s.kind for s in samples)),
        "harness_p50": _p(trips, 50),
        "harness_p99": _p(trips, 99),
        "to_bot_p50": _p(to_bot, 50),
        "to_bot_p99": _p(to_bot, 99),
        "alone_p50": _p(single, 50),
        "alone_p99": _p(single, 99),
        "alone_n": len(single),
        "measured": MEASURED,
        "tutors": info.tutors,
        "bookings": info.bookings,
        "target_p99_ms": TARGET_P99_MS,
        "target_scale": "full",
        "target_met": p99 is not None and p99 <= TARGET_P99_MS,
    }


async def run(scale: Scale, out: Emit) -> None:
    info = await asyncio.to_thread(ensure_search_db, scale)
    with tempfile.TemporaryDirectory(prefix="tutorbot-bench-ack-") as folder:
        path = Path(folder) / "tutorbot.db"
        await asyncio.to_thread(shutil.copyfile, info.path, path)
        emu = Emulator(interaction_deadline=3.0)
        await emu.start()
        try:
            alone, patterns = await _measure(emu, info, scale, sqlite_url(path))
            memory = _rss_mb()
        finally:
            await emu.stop()
        emu.assert_no_violations()  # numbers from requests Discord would refuse mean nothing
    for pattern in patterns:
        for command in ("all", *COMMANDS) if pattern.per_command else ("all",):
            chosen = [s for s in pattern.samples if command in ("all", s.command)]
            single = [s for s in alone if command in ("all", s.command)]
            line = _line(scale, info, command, chosen, alone=single, pattern=pattern)
            out(line | {"load1": round(os.getloadavg()[0], 2)})
    out(
        {
            "metric": "rss_mb",
            "backend": "sqlite",
            "scale": scale.name,
            "rss_mb": memory.get("VmRSS"),
            "peak_rss_mb": memory.get("VmHWM"),
            "tutors": info.tutors,
            "bookings": info.bookings,
            "process": "bot + emulator + bench harness in one process, after the run",
        }
    )


async def _measure(
    emu: Emulator, info: DatasetInfo, scale: Scale, url: str
) -> tuple[list[Sample], list[Pattern]]:
    guild, users = build_world(emu, info, scale.ack_users)
    settings = load_settings(
        discord_token=BOT_TOKEN,
        discord_api_base=emu.api_base,
        discord_gateway_url=emu.gateway_url,
        dev_guild_id=guild.id,
        database_url=url,
        log_level="WARNING",
    )
    runtime = await build_runtime(settings)
    patterns = [
        Pattern("closed-loop", think=0.0, per_command=True),
        Pattern("paced", think=PACED_THINK_S, per_command=False),
    ]
    try:
        bot = build_bot(runtime)
        async with running_bot(emu, bot, BOT_TOKEN):
            await emu.wait_for_commands_synced(guild, timeout=15)
            clock = AckClock(emu, bot)
            rng = random.Random(f"{SEED}:ack")
            for command in COMMANDS * 2:  # warm up every path once or twice
                await _call(emu, users[0], guild, command, rng)
            # One user alone: what each command costs without anyone else in the queue.
            alone = await _session(
                emu, clock, users[1], guild, plan=list(COMMANDS) * ALONE_ROUNDS, rng=rng
            )
            for pattern in patterns:
                log.info(
                    "interaction_ack_ms: %s users x %s interactions, %s",
                    len(users),
                    len(COMMANDS) * scale.ack_rounds,
                    pattern.name,
                )
                pattern.samples, pattern.span = await _everyone(
                    emu, clock, guild, users, rounds=scale.ack_rounds, think=pattern.think
                )
    finally:
        await runtime.database.dispose()
    return alone, patterns
