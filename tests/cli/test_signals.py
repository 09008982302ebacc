"""`systemctl stop` sends SIGTERM: the process shuts down in order and exits 0."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from tutorbot.cli import until_stopped


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_signal_lets_the_work_clean_up_and_returns_normally(signum) -> None:
    steps: list[str] = []

    async def work() -> None:
        try:
            steps.append("started")
            await asyncio.Event().wait()
        finally:
            await asyncio.sleep(0.05)  # closing takes a moment (jobs, gateway, pool)
            steps.append("cleaned up")

    async def stop_soon() -> None:
        await asyncio.sleep(0.1)
        os.kill(os.getpid(), signum)

    stopper = asyncio.create_task(stop_soon())
    await asyncio.wait_for(until_stopped(work()), timeout=5)
    await stopper
    assert steps == ["started", "cleaned up"]
    # the handlers are gone again: the default ones are back for the rest of the process
    assert signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, signal.default_int_handler)


async def test_work_that_fails_still_raises() -> None:
    async def work() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await until_stopped(work())
