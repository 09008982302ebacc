"""Loaded by the bot process the interaction bench spawns (`PYTHONPATH` has this folder).

It does nothing unless the bench asks, by environment variable:

* `TUTORBOT_BENCH_PROBE=1`: print one line `TUTORBOT_BENCH_PROBE ready <monotonic>` to
  stderr when discord.py dispatches `ready` (the moment `on_ready` listeners run), so the
  bench can time start → READY from outside. `time.monotonic()` is the system-wide
  CLOCK_MONOTONIC on Linux, the same clock the bench's event loop reads. And for each
  interaction, `TUTORBOT_BENCH_PROBE ack <interaction id> <seconds>`: from discord.py
  parsing its INTERACTION_CREATE to the bot starting its callback request (the bot's
  own share of the acknowledgement).
* `TUTORBOT_BENCH_PROFILE=<file>`: run the whole process under cProfile and write the
  stats to `<file>` at exit (the bench stops the bot with SIGINT, so `atexit` runs).
  cProfile times the main thread's CPU (`time.thread_time`; with
  `TUTORBOT_BENCH_PROFILE_WALL=1` the wall clock, for where start-up waits); aiosqlite's
  worker thread is not seen.

The bot itself is not changed: the probe wraps `discord.Client.dispatch` with one check.
"""

from __future__ import annotations

import atexit
import os
import sys
import time


def _say(*words: object) -> None:
    sys.stderr.write(" ".join(["TUTORBOT_BENCH_PROBE", *map(str, words)]) + "\n")
    sys.stderr.flush()


def _install_ready_probe() -> None:
    import discord  # noqa: PLC0415 - only when the bench asks
    from discord.state import ConnectionState  # noqa: PLC0415
    from discord.webhook.async_ import AsyncWebhookAdapter  # noqa: PLC0415

    original = discord.Client.dispatch
    seen = False

    def dispatch(self, event, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal seen
        if not seen and event == "ready":
            seen = True
            _say("ready", f"{time.monotonic():.6f}")
        return original(self, event, *args, **kwargs)

    discord.Client.dispatch = dispatch  # type: ignore[method-assign]

    parsed: dict[int, float] = {}
    parse = ConnectionState.parse_interaction_create
    respond = AsyncWebhookAdapter.create_interaction_response

    def parse_interaction_create(self, data):  # type: ignore[no-untyped-def]
        parsed[int(data["id"])] = time.perf_counter()
        return parse(self, data)

    def create_interaction_response(self, interaction_id, *args, **kwargs):  # type: ignore[no-untyped-def]
        began = parsed.pop(int(interaction_id), None)
        if began is not None:
            _say("ack", interaction_id, f"{time.perf_counter() - began:.6f}")
        return respond(self, interaction_id, *args, **kwargs)

    ConnectionState.parse_interaction_create = parse_interaction_create  # type: ignore[method-assign]
    AsyncWebhookAdapter.create_interaction_response = create_interaction_response  # type: ignore[method-assign]


def _install_profiler(path: str) -> None:
    import cProfile  # noqa: PLC0415 - only when the bench asks

    # CPU time of the main thread: time spent waiting (for the loop, the GIL, the CPU
    # itself on a busy machine) is not counted against whatever was running.
    wall = bool(os.environ.get("TUTORBOT_BENCH_PROFILE_WALL"))
    profiler = cProfile.Profile() if wall else cProfile.Profile(time.thread_time)

    def dump() -> None:
        profiler.disable()
        profiler.dump_stats(path)

    atexit.register(dump)
    profiler.enable()


if os.environ.get("TUTORBOT_BENCH_PROFILE"):
    _install_profiler(os.environ["TUTORBOT_BENCH_PROFILE"])
if os.environ.get("TUTORBOT_BENCH_PROBE"):
    _install_ready_probe()
