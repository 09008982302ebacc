"""`python -m bench [metric ...]`: run the benchmarks, one JSON object per line on stdout.

`BENCH_SCALE=full` runs the issue's sizes; the default (`quick`) is a small scale that
finishes in a few minutes. Progress goes to stderr. A metric that fails prints a line
with an `error` key and the run exits non-zero after the others have run.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
import time
import traceback
from collections.abc import Awaitable, Callable

from bench.common import Emit, Scale, cleanup_templates, current_scale, emit, log

# metric name → module with `async def run(scale, out)`, in the order they run.
METRICS = {
    "booking_race": "bench.booking_race",
    "search_ms": "bench.search_ms",
    "interaction_ack_ms": "bench.interaction_ack",
    "booking_throughput": "bench.booking_throughput",
    "sweeper": "bench.sweeper",
    "webhook_ms": "bench.webhook_ms",
    "screening_ms": "bench.screening_ms",
}


def _runner(name: str) -> Callable[[Scale, Emit], Awaitable[None]]:
    module = importlib.import_module(METRICS[name])
    return module.run  # type: ignore[no-any-return]


def main(argv: list[str]) -> int:
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    log.setLevel(logging.INFO)
    unknown = [name for name in argv if name not in METRICS]
    if unknown:
        sys.stderr.write(f"unknown metric(s) {unknown}; choose from {list(METRICS)}\n")
        return 2
    scale = current_scale()
    chosen = argv or list(METRICS)
    failed = []
    started = time.perf_counter()
    log.info("bench: scale %s, metrics %s", scale.name, ", ".join(chosen))
    try:
        for name in chosen:
            began = time.perf_counter()
            try:
                asyncio.run(_runner(name)(scale, emit))
            except Exception as error:
                traceback.print_exc(file=sys.stderr)
                emit(
                    {
                        "metric": name,
                        "backend": "-",
                        "scale": scale.name,
                        "error": f"{type(error).__name__}: {error}"[:500],
                    }
                )
                failed.append(name)
            log.info("bench: %s took %.1f s", name, time.perf_counter() - began)
    finally:
        cleanup_templates()
    log.info("bench: all done in %.1f s", time.perf_counter() - started)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
