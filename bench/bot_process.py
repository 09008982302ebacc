"""The real bot as a process of its own: `python -m tutorbot.cli bot`, pointed at an emulator.

`BotProcess.spawn` starts it with the settings a deployment would set (DISCORD_TOKEN,
DISCORD_API_BASE, DISCORD_GATEWAY_URL, DEV_GUILD_ID, DATABASE_URL, TUTORBOT_DATA_KEYS,
LOG_LEVEL) in a scratch working directory (no `.env` is read), and keeps reading its
stderr (so it never blocks on a full pipe; the last lines are kept for error messages).
`bench/bot_probe/sitecustomize.py` rides along on PYTHONPATH: it reports the moment
discord.py dispatches `ready`, and profiles the process when `BENCH_PROFILE` is set.

Memory and CPU are read from `/proc/<pid>/status` and `/proc/<pid>/stat` of the bot's own
process; `stop()` sends SIGINT (the CLI shuts down cleanly and exits 0).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import log
from marketplace.settings import Settings
from tests.data_keys import TEST_DATA_KEYS

PROBE_DIR = Path(__file__).resolve().parent / "bot_probe"
REPO = Path(__file__).resolve().parent.parent
PROBE_PREFIX = "TUTORBOT_BENCH_PROBE "
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class BotProcess:
    """A running `tutorbot bot` process and what the bench learns about it."""

    process: asyncio.subprocess.Process
    spawned: float  # time.monotonic() just before the spawn
    ready_at: asyncio.Future[float]
    profile: Path | None = None
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=60))
    # interaction id → seconds from INTERACTION_CREATE parsed to the callback request, in the bot
    acks: dict[int, float] = field(default_factory=dict)
    reader: asyncio.Task[None] | None = None

    @classmethod
    async def spawn(
        cls,
        *,
        token: str,
        api_base: str,
        gateway_url: str,
        guild_id: int,
        database_url: str,
        workdir: Path,
        profile: Path | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> BotProcess:
        # None of this process's own settings leak into the bot's: it gets exactly these.
        # BENCH_BOT_PYTHONPATH goes first on the bot's path: to try a package (orjson, say)
        # in the bot without installing it, or a sitecustomize of one's own.
        extra_path = [p for p in os.environ.get("BENCH_BOT_PYTHONPATH", "").split(os.pathsep) if p]
        own = {name.upper() for name in Settings.model_fields}
        env = {key: value for key, value in os.environ.items() if key.upper() not in own}
        env.update(
            DISCORD_TOKEN=token,
            DISCORD_API_BASE=api_base,
            DISCORD_GATEWAY_URL=gateway_url,
            DEV_GUILD_ID=str(guild_id),
            DATABASE_URL=database_url,
            TUTORBOT_DATA_KEYS=b",".join(TEST_DATA_KEYS.keys).decode(),
            LOG_LEVEL="WARNING",
            PYTHONPATH=os.pathsep.join([*extra_path, str(PROBE_DIR), str(REPO)]),
            TUTORBOT_BENCH_PROBE="1",
        )
        if profile is not None:
            env["TUTORBOT_BENCH_PROFILE"] = str(profile)
        env.update(extra_env or {})
        loop = asyncio.get_running_loop()
        spawned = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tutorbot.cli",
            "bot",
            cwd=workdir,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        bot = cls(process, spawned, loop.create_future(), profile)
        bot.reader = asyncio.create_task(bot._read_stderr())
        return bot

    @property
    def pid(self) -> int:
        return self.process.pid

    async def _read_stderr(self) -> None:
        stream = self.process.stderr
        if stream is None:
            return
        async for raw in stream:
            line = raw.decode(errors="replace").rstrip("\n")
            if line.startswith(PROBE_PREFIX):
                _, event, *values = line.split()
                if event == "ready" and not self.ready_at.done():
                    self.ready_at.set_result(float(values[0]))
                elif event == "ack":
                    self.acks[int(values[0])] = float(values[1])
                continue
            self.tail.append(line)
        if not self.ready_at.done():
            self.ready_at.set_exception(RuntimeError("the bot exited before READY"))
            self.ready_at.exception()  # `until_ready` reports it, if anyone still waits

    def failure(self, what: str) -> RuntimeError:
        shown = "\n".join(self.tail) or "(nothing on stderr)"
        return RuntimeError(f"{what}; the bot's stderr ends with:\n{shown}")

    async def until_ready(self, timeout: float) -> float:  # noqa: ASYNC109 - a bench helper
        """The monotonic moment the bot dispatched `ready` (its on_ready)."""
        try:
            return await asyncio.wait_for(asyncio.shield(self.ready_at), timeout)
        except (TimeoutError, RuntimeError) as error:
            raise self.failure(f"no READY from the bot within {timeout} s ({error!r})") from error

    def status(self) -> dict[str, float]:
        """VmRSS and VmHWM (peak) of the bot's process, in MB."""
        found = {}
        with Path(f"/proc/{self.pid}/status").open(encoding="ascii") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = round(int(value.split()[0]) / 1024, 1)
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU time the bot's process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1]
        utime, stime = fields.split()[11:13]
        return (int(utime) + int(stime)) / CLOCK_TICKS

    async def stop(self, timeout: float = 15.0) -> int | None:  # noqa: ASYNC109 - a bench helper
        """SIGINT, then SIGKILL after `timeout`; the exit code."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                log.warning("bot process %s ignored SIGINT for %s s; killing it", self.pid, timeout)
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        if self.reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.reader, 5)
        return self.process.returncode
