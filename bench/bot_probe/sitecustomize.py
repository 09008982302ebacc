"""Loaded by the bot process the interaction bench spawns (`PYTHONPATH` has this folder).

It does nothing unless the bench asks, by environment variable:

* `TUTORBOT_BENCH_PROBE=1`: print one line `TUTORBOT_BENCH_PROBE ready <monotonic>` to
  stderr when discord.py dispatches `ready` (the moment `on_ready` listeners run), so the
  bench can time start → READY from outside. `time.monotonic()` is the system-wide
  CLOCK_MONOTONIC on Linux, the same clock the bench's event loop reads.
* `TUTORBOT_BENCH_PROFILE=<file>`: run the whole process under cProfile and write the
  stats to `<file>` at exit (the bench stops the bot with SIGINT, so `atexit` runs).
  cProfile times the main thread's CPU (`time.thread_time`); aiosqlite's worker
  thread is not seen.

The bot itself is not changed: the probe wraps `discord.Client.dispatch` with one check.
"""

from __future__ import annotations

import atexit
import os
import sys
import time


def _install_ready_probe() -> None:
    import discord  # noqa: PLC0415 - only when the bench asks

    original = discord.Client.dispatch
    seen = False

    def dispatch(self, event, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal seen
        if not seen and event == "ready":
            seen = True
            sys.stderr.write(f"TUTORBOT_BENCH_PROBE ready {time.monotonic():.6f}\n")
            sys.stderr.flush()
        return original(self, event, *args, **kwargs)

    discord.Client.dispatch = dispatch  # type: ignore[method-assign]


def _install_profiler(path: str) -> None:
    import cProfile  # noqa: PLC0415 - only when the bench asks

    # CPU time of the main thread: time spent waiting (for the loop, the GIL, the CPU
    # itself on a busy machine) is not counted against whatever was running.
    profiler = cProfile.Profile(time.thread_time)

    def dump() -> None:
        profiler.disable()
        profiler.dump_stats(path)

    atexit.register(dump)
    profiler.enable()


if os.environ.get("TUTORBOT_BENCH_PROFILE"):
    _install_profiler(os.environ["TUTORBOT_BENCH_PROFILE"])
if os.environ.get("TUTORBOT_BENCH_PROBE"):
    _install_ready_probe()
