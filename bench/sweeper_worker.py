"""One sweeper process of the `sweeper` benchmark: `python -m bench.sweeper_worker URL`.

Connects, says "ready", waits for "go" on stdin (so every process starts together),
drains the due rows with one JobRunner and a trivial handler, then prints one JSON line:
the action ids it handled and when it began and ended (wall clock, comparable across
processes).
"""

from __future__ import annotations

import asyncio
import json
import sys

from bench.sweeper import sweep_here


async def _ready_then_wait() -> None:
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


async def main(url: str) -> None:
    handled, began, ended = await sweep_here(url, _ready_then_wait)
    sys.stdout.write(json.dumps({"handled": handled, "began": began, "ended": ended}) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
