"""`make demo`: run TutorBot against the local Discord emulator and print the transcript.

Four servers: a free one (no Stripe key); a second free one where no admin has set anything
and the tutor's DMs are closed; a third that speaks Spanish; then a paid one whose bot talks
to the in-repo Stripe fake, with the checkout web app and the job runner running on the same
SQLite file.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from demo.campus import Campus, running_campus
from demo.clock import DemoClock
from demo.free_steps import STEPS
from demo.journey import DemoStepFailedError
from demo.mailbox import running_mailbox
from demo.paid_steps import PAID_STEPS
from demo.spanish import SPANISH_STEPS
from demo.trust_steps import SEALED_IN_DEMO
from demo.unconfigured import UNCONFIGURED_STEPS
from discord_emulator.violations import describe_violations
from stripe_fake import running_stripe_fake

OUT = Path("demo-out")
DM_CLOSED = 50007  # expected: Sam closes his DMs on purpose

Step = Callable[[Campus], Awaitable[None]]


def plaintext_found(database: Path, secrets: Sequence[str]) -> str | None:
    """Which sensitive strings appear as plaintext in the SQLite file (and its WAL), if any."""
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    found = [s for s in secrets if s.encode() in stored]
    return f"plaintext in the database file: {found}" if found else None


def fresh_database(name: str) -> Path:
    """A path for a brand-new SQLite file, with any earlier demo's file removed."""
    OUT.mkdir(exist_ok=True)
    for leftover in OUT.glob(f"{name}.db*"):
        leftover.unlink()
    return OUT / f"{name}.db"


async def run_steps(campus: Campus, title: str, steps: Sequence[Step]) -> tuple[str, str | None]:
    """Run `steps` on `campus`; (transcript, failure or None)."""
    campus.emu.say_system(f"════ {title}")
    failure: str | None = None
    try:
        for step in steps:
            campus.emu.say_system(f"── {step.__doc__ or step.__name__}")
            await step(campus)
    except DemoStepFailedError as error:
        failure = str(error)
    violations = campus.emu.take_violations()  # reported here, not again on teardown
    if violations:
        failure = f"{failure or 'contract violations'}\n{describe_violations(violations)}"
    surprises = [e for e in campus.emu.unexpected_errors if e.code != DM_CLOSED]
    if failure is None and surprises:
        failure = f"the bot hit Discord errors: {surprises}"
    if failure is None and campus.emu.emulator_faults:  # an emulator bug, not the bot's
        failure = "the emulator sent payloads Discord would not: " + "; ".join(
            dict.fromkeys(campus.emu.emulator_faults)
        )
    return campus.emu.format_transcript(), failure


async def run_free_server(
    database: Path, title: str, steps: Sequence[Step], label: str
) -> tuple[str, str, str | None]:
    """A free server of its own running `steps`: (transcript, what was checked, failure)."""
    async with running_campus(
        f"sqlite+aiosqlite:///{database}", clock=DemoClock(), check_every_payload=True
    ) as campus:
        transcript, failure = await run_steps(campus, title, steps)
        return transcript, f"{label}: {len(campus.emu.requests)} Discord requests", failure


async def run_unconfigured(database: Path) -> tuple[str, str, str | None]:
    """The second free server, nothing configured: (transcript, what was checked, failure)."""
    title = "A new free server that nobody has configured (the tutor's DMs are closed)"
    return await run_free_server(database, title, UNCONFIGURED_STEPS, "unconfigured server")


async def run_spanish(database: Path) -> tuple[str, str, str | None]:
    """The Spanish server: (transcript, what was checked, failure)."""
    title = "A server in Spanish (`languages: es`), and a member who reads German"
    return await run_free_server(database, title, SPANISH_STEPS, "Spanish server")


async def run_demo(free_db: Path, unconfigured_db: Path, spanish_db: Path, paid_db: Path) -> int:
    """Run the four journeys, each on a fresh SQLite file; 0 when all went well."""
    checked: list[str] = []
    with running_mailbox() as mailbox:
        async with running_campus(
            f"sqlite+aiosqlite:///{free_db}",
            clock=DemoClock(),
            check_every_payload=True,
            mailbox=mailbox,
        ) as campus:
            free, failure = await run_steps(campus, "A free server (no Stripe key)", STEPS)
            checked.append(f"free server: {len(campus.emu.requests)} Discord requests")
    if failure is None:
        failure = plaintext_found(free_db, SEALED_IN_DEMO)
        checked.append(f"no plaintext of {len(SEALED_IN_DEMO)} sensitive strings in {free_db}")
    bare = ""
    if failure is None:
        bare, what, failure = await run_unconfigured(unconfigured_db)
        checked.append(what)
    spanish = ""
    if failure is None:
        spanish, what, failure = await run_spanish(spanish_db)
        checked.append(what)
    paid = ""
    if failure is None:
        clock = DemoClock()
        async with (
            running_stripe_fake(clock=clock.timestamp) as stripe,
            running_campus(
                f"sqlite+aiosqlite:///{paid_db}",
                clock=clock,
                stripe=stripe,
                check_every_payload=True,
            ) as campus,
        ):
            title = "A paid server (Stripe: the in-repo fake)"
            paid, failure = await run_steps(campus, title, PAID_STEPS)
            await stripe.settle()
            if failure is None and stripe.violations:
                failure = "Stripe requests the real API refuses: " + "; ".join(
                    f"{r.method} {r.path}: {r.violation}" for r in stripe.violations
                )
            checked.append(
                f"paid server: {len(campus.emu.requests)} Discord requests, "
                f"{len(stripe.requests)} Stripe requests"
            )
    transcript = "\n\n".join(part for part in (free, bare, spanish, paid) if part)
    await asyncio.to_thread(
        (OUT / "transcript.txt").write_text, transcript + "\n", encoding="utf-8"
    )
    sys.stdout.write(transcript + "\n")
    if failure:
        sys.stderr.write(f"\nDEMO FAILED: {failure}\n")
        return 1
    journeys = len(STEPS) + len(UNCONFIGURED_STEPS) + len(SPANISH_STEPS) + len(PAID_STEPS)
    sys.stdout.write(
        f"\nContracts: {'; '.join(checked)}; each checked against Discord's openapi.json "
        "and documented limits, or the stripe library's parameter types: 0 violations.\n"
        f"Demo finished: {journeys} journeys; databases {free_db}, {unconfigured_db}, "
        f"{spanish_db}, {paid_db}.\n"
    )
    return 0


def main() -> int:
    """Entry point for `python -m demo`."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    databases = (
        fresh_database(n)
        for n in ("tutorbot-demo", "tutorbot-bare", "tutorbot-es", "tutorbot-paid")
    )
    return asyncio.run(run_demo(*databases))


if __name__ == "__main__":
    sys.exit(main())
