"""Run localstripe (PyPI, pinned) as a separate, loopback-only process for contract tests.

localstripe lives in its own virtualenv, ``.venv-localstripe/`` (``bash
scripts/localstripe.sh`` makes it), so its dependencies never touch the project's.
``LOCALSTRIPE_PYTHON`` overrides the interpreter. The process is started through
`stripe_fake/localstripe_launcher.py`, which binds 127.0.0.1 only (localstripe's own
command binds every interface) and keeps its state in memory.

Async tests::

    async with running_localstripe() as base_url:
        client = stripe.StripeClient("sk_test_x", base_addresses={"api": base_url}, ...)

A session-scoped (sync) fixture can use `localstripe_server()` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import IO

import aiohttp

LOCALSTRIPE_VERSION = "1.15.10"
REPO_ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = Path(__file__).resolve().parent / "localstripe_launcher.py"
PROBE_KEY = "sk_test_localstripe_probe"


class LocalStripeUnavailableError(RuntimeError):
    """localstripe is not installed or did not start."""


def localstripe_python() -> Path:
    """The interpreter of localstripe's own virtualenv (``LOCALSTRIPE_PYTHON`` overrides)."""
    configured = os.environ.get("LOCALSTRIPE_PYTHON")
    python = Path(configured) if configured else REPO_ROOT / ".venv-localstripe" / "bin" / "python"
    if not python.exists():
        msg = (
            f"localstripe's interpreter {python} does not exist: run `bash scripts/localstripe.sh` "
            f"(it installs localstripe=={LOCALSTRIPE_VERSION} into .venv-localstripe/)."
        )
        raise LocalStripeUnavailableError(msg)
    return python


def _command(port: int) -> list[str]:
    # -I: isolated, so the launcher's own folder (holding this module, also named
    # localstripe) is not put on sys.path ahead of the real package.
    return [str(localstripe_python()), "-I", str(LAUNCHER), "--port", str(port)]


def _parse_port(line: str, log: IO[str]) -> int:
    if not line.startswith("PORT "):
        log.seek(0)
        msg = f"localstripe did not start (said {line!r}); its log:\n{log.read()[-4000:]}"
        raise LocalStripeUnavailableError(msg)
    return int(line.split()[1])


def _answers(base_url: str) -> bool:
    request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
        f"{base_url}/v1/balance", headers={"Authorization": f"Bearer {PROBE_KEY}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=1) as response:  # noqa: S310
            return bool(response.status == 200)
    except OSError:
        return False


async def _wait_answering(base_url: str, deadline: float) -> None:
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                headers = {"Authorization": f"Bearer {PROBE_KEY}"}
                async with session.get(f"{base_url}/v1/balance", headers=headers) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                msg = f"localstripe at {base_url} did not answer in time"
                raise LocalStripeUnavailableError(msg)
            await asyncio.sleep(0.05)


@asynccontextmanager
async def running_localstripe(
    *, port: int = 0, startup_timeout: float = 20.0
) -> AsyncIterator[str]:
    """Start localstripe on 127.0.0.1 (a free port by default); yield its base URL."""
    deadline = time.monotonic() + startup_timeout
    with tempfile.TemporaryFile("w+") as log:
        process = await asyncio.create_subprocess_exec(
            *_command(port), stdout=asyncio.subprocess.PIPE, stderr=log
        )
        try:
            assert process.stdout is not None  # noqa: S101 - stdout=PIPE
            line = await asyncio.wait_for(process.stdout.readline(), startup_timeout)
            base_url = f"http://127.0.0.1:{_parse_port(line.decode(), log)}"
            await _wait_answering(base_url, deadline)
            yield base_url
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 5)
                except TimeoutError:
                    process.kill()
                    await process.wait()


@contextmanager
def localstripe_server(*, port: int = 0, startup_timeout: float = 20.0) -> Iterator[str]:
    """`running_localstripe` without an event loop, for session-scoped fixtures."""
    deadline = time.monotonic() + startup_timeout
    with (
        tempfile.TemporaryFile("w+") as log,
        subprocess.Popen(  # noqa: S603 - fixed argv, our own launcher
            _command(port), stdout=subprocess.PIPE, stderr=log, text=True
        ) as process,
    ):
        try:
            assert process.stdout is not None  # noqa: S101 - stdout=PIPE
            base_url = f"http://127.0.0.1:{_parse_port(process.stdout.readline(), log)}"
            while not _answers(base_url):
                if time.monotonic() > deadline:
                    msg = f"localstripe at {base_url} did not answer in time"
                    raise LocalStripeUnavailableError(msg)
                time.sleep(0.05)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def configure_localstripe_webhook(
    base_url: str,
    url: str,
    secret: str,
    *,
    endpoint_id: str = "tests",
    events: Sequence[str] | None = None,
) -> None:
    """Have localstripe POST its events to `url`, signed with `secret` (``/_config``).

    Registering the same `endpoint_id` again replaces the earlier endpoint.
    """
    form: list[tuple[str, str]] = [("url", url), ("secret", secret)]
    form += [("events[]", event) for event in events or ()]
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{base_url}/_config/webhooks/{endpoint_id}", data=form) as response,
    ):
        response.raise_for_status()


async def flush_localstripe(base_url: str) -> None:
    """Drop every object localstripe holds (``DELETE /_config/data``)."""
    async with (
        aiohttp.ClientSession() as session,
        session.delete(f"{base_url}/_config/data") as response,
    ):
        response.raise_for_status()


if __name__ == "__main__":  # pragma: no cover - manual use: print where it runs
    with localstripe_server() as running:
        sys.stderr.write(f"localstripe at {running} (Ctrl-C to stop)\n")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
