"""`make demo`: run TutorBot against the local Discord emulator and print the transcript."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from demo.campus import running_campus
from demo.journey import STEPS, DemoStepFailedError

OUT = Path("demo-out")
DM_CLOSED = 50007  # expected: Sam closes his DMs on purpose


def fresh_database() -> Path:
    """A path for a brand-new SQLite file, with any earlier demo's file removed."""
    OUT.mkdir(exist_ok=True)
    for leftover in OUT.glob("tutorbot-demo.db*"):
        leftover.unlink()
    return OUT / "tutorbot-demo.db"


async def run_demo(database: Path) -> int:
    """Run every journey step on a fresh SQLite file; 0 when all went as users expect."""
    async with running_campus(f"sqlite+aiosqlite:///{database}") as campus:
        failure: str | None = None
        try:
            for step in STEPS:
                campus.emu.say_system(f"── {step.__doc__ or step.__name__}")
                await step(campus)
        except DemoStepFailedError as error:
            failure = str(error)
        transcript = campus.emu.format_transcript()
        await asyncio.to_thread(
            (OUT / "transcript.txt").write_text, transcript + "\n", encoding="utf-8"
        )
        surprises = [e for e in campus.emu.unexpected_errors if e.code != DM_CLOSED]
    sys.stdout.write(transcript + "\n")
    if failure:
        sys.stderr.write(f"\nDEMO FAILED: {failure}\n")
        return 1
    if surprises:
        sys.stderr.write(f"\nDEMO FAILED: the bot hit Discord errors: {surprises}\n")
        return 1
    sys.stdout.write(f"\nDemo finished: {len(STEPS)} journeys, database at {database}.\n")
    return 0


def main() -> int:
    """Entry point for `python -m demo`."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(run_demo(fresh_database()))


if __name__ == "__main__":
    sys.exit(main())
