"""`tutorbot export KIND --guild ID --since DAY --until DAY --out FILE`: for nightly jobs."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from marketplace.domain.errors import InputError
from marketplace.domain.exports import MAX_PERIOD_DAYS, ExportKind
from marketplace.ports import SystemClock
from marketplace.services import exports
from marketplace.services.context import ServiceContext
from marketplace.settings import Settings
from marketplace.storage.engine import create_database
from marketplace.storage.unit_of_work import UnitOfWorkFactory

REFUSED_PERIOD = "--until must be after --since, and the two at most {days:,} days apart."


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `export` subcommand and its options."""
    parser = sub.add_parser("export", help="write one guild's CSV export to a file")
    parser.add_argument("kind", choices=[k.value for k in ExportKind])
    parser.add_argument("--guild", type=int, required=True, help="the guild (server) id")
    parser.add_argument(
        "--since", type=date.fromisoformat, required=True, help="first day, YYYY-MM-DD"
    )
    parser.add_argument(
        "--until",
        type=date.fromisoformat,
        required=True,
        help="the day after the last, YYYY-MM-DD (days are the guild's, see `timezone`)",
    )
    parser.add_argument("--out", type=Path, required=True, help="the CSV file, or - for stdout")


async def _export(settings: Settings, command: exports.ExportDays) -> exports.Export:
    # Exports read ids, names, times and amounts: nothing sealed, so no data keys.
    database = create_database(settings.database_url)
    try:
        ctx = ServiceContext(uow=UnitOfWorkFactory(database), clock=SystemClock())
        return await exports.export_days(command, ctx)
    finally:
        await database.dispose()


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Write the file; one line on stderr saying what was written, or why not."""
    command = exports.ExportDays(args.guild, ExportKind(args.kind), args.since, args.until)
    try:
        made = asyncio.run(_export(settings, command))
    except InputError:
        sys.stderr.write(REFUSED_PERIOD.format(days=MAX_PERIOD_DAYS) + "\n")
        return 2
    (data,) = made.files
    if str(args.out) == "-":
        sys.stdout.buffer.write(data)
    else:
        args.out.write_bytes(data)
    where = "stdout" if str(args.out) == "-" else str(args.out)
    sys.stderr.write(f"wrote {made.rows} {made.kind.value} rows to {where} ({made.zone})\n")
    return 0
