"""TutorBot processes started as an operator starts them: `tutorbot ...` with an environment."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from discord_emulator import Emulator
from tests.data_keys import TEST_DATA_KEYS_TEXT

ROOT = Path(__file__).resolve().parents[2]
BOT_TOKEN = "sharded-bot-token"


def process_env(emu: Emulator, database_url: str, **extra: str) -> dict[str, str]:
    """What the guide's systemd units set: token, endpoints, database, keys, a fast tick."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": BOT_TOKEN,
        "DISCORD_API_BASE": emu.api_base,
        "DISCORD_GATEWAY_URL": emu.gateway_url,
        "DATABASE_URL": database_url,
        "TUTORBOT_DATA_KEYS": TEST_DATA_KEYS_TEXT,
        "SWEEP_INTERVAL_SECONDS": "0.5",
        "LOG_LEVEL": "INFO",
    }
    env.update(extra)
    return env


@dataclass
class TutorbotProcess:
    """One `tutorbot` process, its output in a log file for the failure message."""

    args: tuple[str, ...]
    process: asyncio.subprocess.Process
    log: Path
    killed: bool = field(default=False)

    def output(self) -> str:
        """What the process printed so far (for assertion messages)."""
        return self.log.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as when a machine dies."""
        self.killed = True
        self.process.send_signal(signal.SIGKILL)

    async def stop(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - like TimeoutStopSec
        """SIGTERM, then SIGKILL if it does not stop within `timeout` seconds."""
        if self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), timeout=timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


async def start_tutorbot(env: Mapping[str, str], log: Path, *args: str) -> TutorbotProcess:
    """Start `python -m tutorbot.cli ARGS` with `env`, output to `log`."""
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tutorbot.cli",
            *args,
            env=dict(env),
            cwd=log.parent,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
    return TutorbotProcess(args, process, log)


@contextlib.asynccontextmanager
async def tutorbot_processes() -> AsyncIterator[list[TutorbotProcess]]:
    """A list to start processes into; every one still running is stopped on exit."""
    started: list[TutorbotProcess] = []
    try:
        yield started
    finally:
        await asyncio.gather(*(p.stop() for p in started), return_exceptions=True)


def describe(processes: list[TutorbotProcess]) -> str:
    """Every process's arguments, exit code and last output, for a failure message."""
    return "\n\n".join(
        f"$ tutorbot {' '.join(p.args)} (exit {p.process.returncode})\n{p.output()}"
        for p in processes
    )
