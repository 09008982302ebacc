"""Reusable helpers for running a real discord.py bot against the emulator in tests.

Example (pytest, asyncio auto mode)::

    @pytest.fixture
    async def emu():
        async with running_emulator() as emu:
            yield emu

    async def test_hello(emu):
        emu.add_bot(token="tkn")
        guild = emu.add_guild("Campus")
        async with running_bot(emu, MyBot()) as bot:
            result = await emu.slash(emu.add_user("alice"), guild, "hello")
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypeVar

import discord

from discord_emulator.harness import Emulator
from discord_emulator.pointing import point_discord_py_at
from discord_emulator.violations import describe_violations

log = logging.getLogger(__name__)
ClientT = TypeVar("ClientT", bound=discord.Client)


@asynccontextmanager
async def running_emulator(
    *, interaction_deadline: float = 3.0, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[Emulator]:
    """Start an emulator (on a free loopback port by default) and stop it afterwards.

    It listens on a real TCP port, so bot processes can connect to ``emu.api_base`` and
    ``emu.gateway_url`` too (several, with the same token: one per shard set).

    Fails (`ContractViolationError`) if the bot sent any request Discord would refuse as
    malformed and the test did not expect it (``emu.expect_violations()``); when the test
    already failed, the violations are added to its error as a note.
    """
    emu = Emulator(interaction_deadline=interaction_deadline, host=host, port=port)
    await emu.start()
    async with failing_on_violations(emu):
        yield emu


@asynccontextmanager
async def failing_on_violations(emu: Emulator) -> AsyncIterator[Emulator]:
    """Stop `emu` on exit, then fail on any contract violation it recorded."""
    try:
        yield emu
    except Exception as exc:
        if emu.contract_violations:
            exc.add_note(describe_violations(emu.contract_violations))
        raise
    finally:
        await emu.stop()
    emu.assert_no_violations()


@asynccontextmanager
async def running_bot(
    emu: Emulator,
    bot: ClientT,
    token: str | None = None,
    *,
    timeout: float = 15.0,  # noqa: ASYNC109 - public harness API
    wait_for_on_ready: bool = True,
    fast_ready: bool = True,
) -> AsyncIterator[ClientT]:
    """Point discord.py at `emu`, start `bot` as a task, wait until ready, close on exit.

    `fast_ready` shortens discord.py's ``guild_ready_timeout`` (2 s by default, the wait
    after the last GUILD_CREATE before ``on_ready``) to 0.05 s so tests start quickly.
    If the bot task dies during start-up (bad token, crash in ``setup_hook``) its
    exception is raised here.
    """
    identity = emu.world.bot
    if identity is None:
        emu.add_bot(token=token or "tkn")
        identity = emu.world.bot
        assert identity is not None  # noqa: S101 - add_bot sets it
    bot_token = token or identity.token
    point_discord_py_at(emu.api_base, emu.gateway_url)
    if fast_ready:
        bot._connection.guild_ready_timeout = min(bot._connection.guild_ready_timeout, 0.05)
    task = asyncio.create_task(bot.start(bot_token), name="discord-emulator-bot")
    try:
        await _wait_started(emu, bot, task, timeout, wait_for_on_ready)
        yield bot
    finally:
        await bot.close()
        await _finish(task)


async def _finish(task: asyncio.Task[None]) -> None:
    if task.done():
        if not task.cancelled():
            task.exception()  # already reported by _wait_started; mark it retrieved
        return
    try:
        await asyncio.wait_for(task, timeout=10)
    except (asyncio.CancelledError, TimeoutError):
        task.cancel()
    except Exception:
        log.exception("the bot task ended with an error")


async def _wait_started(
    emu: Emulator,
    bot: discord.Client,
    task: asyncio.Task[None],
    limit: float,
    wait_for_on_ready: bool,
) -> None:
    async def ready() -> None:
        await emu.wait_until_ready(limit)
        if wait_for_on_ready:
            await bot.wait_until_ready()

    waiter = asyncio.create_task(ready())
    done, _ = await asyncio.wait({waiter, task}, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
    if waiter not in done:
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter
        if task in done:
            task.result()  # raises the bot's start-up error
            raise RuntimeError("the bot stopped before becoming ready")
        raise TimeoutError(f"the bot did not become ready within {limit}s")
    waiter.result()
