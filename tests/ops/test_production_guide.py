"""docs/production.md, followed: the processes start exactly as the unit files in deploy/ say.

The test reads `deploy/systemd/*.service` (ExecStart, EnvironmentFile) and the example
environment files, runs `tutorbot migrate` as the oneshot unit does, then the web app and
two bot processes (`tutorbot-bot@0-1`, `tutorbot-bot@2-3`) on PostgreSQL, against the
Discord emulator instead of Discord. Only what must differ on a test machine is
overridden: the token, the endpoints, the database, the keys and free ports. Then the
operator's checks answer, a command is served, and `systemctl stop` (SIGTERM) stops every
process cleanly.
"""

from __future__ import annotations

import asyncio
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from demo.mailbox import free_port
from discord_emulator import Emulator
from tests.scale.processes import (
    BOT_TOKEN,
    ROOT,
    TutorbotProcess,
    describe,
    process_env,
    start_tutorbot,
    tutorbot_processes,
)

pytestmark = pytest.mark.postgres

DEPLOY = ROOT / "deploy"
INSTALLED_TUTORBOT = "/opt/tutorbot/.venv/bin/tutorbot"
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Unit:
    """What a systemd unit file says to run, with which environment files."""

    exec_start: str
    environment_files: tuple[str, ...]
    stop_timeout: float

    def command(self, instance: str, env: dict[str, str]) -> list[str]:
        """ExecStart with %i and ${VAR} expanded, `tutorbot` as installed by the guide."""
        line = self.exec_start.replace("%i", instance)
        line = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], line)
        argv = shlex.split(line)
        assert argv[0] == INSTALLED_TUTORBOT, argv
        return argv[1:]

    def environment(self, instance: str) -> dict[str, str]:
        """The example files the guide installs as these EnvironmentFile= paths."""
        env: dict[str, str] = {}
        for path in self.environment_files:
            name = Path(path.replace("%i", instance)).name
            example = DEPLOY / f"{Path(name).stem}.env.example"
            assert example.is_file(), f"the guide installs {example} as {path}"
            env.update(_read_env(example))
        return env


def _read_env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs if not k.lstrip().startswith("#")}


def _unit(name: str) -> Unit:
    lines = (DEPLOY / "systemd" / name).read_text().splitlines()
    values: dict[str, list[str]] = {}
    for line in lines:
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    [exec_start] = values["ExecStart"]
    stop = float(values.get("TimeoutStopSec", ["90"])[0])
    return Unit(exec_start, tuple(values.get("EnvironmentFile", [])), stop)


async def _start_unit(
    unit: Unit, instance: str, test_machine: dict[str, str], tmp: Path
) -> TutorbotProcess:
    """Start what the unit runs, its environment files first, the test machine's on top."""
    env = {**unit.environment(instance), **test_machine}
    argv = unit.command(instance, env)
    return await start_tutorbot(env, tmp / f"{argv[0]}-{instance or 'main'}.log", *argv)


async def _get(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url) as response:
        return response.status, await response.text()


async def _until_ready(session: aiohttp.ClientSession, url: str) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + START_TIMEOUT
    status, body = 0, ""
    while loop.time() < end:
        try:
            status, body = await _get(session, url)
        except aiohttp.ClientError:
            status = 0
        if status == 200:
            return
        await asyncio.sleep(0.3)
    raise AssertionError(f"{url} never became ready: {status} {body}")


async def test_the_guides_units_start_serve_and_stop_cleanly(postgres_url, tmp_path) -> None:
    emu = Emulator(interaction_deadline=10.0)
    # A select the bot only acknowledges (the menu keeps the choice) has no edit to wait
    # for, and the emulator can't see another process's handlers finish: don't wait long.
    emu.deferred_wait = 1.0
    await emu.start()
    emu.add_bot(token=BOT_TOKEN, name="TutorBot")
    admin = emu.add_user("Ines")
    guild = emu.add_guild("Campus on shard 2", owner=admin, shard=(2, 4))
    student = emu.add_user("Maya")
    emu.add_member(guild, student)
    web_port = free_port()
    health = {"0-1": free_port(), "2-3": free_port()}
    test_machine = {  # what differs from the example files on a test machine
        **process_env(emu, postgres_url),
        "STRIPE_SECRET_KEY": "",
        "STRIPE_WEBHOOK_SECRET": "",
        "WEB_PORT": str(web_port),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
    }
    migrate, bot, web = (_unit(f"tutorbot-{n}.service") for n in ("migrate", "bot@", "web"))
    try:
        async with tutorbot_processes() as running, aiohttp.ClientSession() as http:
            try:
                done = await _start_unit(migrate, "", test_machine, tmp_path)
                assert await done.process.wait() == 0, done.output()
                running.append(await _start_unit(web, "", test_machine, tmp_path))
                for group, port in health.items():
                    extra = {**test_machine, "HEALTH_PORT": str(port)}
                    running.append(await _start_unit(bot, group, extra, tmp_path))
                assert running[1].args[:2] == ("bot", "--shard-ids")

                await emu.wait_for_shards([(i, 4) for i in range(4)], timeout=START_TIMEOUT)
                web_base = f"http://127.0.0.1:{web_port}"
                await _until_ready(http, f"{web_base}/readyz")
                assert (await _get(http, f"{web_base}/healthz"))[0] == 200
                assert (await _get(http, f"{web_base}/metrics"))[0] == 404  # not public
                for port in health.values():
                    await _until_ready(http, f"http://127.0.0.1:{port}/readyz")

                await emu.wait_for_commands_synced(timeout=START_TIMEOUT)
                answer = await emu.slash(student, guild, "help")
                assert "/start" in answer.text

                status, metrics = await _get(http, f"http://127.0.0.1:{health['2-3']}/metrics")
                assert status == 200
                assert 'tutorbot_interactions_total{kind="command",name="help"} 1.0' in metrics
                assert "tutorbot_gateway_latency_seconds" in metrics
                assert "tutorbot_jobs_due" in metrics

                for process in running:  # systemctl stop: SIGTERM, TimeoutStopSec to finish
                    await process.stop(timeout=bot.stop_timeout)
                    assert process.process.returncode == 0, describe([process])
            except BaseException as error:
                error.add_note(describe(running))
                raise
    finally:
        await emu.stop()


def test_every_unit_runs_the_installed_tutorbot() -> None:
    for path in sorted((DEPLOY / "systemd").glob("*.service")):
        unit = _unit(path.name)
        assert unit.exec_start.startswith(INSTALLED_TUTORBOT), path
        assert unit.environment_files[0] == "/etc/tutorbot/tutorbot.env", path
